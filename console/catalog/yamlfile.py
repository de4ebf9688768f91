"""Safe, bounded YAML reading: every data file a site can edit comes through here."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from console.errors import DataError

MAX_YAML_BYTES = 4 * 1024 * 1024
# libyaml's safe loader when PyYAML was built with it (ten times faster at start-up), else the pure one
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_C_LOADER_MAX_INDICATORS = 10_000
STYLE_WORDS = {"bold", "italic", "underline", "reverse", "dim", "strike"}  # a severity's mono, a theme's styles


def load_yaml(path: Path) -> Any:
    """Reads one YAML file with the safe loader; any problem becomes a one-line DataError."""
    try:
        text = _read_bounded(path).decode("utf-8")
    except DataError:
        raise
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return yaml.load(text, Loader=_loader_for(text))  # noqa: S506 - a safe loader, never the full one
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise DataError(f"{path}: YAML error{where}: {problem}") from None
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        raise DataError(f"{path}: YAML error: {first}") from None
    except RecursionError:
        raise DataError(f"{path}: YAML error: nesting too deep") from None


def _loader_for(text: str):
    """libyaml composes nested collections by C recursion: ~50,000 levels ([[[[...) crash the process
    (SIGSEGV) where the pure loader raises RecursionError. Each level needs one of these indicators,
    so a file with fewer of them cannot nest that deep; any other file takes the pure loader."""
    if sum(text.count(c) for c in "[{-:?") < _C_LOADER_MAX_INDICATORS:
        return _SAFE_LOADER
    return yaml.SafeLoader


def _read_bounded(path: Path) -> bytes:
    """Regular files only, never more than the limit: /dev/zero reports size 0 and never ends, and a
    FIFO would block for ever (O_NONBLOCK makes opening one return at once, so it can be refused)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = "a directory" if stat.S_ISDIR(st.st_mode) else "a FIFO, device or socket"
            raise DataError(f"{path}: not a regular file (it is {kind})")
        f = open(fd, "rb", closefd=False)
        data = f.read(MAX_YAML_BYTES + 1)
        f.close()
    finally:
        os.close(fd)
    if max(st.st_size, len(data)) > MAX_YAML_BYTES:
        raise DataError(f"{path}: file is too large ({max(st.st_size, len(data))} bytes;"
                        f" at most {MAX_YAML_BYTES})")
    return data


def expect_mapping(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise DataError(f"{where}: expected a mapping, got {_kind(value)}")
    return value


def expect_list(value: Any, where: str) -> list:
    if not isinstance(value, list):
        raise DataError(f"{where}: expected a list, got {_kind(value)}")
    return value


def check_keys(entry: dict, allowed: set[str], required: set[str], where: str) -> None:
    for key in entry:
        if key not in allowed:
            raise DataError(f"{where}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")
    for key in sorted(required):
        if key not in entry:
            raise DataError(f"{where}: missing key {key!r}")


def expect_str(value: Any, where: str, *, allow_empty: bool = True) -> str:
    if value is None and allow_empty:
        return ""
    if not isinstance(value, str):
        raise DataError(f"{where}: expected text, got {_kind(value)}")
    if not allow_empty and not value.strip():
        raise DataError(f"{where}: must not be empty")
    return value


def expect_style(value: Any, where: str, *, error_at: str | None = None) -> str:
    """Style words separated by spaces (STYLE_WORDS), or nothing. An unknown word is reported at
    `error_at` when given, else at `where`."""
    style = expect_str(value, where)
    bad = set(style.split()) - STYLE_WORDS
    if bad:
        raise DataError(f"{error_at or where}: unknown style word(s) {', '.join(sorted(bad))}"
                        f" (allowed: {', '.join(sorted(STYLE_WORDS))})")
    return style


def expect_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DataError(f"{where}: expected a whole number, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number",
            bool: "true/false"}.get(type(value), type(value).__name__)
