"""Message templates (`%1 from %2`): rendered by the demo, inverted by the decoder."""

from __future__ import annotations

import re
from dataclasses import dataclass

from console.compat import SLOTS

_PLACEHOLDER = re.compile(r"%(\d+)")


@dataclass(frozen=True, **SLOTS)
class Template:
    text: str
    numbers: tuple[int, ...]  # the %N in order of appearance
    regex: re.Pattern[str]
    literals: tuple[str, ...] = ()  # the text around the placeholders: len(numbers) + 1 pieces

    def split(self, message: str) -> dict[int, str] | None:
        """Parameter number -> value, or None when the message does not fit.

        Scans with str.find (linear) rather than the regex: a hostile message
        full of near-misses would make a backtracking regex quadratic.
        """
        if len(set(self.numbers)) != len(self.numbers):  # a repeated %N needs a back-reference
            m = self.regex.match(message)
            return None if m is None else {n: m.group(f"p{n}") for n in dict.fromkeys(self.numbers)}
        lits = self.literals
        first, last = lits[0], lits[-1]
        end = len(message) - len(last)
        if not self.numbers:
            return {} if message == first else None
        if end < len(first) or not message.startswith(first) or not message.endswith(last):
            return None
        values: dict[int, str] = {}
        pos = len(first)
        for n, lit in zip(self.numbers[:-1], lits[1:-1]):
            found = message.find(lit, pos, end)
            if found < 0:
                return None
            values[n] = message[pos:found]
            pos = found + len(lit)
        values[self.numbers[-1]] = message[pos:end]
        return values

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
    return Template(text, numbers, re.compile("".join(out), re.DOTALL), tuple(pieces[0::2]))
