"""`stats` answers from a Tally: the filtered summary and the `--by` tables, as text and as JSON.

Problems first: rows are ordered by their most severe severity (the catalogue's rank), then by how
many events of it, then by how many in all. Time buckets (minute, hour) are shown in time order:
a table of time reads as a timeline; with --top N they are the N with the most problems.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Optional

from console.catalog.catalog import Catalog
from console.commands.grouped import TIME_KEYS, Tally
from console.safe_text import visible

WIDTH = 80
KEY_MIN = 20


def filtered_summary(tally: Tally, catalog: Catalog) -> dict:
    """The `stats --json` document for the lines the filters keep (`read`: every line read)."""
    by_severity: Counter = Counter()
    by_event: Counter = Counter()
    unparsed = 0
    for (key, sev), n in tally.rows.items():
        by_severity[sev] += n
        if key is None:
            unparsed += n
        else:
            by_event[key] += n
    order = {s.name: s.rank for s in catalog.severities}
    return {
        "lines": sum(by_severity.values()),
        "by_severity": dict(sorted(by_severity.items(), key=lambda kv: order.get(kv[0], 999))),
        "by_event": dict(by_event.most_common()),
        "unparsed": unparsed,
        "read": tally.lines,
    }


def by_table(tally: Tally, catalog: Catalog, by: str, top: int) -> dict:
    """The `stats --by` document: rows problems first (see above), the first `top` (0: all)."""
    per_key: dict = defaultdict(Counter)
    for (key, sev), n in tally.rows.items():
        per_key[key][sev] += n
    rank = {s.name: s.rank for s in catalog.severities}
    rows = []
    for key, sevs in per_key.items():
        ordered = sorted(sevs.items(), key=lambda kv: rank.get(kv[0], 999))
        worst, worst_n = ordered[0]
        rows.append({"key": key, "worst": worst, "worst_count": worst_n,
                     "count": sum(sevs.values()), "by_severity": dict(ordered)})
    rows.sort(key=lambda r: (rank.get(r["worst"], 999), -r["worst_count"], -r["count"], str(r["key"])))
    shown = rows[:top] if top else rows
    if by in TIME_KEYS:
        shown.sort(key=lambda r: (r["key"] is None, r["key"] or ""))
    return {"by": by, "lines": sum(r["count"] for r in rows), "read": tally.lines,
            "rows": shown, "more": len(rows) - len(shown)}


def format_summary(summary: dict, filtered: bool) -> str:
    head = f"{summary['lines']} lines, {summary['unparsed']} unparsed"
    if filtered:
        head = f"{summary['lines']} of {summary['read']} lines match, {summary['unparsed']} unparsed"
    out = [head, "by severity:"]
    out += [f"  {name:<10} {n:>10}" for name, n in summary["by_severity"].items()]
    out.append("by event:")
    out += [visible(f"  {name:<32} {n:>10}") for name, n in summary["by_event"].items()]
    return "\n".join(out)


def format_table(table: dict, width: int = WIDTH) -> str:
    """Fits `width` columns: the key column takes what the numbers leave, long keys end in '…'."""
    rows = table["rows"]
    names = [_key_text(r["key"], table["by"]) for r in rows]
    sev_w = max([len("WORST"), *(len(r["worst"]) for r in rows)])
    num_w = max([len("TOTAL"), *(len(str(r["count"])) for r in rows)])
    key_w = max(KEY_MIN, width - 2 * (num_w + 2) - sev_w - 2)
    key_w = min(key_w, max([len(table["by"]), *(len(n) for n in names)]))
    out = [f"{table['by'].upper():<{key_w}}  {'WORST':<{sev_w}}  {'N':>{num_w}}  {'TOTAL':>{num_w}}"]
    for name, r in zip(names, rows):
        if len(name) > key_w:
            name = name[:key_w - 1] + "…"
        out.append(f"{name:<{key_w}}  {r['worst']:<{sev_w}}  {r['worst_count']:>{num_w}}"
                   f"  {r['count']:>{num_w}}")
    tail = f"{table['lines']} of {table['read']} lines"
    if table["more"]:
        tail += f"; {table['more']} more rows (--top 0 shows all)"
    out.append(tail)
    return "\n".join(out)


def _key_text(key: Optional[str], by: str) -> str:
    if key is None:
        return {"event": "(unparsed)", "caller": "(no caller)", "host": "(no host)"}.get(by, "(no time)")
    return visible(key)
