"""How the headless commands print events and catalogue entries to a terminal or a pipe."""

from __future__ import annotations

import json
import os
from typing import TextIO

from console.catalog.catalog import Catalog, EventDef
from console.decode.event import Event
from console.safe_text import visible

_RESET = "\x1b[0m"


def use_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _ansi(hex_colour: str, bold: bool = False) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    return f"\x1b[{'1;' if bold else ''}38;2;{r};{g};{b}m"


class EventPrinter:
    """One line per event. Every field is made inert first: log text never reaches the tty raw."""

    def __init__(self, stream: TextIO, *, as_json: bool = False,
                 colours: dict[str, str] | None = None) -> None:
        self.stream = stream
        self.as_json = as_json
        self.colours = {name: _ansi(c, bold=name in ("critical", "fatal"))
                        for name, c in (colours or {}).items()}

    def line(self, ev: Event) -> str:
        if self.as_json:
            # ensure_ascii keeps escapes as \\u sequences: a JSON line is inert on any terminal
            return json.dumps(ev.to_dict(), ensure_ascii=True)
        ts = ev.time.isoformat(sep=" ", timespec="milliseconds") if ev.time else (ev.timestamp or "-")
        letter = ev.letter or "?"
        if ev.parsed:
            name = ev.full_name
            if ev.id is not None:
                name += f" [{ev.id}]"
        else:
            name = "(unparsed)"
        who = ""
        if ev.host:
            who += ev.host + " "
        if ev.program:
            who += ev.program + (f"[{ev.pid}]" if ev.pid is not None else "") + " "
        text = f"{ts} {letter} {ev.severity:<8} {name} {who}{ev.message}"
        params = ev.params
        if params:
            text += "  {" + "; ".join(f"{k}={v}" for k, v in params.items()) + "}"
        if ev.cut:
            text += "  [line cut]"
        text = visible(text)
        colour = self.colours.get(ev.severity)
        return f"{colour}{text}{_RESET}" if colour else text

    def write(self, events) -> None:
        self.stream.write("".join(self.line(ev) + "\n" for ev in events))


def format_entry(ev: EventDef, catalog: Catalog) -> str:
    sev = catalog.severity(ev.severity)
    lines = [
        f"{ev.facility}-{ev.name}",
        f"  ID:          {ev.id}",
        f"  Severity:    {sev.name} ({sev.letter})" + (f" - {sev.meaning}" if sev.meaning else ""),
        f"  Description: {ev.description or '-'}",
        f"  Action:      {ev.action or '(none given)'}",
    ]
    if ev.parameters:
        lines.append("  Parameters:")
        lines += [f"    %{i}  {p}" for i, p in enumerate(ev.parameters, 1)]
    else:
        lines.append("  Parameters:  (none documented)")
    if ev.templates:
        lines.append("  Template:    " + "  |  ".join(t.text for t in ev.templates))
    else:
        lines.append("  Template:    (free text)")
    lines.append(f"  Release:     {ev.release or '-'}")
    lines.append(f"  Example:     {ev.severity and sev.letter}-{ev.facility}-{ev.name}: "
                 + (ev.templates[0].text if ev.templates else "<text>"))
    return "\n".join(visible(x) for x in lines)


def format_table(catalog: Catalog) -> str:
    rows = sorted(catalog.events.values(), key=lambda e: (e.facility, e.id))
    wide = max([24, *(len(ev.facility) + 1 + len(ev.name) for ev in rows)])  # a long name keeps its gap
    out = [f"{'ID':>4}  {'L':1}  {'SEVERITY':<9} {'EVENT':<{wide}} DESCRIPTION"]
    for ev in rows:
        sev = catalog.severity(ev.severity)
        desc = ev.description if len(ev.description) <= 70 else ev.description[:69] + "…"
        mark = " *" if ev.release == "newer" else ""
        out.append(visible(f"{ev.id:>4}  {sev.letter}  {sev.name:<9} {ev.facility + '-' + ev.name:<{wide}}"
                           f" {desc}{mark}"))
    if any(ev.release == "newer" for ev in rows):
        out.append("* from Isode's newer release: no parameters or action published")
    out.append(f"{len(rows)} events. `smtp-console catalog NAME_OR_ID` shows one in full.")
    return "\n".join(out)
