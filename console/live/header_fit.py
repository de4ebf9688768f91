"""Fitting a header row into the terminal's width without wrapping and without losing a part.

A row is a list of parts in the order they are shown, the most important first. Each part has
forms, longest first (the last may be empty: a part that may go). While the row is too wide, the
least important part that still has a shorter form takes it; what is left over is cut at the end
of the row, where the least important parts are. No textual or rich here: a chunk's style is
whatever the caller passes, carried along untouched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, List, Sequence, Tuple

Chunk = Tuple[str, object]  # (text, style)
Form = List[Chunk]
GAP = "  "


@dataclass
class Part:
    rank: int             # 0: most important; a higher rank is shortened first
    forms: List[Form]     # longest first


def form_of(text: str, style: object = None) -> Form:
    """A form of one chunk; an empty text makes an empty form (the part goes)."""
    return [(text, style)] if text else []


def shortened(text: str, cells: int, measure: Callable[[str], int] = len) -> str:
    """`text` cut to at most `cells` cells, an ellipsis where it was cut (never mid-way unmarked)."""
    if measure(text) <= cells:
        return text
    out = text[:max(0, cells - 1)]
    while out and measure(out) > cells - 1:  # wide characters take two cells
        out = out[:-1]
    return out + "…"


def shorter_forms(text: str, floor: int = 4, measure: Callable[[str], int] = len) -> List[str]:
    """`text`, then ever shorter ellipsized versions of it down to `floor` cells: the forms of a
    part that must stay recognisable however narrow the row (the start of a filter, say)."""
    out = [text]
    cells = measure(text)
    while cells > floor:
        cells = max(floor, cells * 2 // 3)
        out.append(shortened(text, cells, measure))
    return out


def _width(form: Form, measure: Callable[[str], int]) -> int:
    return sum(measure(text) for text, _ in form)


def fit(parts: Sequence[Part], width: int, measure: Callable[[str], int] = len) -> List[Form]:
    """The form chosen for each part (empty forms left out): within `width` cells if shortening
    can do it, else as short as it gets."""
    choice = [0] * len(parts)

    def total() -> int:
        shown = [_width(p.forms[c], measure) for p, c in zip(parts, choice) if p.forms[c]]
        return sum(shown) + len(GAP) * max(0, len(shown) - 1)

    while total() > width:
        # the least important part that can still give way; of equals, the one furthest right
        candidates = [i for i, p in enumerate(parts) if choice[i] < len(p.forms) - 1]
        if not candidates:
            break
        i = max(candidates, key=lambda k: (parts[k].rank, k))
        choice[i] += 1
    # room left after a more important part gave way: a less important one takes a longer form back
    for i in sorted(range(len(parts)), key=lambda k: (parts[k].rank, k)):
        while choice[i] > 0:
            choice[i] -= 1
            if total() > width:
                choice[i] += 1
                break
    return [p.forms[c] for p, c in zip(parts, choice) if p.forms[c]]
