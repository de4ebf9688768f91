"""The operator's `/` filter: a regex that cannot hang the console, or plain text when it is not one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from console.regex.cost import Hopeless, parse, worst_case

MAX_PATTERN = 500
MATCH_WINDOW = 4096  # a filter looks at the first 4 KiB of a line: bounded work per line
# Python's re backtracks and cannot be interrupted, so a regex is used only when its worst case on
# one line is at most this many steps (~0.1 s): `error.*denied` is fine, `.*a.*b` (cubic) is not.
MAX_STEPS = 64 * MATCH_WINDOW ** 2


@dataclass(frozen=True)
class TextFilter:
    text: str
    regex: re.Pattern[str] | None
    note: str = ""  # why the text is used literally, for the status line

    def matches(self, line: str) -> bool:
        if self.regex is None:
            return True
        return self.regex.search(line, 0, MATCH_WINDOW) is not None

    def spans(self, text: str, limit: int = 64) -> list[tuple[int, int]]:
        """Where the filter matches in `text` (its first MATCH_WINDOW characters), for highlighting;
        at most `limit` spans, none empty."""
        if self.regex is None:
            return []
        out = []
        for m in self.regex.finditer(text, 0, MATCH_WINDOW):
            if m.end() > m.start():
                out.append((m.start(), m.end()))
                if len(out) >= limit:
                    break
        return out


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
        parsed = parse(text, flags)
        try:
            steps = worst_case(parsed, MATCH_WINDOW)
        except Hopeless:
            return TextFilter(text, literal,
                              "nested repetition like (a+)+ could hang: matched as plain text")
        if steps > MAX_STEPS:
            return TextFilter(text, literal,
                              "repeats in a row like .*a.*b could take minutes on a long line:"
                              " matched as plain text")
        return TextFilter(text, re.compile(text, flags))
    except (re.error, RecursionError, OverflowError, ValueError) as exc:
        msg = getattr(exc, "msg", None) or str(exc)
        return TextFilter(text, literal, f"not a valid regex ({msg}): matched as plain text")
