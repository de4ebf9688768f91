"""The operator's `/` filter: a regex that cannot hang the console, or plain text when it is not one."""

from __future__ import annotations

import re
from dataclasses import dataclass

try:  # the parser behind re.compile; used only to look for nested repetition
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse  # type: ignore[no-redef]

MAX_PATTERN = 500
MATCH_WINDOW = 4096  # a filter looks at the first 4 KiB of a line: bounded work per line


@dataclass(frozen=True)
class TextFilter:
    text: str
    regex: re.Pattern[str] | None
    note: str = ""  # why the text is used literally, for the status line

    def matches(self, line: str) -> bool:
        if self.regex is None:
            return True
        return self.regex.search(line, 0, MATCH_WINDOW) is not None


def _nested_repeat(parsed, inside: bool = False) -> bool:
    """(a+)+ style patterns backtrack exponentially; Python's re cannot be interrupted."""
    for op, av in parsed:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, sub = av
            unbounded = hi is _sre_parse.MAXREPEAT or hi > 10
            if inside and unbounded:
                return True
            if _nested_repeat(sub, inside or unbounded):
                return True
        elif name == "SUBPATTERN":
            if _nested_repeat(av[-1], inside):
                return True
        elif name == "BRANCH":
            if any(_nested_repeat(b, inside) for b in av[1]):
                return True
        elif name in ("ASSERT", "ASSERT_NOT"):
            if _nested_repeat(av[1], inside):
                return True
    return False


def compile_filter(text: str) -> TextFilter:
    """Smart case: lower-case text matches any case. A pattern that does not compile, or that
    could backtrack without end, is matched as plain text and the note says why."""
    if not text:
        return TextFilter("", None)
    flags = 0 if any(c.isupper() for c in text) else re.IGNORECASE
    literal = re.compile(re.escape(text[:MAX_PATTERN]), flags)
    if len(text) > MAX_PATTERN:
        return TextFilter(text, literal, f"pattern longer than {MAX_PATTERN} characters: matched as text")
    try:
        parsed = _sre_parse.parse(text, flags)
        if _nested_repeat(parsed):
            return TextFilter(text, literal,
                              "nested repetition like (a+)+ could hang: matched as plain text")
        return TextFilter(text, re.compile(text, flags))
    except (re.error, RecursionError, OverflowError, ValueError) as exc:
        msg = getattr(exc, "msg", None) or str(exc)
        return TextFilter(text, literal, f"not a valid regex ({msg}): matched as plain text")
