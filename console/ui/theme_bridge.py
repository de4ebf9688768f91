"""Registers the YAML themes as Textual themes."""

from __future__ import annotations

import os
from typing import Optional

from textual.theme import Theme

from console.themes_data import ThemeData


def to_textual(theme: ThemeData) -> Theme:
    c = theme.colors
    return Theme(
        name=theme.name,
        primary=c["primary"],
        secondary=c.get("secondary"),
        accent=c.get("accent"),
        foreground=c.get("foreground"),
        background=c.get("background"),
        surface=c.get("surface"),
        panel=c.get("panel"),
        boost=c.get("boost"),
        warning=c.get("warning"),
        error=c.get("error"),
        success=c.get("success"),
        dark=theme.dark,
    )


def ansi_colour() -> Optional[bool]:
    """App(ansi_color=…): True under NO_COLOR, where Textual then drops every colour (its NoColor
    filter) instead of turning them into greys (Monochrome): NO_COLOR means no colour. None
    otherwise: the theme decides."""
    return True if "NO_COLOR" in os.environ else None
