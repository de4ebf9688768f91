"""Themes as data: reads and checks themes/*.yaml (shipped, plus a site's), no textual needed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from console.catalog.catalog import Catalog
from console.errors import DataError
from console.resources import themes_dir
from console.catalog.yamlfile import check_keys, expect_mapping, expect_str, expect_style, load_yaml

THEME_KEYS = {"name", "description", "dark", "colors", "severities", "marks"}
COLOR_KEYS = {"primary", "secondary", "accent", "foreground", "background", "surface", "panel",
              "warning", "error", "success", "boost"}
REQUIRED_COLORS = {"primary", "foreground", "background"}
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_THEME = "smtp-dark"


@dataclass(frozen=True)
class SeverityStyle:
    color: str
    style: str = ""


@dataclass(frozen=True)
class Mark:
    """How a row is marked: a word shown before its message, in a colour (or the row's) and style."""
    text: str
    color: str | None = None
    style: str = ""


# A theme may restyle or reword these; one that says nothing about them gets these (no colour: the
# mark takes its row's colour).
DEFAULT_MARKS = {"incomplete": Mark("[incomplete]", None, "italic reverse")}
MARK_KEYS = {"text", "color", "style"}


@dataclass(frozen=True)
class ThemeData:
    name: str
    description: str
    dark: bool
    colors: dict[str, str]
    severities: dict[str, SeverityStyle]
    file: str
    marks: dict[str, Mark] = field(default_factory=lambda: dict(DEFAULT_MARKS))

    def severity_style(self, name: str) -> SeverityStyle:
        return self.severities.get(name) or self.severities.get("unknown") \
            or SeverityStyle(self.colors["foreground"])


def _colour(value, where: str) -> str:
    value = expect_str(value, where, allow_empty=False)
    if not _HEX.match(value):
        raise DataError(f"{where}: expected a colour like #5fafd7, got {value!r}")
    return value


def _marks(doc, where: str) -> dict[str, Mark]:
    marks = dict(DEFAULT_MARKS)
    if doc is None:
        return marks
    doc = expect_mapping(doc, where)
    check_keys(doc, set(DEFAULT_MARKS), set(), where)
    for name, spec in doc.items():
        here = f"{where}: {name}"
        spec = expect_mapping(spec, here)
        check_keys(spec, MARK_KEYS, set(), here)
        base = DEFAULT_MARKS[name]
        text = expect_str(spec["text"], f"{here}: text", allow_empty=False) if "text" in spec else base.text
        color = _colour(spec["color"], f"{here}: color") if "color" in spec else base.color
        style = expect_style(spec["style"], f"{here}: style") if "style" in spec else base.style
        marks[name] = Mark(text, color, style)
    return marks


def load_theme_file(path: Path, catalog: Catalog | None = None) -> ThemeData:
    doc = expect_mapping(load_yaml(path), str(path))
    check_keys(doc, THEME_KEYS, {"name", "colors", "severities"}, str(path))
    name = expect_str(doc["name"], f"{path}: name", allow_empty=False)
    colors_raw = expect_mapping(doc["colors"], f"{path}: colors")
    check_keys(colors_raw, COLOR_KEYS, REQUIRED_COLORS, f"{path}: colors")
    colors = {k: _colour(v, f"{path}: colors: {k}") for k, v in colors_raw.items()}
    sev_raw = expect_mapping(doc["severities"], f"{path}: severities")
    severities = {}
    for sev_name, spec in sev_raw.items():
        where = f"{path}: severities: {sev_name}"
        if isinstance(spec, str):
            spec = {"color": spec}
        spec = expect_mapping(spec, where)
        check_keys(spec, {"color", "style"}, {"color"}, where)
        style = expect_style(spec.get("style"), f"{where}: style", error_at=where)
        severities[str(sev_name)] = SeverityStyle(_colour(spec["color"], f"{where}: color"), style)
    if catalog is not None:
        missing = [s.name for s in catalog.severities if s.name not in severities]
        if missing and "unknown" not in severities:
            raise DataError(f"{path}: severities: no colour for {', '.join(missing)}")
    dark = doc.get("dark", True)
    if not isinstance(dark, bool):
        raise DataError(f"{path}: dark: expected true or false")
    return ThemeData(name, expect_str(doc.get("description"), f"{path}: description") or name,
                     dark, colors, severities, str(path), _marks(doc.get("marks"), f"{path}: marks"))


def load_themes(extra: list[str | Path] = (), catalog: Catalog | None = None) -> dict[str, ThemeData]:
    """Shipped themes, then site theme files or folders; a later theme of the same name wins."""
    themes: dict[str, ThemeData] = {}
    sources: list[Path] = sorted(themes_dir().glob("*.yaml"))
    for item in map(Path, extra):
        if item.is_dir():
            sources += sorted(item.glob("*.y*ml"))
        elif item.exists():  # a FIFO or device is refused by load_yaml, not called missing
            sources.append(item)
        else:
            raise DataError(f"{item}: theme file or folder does not exist")
    for path in sources:
        theme = load_theme_file(path, catalog)
        themes[theme.name] = theme
    return themes


def resolve_theme(themes: dict[str, ThemeData], name: str) -> ThemeData:
    """Accepts `smtp-dark` or just `dark`."""
    for candidate in (name, f"smtp-{name}"):
        if candidate in themes:
            return themes[candidate]
    raise DataError(f"--theme: no theme named {name!r} (available: {', '.join(sorted(themes))})")
