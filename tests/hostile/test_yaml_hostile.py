"""Bad YAML of every kind, in every file a site can edit (catalogue, layouts, themes, config): the safe
loader only, bounded reads, and always one line on standard error naming the file, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from console import cli
from console.catalog.loader import EVENT_KEYS, FILE_KEYS, LAYOUT_KEYS, SEVERITY_KEYS, load_catalog
from console.commands.config import CONFIG_KEYS, load_config
from console.errors import DataError
from console.safe_text import visible
from console.themes_data import THEME_KEYS, load_theme_file

from .helpers import assert_inert, cli_env, fuzz

MARKER = "PWNED-MARKER"
_BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]\n" for p, k in zip("abcdefgh", "bcdefghi"))

# (name, content): each is bad for every kind of file. Bytes where the encoding matters.
COMMON = [
    ("unclosed flow", "a: [1, 2\n"),
    ("bad indentation", "a: 1\n  b: 2\n c: 3\n"),
    ("tab indentation", "a:\n\t- 1\n"),
    ("stray colon", ": : :\n"),
    ("python object", f"!!python/object/apply:os.system ['touch {MARKER}']\n"),
    ("python object in a value", f"paths: !!python/object/apply:os.system ['touch {MARKER}']\n"),
    ("python name", "!!python/name:os.system\n"),
    ("python module", "x: !!python/module:os\n"),
    ("yaml set", "!!set {a, b}\n"),
    ("binary", "!!binary aGVsbG8=\n"),
    ("a list", "- 1\n- 2\n"),
    ("a number", "42\n"),
    ("text", "just some text\n"),
    ("unknown key with bidi and escape", "'evil\u202e\x1b': 1\n".replace("\x1b", "\\e")),
    ("billion laughs", _BILLION_LAUGHS),
    ("not utf-8", b"a: \xff\xfe\x00bad\n"),
    ("utf-16", "a: 1\n".encode("utf-16")),
    ("nul byte", b"a: \x00\n"),
    ("escape character", b"a: \x1b]2;PWNED\x07\n"),
    ("deep block nesting", "- " * 300_000 + "x\n"),
    ("deep mapping nesting", "".join(" " * i + "k:\n" for i in range(2000))),
]
KIND_SPECIFIC = {
    "catalogue": [
        ("events not a list", "events: {a: 1}\n"),
        ("event not a mapping", "events: [1]\n"),
        ("event id as text", "facility: X\nevents: [{name: A, id: '7', severity: info}]\n"),
        ("event id as bool", "facility: X\nevents: [{name: A, id: true, severity: info}]\n"),
        ("event name with a newline", "facility: X\nevents: [{name: \"Evt\\n\", id: 7, severity: info}]\n"),
        ("event unknown severity", "facility: X\nevents: [{name: A, id: 7, severity: doom}]\n"),
        ("template names %9", "facility: X\nevents: [{name: A, id: 7, severity: info, templates: ['%9']}]\n"),
        ("unknown event key", "facility: X\nevents: [{name: A, id: 7, severity: info, exec: rm}]\n"),
        ("severity name with a quote", "severities: [{name: \"it's\", letter: X, rank: 9, key: x}]\n"),
        ("severity key a comma", "severities: [{name: x, letter: X, rank: 9, key: ','}]\n"),
        ("severity key a space", "severities: [{name: x, letter: X, rank: 9, key: ' '}]\n"),
        ("severity two letters", "severities: [{name: x, letter: XY, rank: 9}]\n"),
        ("generic token does not compile", "generic: {token: '('}\n"),
    ],
    "layout": [
        ("layouts not a list", "layouts: {name: x}\n"),
        ("layout regex does not compile", "layouts: [{name: x, regex: '(?P<letter>'}]\n"),
        ("layout regex lacks groups", "layouts: [{name: x, regex: '^(?P<letter>.)'}]\n"),
        ("layout regex too long", "layouts: [{name: x, regex: '" + "a" * 5000 + "'}]\n"),
        ("layout time bogus", "layouts: [{name: x, time: stardate, regex: "
         "'(?P<letter>.)(?P<facility>.)(?P<event>.)(?P<message>.*)'}]\n"),
        ("layout regex a list", "layouts: [{name: x, regex: [a]}]\n"),
        ("layout unknown key", "layouts: [{name: x, regex: a, run: b}]\n"),
    ],
    "theme": [
        ("colour not hex", "name: t\ncolors: {primary: red, foreground: '#ffffff', background: '#000000'}\n"
         "severities: {unknown: '#ffffff'}\n"),
        ("missing colours", "name: t\ncolors: {primary: '#ffffff'}\nseverities: {unknown: '#ffffff'}\n"),
        ("style bogus", "name: t\ncolors: {primary: '#ffffff', foreground: '#ffffff', background: '#000000'}\n"
         "severities: {unknown: {color: '#ffffff', style: 'blink [b]'}}\n"),
        ("dark not a bool", "name: t\ndark: 'yes'\ncolors: {primary: '#ffffff', foreground: '#ffffff', "
         "background: '#000000'}\nseverities: {unknown: '#ffffff'}\n"),
        ("empty", ""),
    ],
    "config": [
        ("history negative", "history: -1\n"),
        ("history text", "history: lots\n"),
        ("history float", "history: 1e999\n"),
        ("paths a number", "paths: 5\n"),
        ("theme a list", "theme: [a]\n"),
        ("lines fractional", "lines: 1.5\n"),
        ("max_line zero", "max_line: 0\n"),
        ("unknown key", "shell: rm -rf /\n"),
        ("paths with an empty entry", "paths: ['']\n"),
        # every kind is read by load_yaml; once is enough for the slow one (libyaml alone: SIGSEGV)
        ("deep flow nesting", "[" * 100_000 + "]" * 100_000),
    ],
}
KINDS = list(KIND_SPECIFIC)
CASES = [(kind, name, content) for kind in KINDS for name, content in COMMON + KIND_SPECIFIC[kind]]


def _place(tmp_path: Path, kind: str, content) -> tuple[Path, list[str]]:
    """Writes the bad file where that kind lives; returns it and the command line that reads it."""
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    log = tmp_path / "mta-event.log"
    log.write_bytes(b"")
    if kind in ("catalogue", "layout"):
        d = tmp_path / "site"
        d.mkdir(exist_ok=True)
        f = d / "site.yaml"
        f.write_bytes(data)
        return f, ["catalog", "--catalog", str(d)]
    f = tmp_path / f"{kind}.yaml"
    f.write_bytes(data)
    if kind == "theme":
        return f, ["--themes", str(f), str(log)]
    return f, ["--config", str(f), str(log)]


@pytest.fixture
def no_console(monkeypatch):
    """If a bad file were accepted the console would start: fail loudly instead of hanging."""
    from console.ui.app import ConsoleApp

    def refuse(self, *a, **k):
        raise AssertionError("the console started: the bad file was accepted")
    monkeypatch.setattr(ConsoleApp, "run", refuse)


@pytest.mark.parametrize("kind, name, content", CASES, ids=[f"{k}-{n}" for k, n, _ in CASES])
def test_bad_yaml_is_one_line_exit_2(tmp_path, monkeypatch, capsys, no_console, kind, name, content):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    path, argv = _place(tmp_path, kind, content)
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (code, err)
    assert err.count("\n") == 1 and err.endswith("\n") and "Traceback" not in err, err
    assert str(path) in err, err
    assert_inert(err, "the error line")
    assert not (tmp_path / MARKER).exists(), "YAML ran a command"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "fifo", "directory", "huge sparse"])
def test_special_files_are_refused_without_reading_them(tmp_path, monkeypatch, capsys, no_console, kind, special):
    """/dev/zero says it is empty and never ends, a FIFO blocks for ever, a 5 GB sparse file is too big:
    each is refused at once, in bounded memory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    path, argv = _place(tmp_path, kind, "")
    path.unlink()
    if special.startswith("/dev/"):
        path.symlink_to(special)
    elif special == "fifo":
        os.mkfifo(path)
    elif special == "directory":
        path.mkdir()
    else:
        with open(path, "wb") as f:
            f.truncate(5 << 30)
    code = cli.main(argv)
    err = capsys.readouterr().err
    if kind in ("catalogue", "layout") and special != "huge sparse":
        assert code == 0, err  # a catalogue directory reads only its regular *.yaml files
        return
    if kind == "theme" and special == "directory":
        return  # a folder of themes is what --themes DIR is for
    assert code == 2 and err.count("\n") == 1, err
    assert ("not a regular file" in err) or ("too large" in err), err


def test_yaml_is_only_ever_loaded_safely(tmp_path, monkeypatch):
    seen = []
    real = yaml.load

    def spy(stream, Loader=None):
        seen.append(Loader)
        return real(stream, Loader=Loader)
    monkeypatch.setattr(yaml, "load", spy)
    for name in ("safe_load", "full_load", "unsafe_load"):
        monkeypatch.setattr(yaml, name, lambda *a, **k: pytest.fail("a YAML load that bypasses load_yaml"))
    load_catalog()
    (tmp_path / "c.yaml").write_text(f"theme: !!python/object/apply:os.system ['touch {MARKER}']\n")
    with pytest.raises(DataError):
        load_config(tmp_path / "c.yaml")
    safe = {yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)}
    assert seen and set(seen) <= safe
    assert not (tmp_path / MARKER).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_the_installed_entry_point_prints_no_traceback(tmp_path, kind):
    """The real process, for one bad file of each kind: exit 2 and one line, nothing else."""
    path, argv = _place(tmp_path, kind, "- " * 300_000 + "x\n")
    proc = subprocess.run([sys.executable, "-m", "console", *argv], cwd=tmp_path, env=cli_env(tmp_path),
                          capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err.count("\n") == 1 and "Traceback" not in err, err
    assert proc.stdout == b""


# -- arbitrary documents: validation answers every shape with a DataError or accepts it --------

_KEYS = sorted(FILE_KEYS | EVENT_KEYS | SEVERITY_KEYS | LAYOUT_KEYS | THEME_KEYS | CONFIG_KEYS
               | {"token", "timestamps", "color", "style", "primary", "foreground", "background"})
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 2**70), st.floats(allow_nan=False),
                     st.text(max_size=12), st.sampled_from(["info", "#ffffff", "(?P<letter>.)", "%1", "A"]))
_DOCS = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(_KEYS), st.text(max_size=6)), inner, max_size=5)),
    max_leaves=25)


@fuzz(100)
@given(st.sampled_from(KINDS), st.dictionaries(st.sampled_from(_KEYS), _DOCS, max_size=5))
def test_any_document_is_accepted_or_refused_with_a_data_error(tmp_path_factory, catalog, kind, doc):
    d = tmp_path_factory.mktemp("doc")
    f = d / "site.yaml"
    f.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    try:
        if kind in ("catalogue", "layout"):
            load_catalog([d])
        elif kind == "theme":
            load_theme_file(f, catalog)
        else:
            load_config(f)
    except DataError as exc:
        message = str(exc)
        assert str(f) in message or str(d) in message, message
        assert "\n" not in visible(message)  # how the command line prints it
