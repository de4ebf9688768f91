"""Reads and validates catalogue YAML (shipped, then each --catalog DIR), later files overriding earlier."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from console.catalog.catalog import Catalog, EventDef, GenericRule, Layout, Severity, TimestampRule
from console.errors import DataError
from console.regex.guard import RegexUse, check as check_regexes
from console.resources import catalog_dir
from console.catalog.template import compile_template
from console.catalog.timestamps import TIME_KINDS
from console.catalog.yamlfile import (check_keys, expect_int, expect_list, expect_mapping, expect_str,
                              expect_style, load_yaml)

FILE_KEYS = {"facility", "description", "release", "events", "severities", "layouts", "generic"}
EVENT_KEYS = {"name", "id", "severity", "description", "action", "parameters", "templates",
              "template", "release", "facility"}
SEVERITY_KEYS = {"name", "letter", "rank", "key", "meaning", "operator", "unknown", "alert", "notify", "mono"}
LAYOUT_KEYS = {"name", "regex", "time", "description", "example"}
LAYOUT_GROUPS = {"letter", "facility", "event", "message"}
GENERIC_KEYS = {"token", "timestamps"}
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*\Z")  # \Z: $ would let "Name\n" in
_SEVERITY_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*\Z")
_MAX_REGEX = 4000


@dataclass
class _Pending:
    severities: dict[str, tuple[Severity, str]] = field(default_factory=dict)
    events: dict[tuple[str, str], EventDef] = field(default_factory=dict)
    layouts: dict[str, Layout] = field(default_factory=dict)
    generic: GenericRule | None = None
    generic_file: str = ""


def load_catalog(extra_dirs: list[str | Path] | tuple = ()) -> Catalog:
    """The shipped catalogue plus each site directory, in order; raises DataError on the first problem."""
    pending = _Pending()
    for directory in [catalog_dir(), *map(Path, extra_dirs)]:
        _load_dir(Path(directory), pending)
    _refuse_backtracking(pending)
    return _finish(pending)


def _refuse_backtracking(pending: _Pending) -> None:
    """A site regex that can backtrack catastrophically would freeze the console on one long line
    (a `re` call cannot be interrupted, not even by a signal): refuse it now, naming its file."""
    shipped = catalog_dir()
    uses = [(layout.file, RegexUse(f"{layout.file}: layout {layout.name!r}: regex", layout.regex, search=False))
            for layout in pending.layouts.values()]
    if pending.generic is not None:
        file = pending.generic_file
        uses.append((file, RegexUse(f"{file}: generic: token", pending.generic.token, search=True)))
        uses += [(file, RegexUse(f"{file}: generic: timestamp #{i + 1}: regex", rule.regex, search=True))
                 for i, rule in enumerate(pending.generic.timestamps)]
    site = [use for file, use in uses if Path(file).parent != shipped]  # the shipped ones are tested
    for use, why in zip(site, check_regexes(site)):
        if why:
            raise DataError(f"{use.where}: {why}")


def _load_dir(directory: Path, pending: _Pending) -> None:
    if not directory.exists():
        raise DataError(f"{directory}: catalogue directory does not exist")
    if not directory.is_dir():
        raise DataError(f"{directory}: not a directory (--catalog takes a directory of YAML files)")
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    # Within one directory a name may appear once; a later directory may override it.
    seen_events: dict[tuple[str, str], str] = {}
    seen_sev: dict[str, str] = {}
    seen_layouts: dict[str, str] = {}
    for path in files:
        _load_file(path, pending, seen_events, seen_sev, seen_layouts)


def _load_file(path: Path, pending: _Pending, seen_events, seen_sev, seen_layouts) -> None:
    data = load_yaml(path)
    if data is None:
        return
    doc = expect_mapping(data, str(path))
    check_keys(doc, FILE_KEYS, set(), str(path))
    file_facility = expect_str(doc.get("facility"), f"{path}: facility")
    file_release = expect_str(doc.get("release"), f"{path}: release")
    expect_str(doc.get("description"), f"{path}: description")

    for i, raw in enumerate(expect_list(doc.get("severities") or [], f"{path}: severities")):
        sev = _severity(raw, f"{path}: severity #{i + 1}")
        where = f"{path}: severity {sev.name!r}"
        if sev.name in seen_sev:
            raise DataError(f"{where}: defined twice in this directory (also in {seen_sev[sev.name]})")
        seen_sev[sev.name] = path.name
        pending.severities[sev.name] = (sev, str(path))

    for i, raw in enumerate(expect_list(doc.get("events") or [], f"{path}: events")):
        ev = _event(raw, f"{path}: event #{i + 1}", file_facility, file_release, path)
        key = (ev.facility, ev.name)
        if key in seen_events:
            raise DataError(f"{path}: event {ev.facility}-{ev.name}: defined twice in this directory"
                            f" (also in {seen_events[key]})")
        seen_events[key] = path.name
        pending.events[key] = ev

    for i, raw in enumerate(expect_list(doc.get("layouts") or [], f"{path}: layouts")):
        layout = _layout(raw, f"{path}: layout #{i + 1}", path)
        if layout.name in seen_layouts:
            raise DataError(f"{path}: layout {layout.name!r}: defined twice in this directory"
                            f" (also in {seen_layouts[layout.name]})")
        seen_layouts[layout.name] = path.name
        # an override keeps the shipped layout's place in the try order
        pending.layouts[layout.name] = layout

    if doc.get("generic") is not None:
        pending.generic = _generic(doc["generic"], f"{path}: generic")
        pending.generic_file = str(path)


def _severity(raw, where: str) -> Severity:
    entry = expect_mapping(raw, where)
    check_keys(entry, SEVERITY_KEYS, {"name", "letter", "rank"}, where)
    name = expect_str(entry["name"], f"{where}: name", allow_empty=False)
    if not _SEVERITY_NAME.match(name):
        # it becomes a console action argument: a quote or backslash there crashes or misfires
        raise DataError(f"{where}: name {name!r} is not a valid severity name"
                        " (letters, digits, _ and -, starting with a letter)")
    where = where.rsplit(":", 1)[0] + f": severity {name!r}"
    letter = expect_str(entry["letter"], f"{where}: letter", allow_empty=False)
    if len(letter) != 1:
        raise DataError(f"{where}: letter must be one character, got {letter!r}")
    key = expect_str(entry.get("key"), f"{where}: key")
    if len(key) > 1 or (key and not (key.isascii() and key.isalnum())):
        # "," or " " cannot be bound at all (the console would not start); "[" or "é" bind nothing
        raise DataError(f"{where}: key must be one letter or digit, got {key!r}")
    return Severity(
        name=name, letter=letter, rank=expect_int(entry["rank"], f"{where}: rank"), key=key,
        meaning=expect_str(entry.get("meaning"), f"{where}: meaning"),
        operator=expect_str(entry.get("operator"), f"{where}: operator"),
        unknown=_flag(entry, "unknown", where), alert=_flag(entry, "alert", where),
        notify=_flag(entry, "notify", where), mono=expect_style(entry.get("mono"), f"{where}: mono"),
    )


def _flag(entry: dict, key: str, where: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise DataError(f"{where}: {key}: expected true or false")
    return value


def _event(raw, where: str, file_facility: str, file_release: str, path: Path) -> EventDef:
    entry = expect_mapping(raw, where)
    check_keys(entry, EVENT_KEYS, {"name", "id", "severity"}, where)
    name = expect_str(entry["name"], f"{where}: name", allow_empty=False)
    if not _NAME.match(name):
        raise DataError(f"{where}: name {name!r} is not a valid event name")
    facility = expect_str(entry.get("facility"), f"{where}: facility") or file_facility
    where = f"{path}: event {name!r}"
    if not facility:
        raise DataError(f"{where}: no facility (set `facility:` at the top of the file)")
    params = tuple(expect_str(p, f"{where}: parameters", allow_empty=False)
                   for p in expect_list(entry.get("parameters") or [], f"{where}: parameters"))
    texts = entry.get("templates")
    if texts is None and "template" in entry:
        texts = [entry["template"]] if entry["template"] is not None else []
    texts = expect_list(texts or [], f"{where}: templates")
    templates = []
    for text in texts:
        text = expect_str(text, f"{where}: template", allow_empty=False)
        template = compile_template(text)
        for n in template.numbers:
            if not 1 <= n <= len(params):
                raise DataError(f"{where}: template {text!r} names parameter %{n},"
                                f" but the event has {len(params)} parameter(s)")
        templates.append(template)
    return EventDef(
        facility=facility, name=name, id=expect_int(entry["id"], f"{where}: id"),
        severity=expect_str(entry["severity"], f"{where}: severity", allow_empty=False),
        description=expect_str(entry.get("description"), f"{where}: description"),
        action=expect_str(entry.get("action"), f"{where}: action"),
        parameters=params, templates=tuple(templates),
        release=expect_str(entry.get("release"), f"{where}: release") or file_release,
        file=str(path),
    )


def _compile(pattern, where: str) -> re.Pattern[str]:
    pattern = expect_str(pattern, where, allow_empty=False)
    if len(pattern) > _MAX_REGEX:
        raise DataError(f"{where}: regex is too long ({len(pattern)} characters)")
    try:
        return re.compile(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        raise DataError(f"{where}: regex does not compile: {exc}") from None


def _layout(raw, where: str, path: Path) -> Layout:
    entry = expect_mapping(raw, where)
    check_keys(entry, LAYOUT_KEYS, {"name", "regex"}, where)
    name = expect_str(entry["name"], f"{where}: name", allow_empty=False)
    where = f"{path}: layout {name!r}"
    regex = _compile(entry["regex"], f"{where}: regex")
    missing = LAYOUT_GROUPS - set(regex.groupindex)
    if missing:
        raise DataError(f"{where}: regex lacks the named group(s) {', '.join(sorted(missing))}")
    time = expect_str(entry.get("time"), f"{where}: time") or "iso"
    if time not in TIME_KINDS:
        raise DataError(f"{where}: time must be one of {', '.join(TIME_KINDS)}, got {time!r}")
    return Layout(name, regex, time, expect_str(entry.get("description"), f"{where}: description"),
                  expect_str(entry.get("example"), f"{where}: example"), str(path))


def _generic(raw, where: str) -> GenericRule:
    entry = expect_mapping(raw, where)
    check_keys(entry, GENERIC_KEYS, {"token"}, where)
    token = _compile(entry["token"], f"{where}: token")
    missing = {"letter", "facility", "event"} - set(token.groupindex)
    if missing:
        raise DataError(f"{where}: token regex lacks the named group(s) {', '.join(sorted(missing))}")
    rules = []
    for i, item in enumerate(expect_list(entry.get("timestamps") or [], f"{where}: timestamps")):
        w = f"{where}: timestamp #{i + 1}"
        item = expect_mapping(item, w)
        check_keys(item, {"time", "regex"}, {"regex"}, w)
        time = expect_str(item.get("time"), f"{w}: time") or "iso"
        if time not in TIME_KINDS:
            raise DataError(f"{w}: time must be one of {', '.join(TIME_KINDS)}, got {time!r}")
        rules.append(TimestampRule(time, _compile(item["regex"], f"{w}: regex")))
    return GenericRule(token, tuple(rules))


def _finish(pending: _Pending) -> Catalog:
    severities = [sev for sev, _ in pending.severities.values()]
    letters: dict[str, str] = {}
    for sev, path in pending.severities.values():
        if sev.unknown:
            continue
        if sev.letter in letters:
            raise DataError(f"{path}: severity {sev.name!r}: letter {sev.letter!r} is already"
                            f" used by severity {letters[sev.letter]!r}")
        letters[sev.letter] = sev.name
    keys: dict[str, str] = {}
    for sev, path in pending.severities.values():
        if sev.key and sev.key in keys:
            raise DataError(f"{path}: severity {sev.name!r}: key {sev.key!r} is already"
                            f" used by severity {keys[sev.key]!r}")
        if sev.key:
            keys[sev.key] = sev.name
    if not severities:
        raise DataError(f"{catalog_dir()}: no severities defined")
    names = {s.name for s in severities}
    ids: dict[tuple[str, int], EventDef] = {}
    for ev in pending.events.values():
        if ev.severity not in names:
            raise DataError(f"{ev.file}: event {ev.name!r}: severity {ev.severity!r} is not defined"
                            f" (known: {', '.join(sorted(names))})")
        other = ids.get((ev.facility, ev.id))
        if other is not None:
            raise DataError(f"{ev.file}: event {ev.name!r}: ID {ev.id} is already used by"
                            f" {other.facility}-{other.name} ({other.file})")
        ids[(ev.facility, ev.id)] = ev
    if pending.generic is None:
        raise DataError(f"{catalog_dir()}: no generic token rule defined")
    return Catalog(severities, dict(pending.events), list(pending.layouts.values()),
                     pending.generic)
