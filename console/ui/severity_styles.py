"""Rich styles for each severity, from the current theme (or weight alone under NO_COLOR)."""

from __future__ import annotations

from rich.style import Style

from console.catalog.catalog import Catalog
from console.themes_data import ThemeData


# reverse and underline mark the severity letter; across a whole row they would be loud and hard to read
_BADGE_ONLY = {"reverse", "underline"}


def _words(style: str) -> dict:
    return {w: True for w in style.split()}


class SeverityStyles:
    def __init__(self, catalog: Catalog, theme: ThemeData, *, no_color: bool = False) -> None:
        self.line: dict[str, Style] = {}
        self.badge: dict[str, Style] = {}
        for sev in catalog.severities:
            if no_color:
                words = _words(sev.mono)
                self.badge[sev.name] = Style(**words)
                self.line[sev.name] = Style(**{k: v for k, v in words.items() if k not in _BADGE_ONLY})
                continue
            spec = theme.severity_style(sev.name)
            words = _words(spec.style)
            self.badge[sev.name] = Style(color=spec.color, **words)
            # the whole line takes the colour; reverse and underline stay on the letter
            self.line[sev.name] = Style(color=spec.color,
                                        **{k: v for k, v in words.items() if k not in _BADGE_ONLY})
        # row marks (an incomplete line): the theme's words and colour, or words alone under NO_COLOR
        self.marks: dict[str, tuple[str, Style]] = {
            name: (mark.text, Style(color=None if no_color else mark.color, **_words(mark.style)))
            for name, mark in theme.marks.items()}
        self.unknown_line = self.line.get(catalog.unknown.name, Style())
        self.unknown_badge = self.badge.get(catalog.unknown.name, Style())

    def for_line(self, name: str) -> Style:
        return self.line.get(name, self.unknown_line)

    def for_badge(self, name: str) -> Style:
        return self.badge.get(name, self.unknown_badge)

    def mark(self, name: str) -> tuple[str, Style]:
        """The text and style that mark a row (see ThemeData.marks)."""
        return self.marks[name]


    @classmethod
    def for_theme(cls, catalog: Catalog, themes: dict[str, ThemeData], theme, *,
                  no_color: bool = False) -> "SeverityStyles":
        """For a Textual theme (or None: dark): ours of its name, or, for any other (a Textual
        built-in theme), our first theme as dark or light as it, else our first theme."""
        dark = theme.dark if theme is not None else True
        data = themes.get(theme.name) if theme is not None else None
        if data is None:
            data = next((t for t in themes.values() if t.dark == dark), next(iter(themes.values())))
        return cls(catalog, data, no_color=no_color)
