"""Message templates (`%1 from %2`): rendered by the demo, inverted by the decoder."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PLACEHOLDER = re.compile(r"%(\d+)")


@dataclass(frozen=True, slots=True)
class Template:
    text: str
    numbers: tuple[int, ...]  # the %N in order of appearance
    regex: re.Pattern[str]

    def split(self, message: str) -> dict[int, str] | None:
        """Parameter number -> value, or None when the message does not fit."""
        m = self.regex.match(message)
        if m is None:
            return None
        return {n: m.group(f"p{n}") for n in dict.fromkeys(self.numbers)}

    def render(self, values: dict[int, str]) -> str:
        return _PLACEHOLDER.sub(lambda m: values.get(int(m.group(1)), ""), self.text)


def compile_template(text: str) -> Template:
    """Literal text must match exactly; each %N takes the shortest text that lets the rest fit.

    The last placeholder is greedy so a value may contain the literal text
    that precedes it, which keeps `%1: %2` splitting at the first `: `.
    """
    pieces = _PLACEHOLDER.split(text)  # literal, n, literal, n, ..., literal
    numbers = tuple(int(n) for n in pieces[1::2])
    out = ["^"]
    seen: set[int] = set()
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            out.append(re.escape(piece))
            continue
        n = int(piece)
        if n in seen:
            out.append(f"(?P=p{n})")
        else:
            seen.add(n)
            last = i == len(pieces) - 2
            out.append(f"(?P<p{n}>.*)" if last else f"(?P<p{n}>.*?)")
    out.append(r"\Z")
    return Template(text, numbers, re.compile("".join(out), re.DOTALL))
