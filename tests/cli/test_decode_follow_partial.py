"""`decode --follow` prints whole lines only: a last line the engine delivers early (partial) is not
printed; the line that completes it is printed once, as a normal line. The engine is stood in for
by hand-made RawLine batches (console.tail.headless.follow_print is what the CLI calls)."""

from __future__ import annotations

import json

import pytest

import console.tail.headless as headless
from console.cli import main
from console.tail.contract import RawLine, SourceState

TS = "2026-11-24 10:00:00.000 smtpsrvr[1] "
FIRST = TS + "I-MTA_SMTP-Connection: connection from 192.0.2.1 (ctx)"
WHOLE = TS + "E-MTA_SMTP-SPFfail: alice@example.com from 192.0.2.9"


@pytest.fixture
def engine(monkeypatch, tmp_path):
    """Runs `decode --follow` over these batches of RawLines instead of a real follower."""
    log = tmp_path / "mta-event.log"
    log.write_text("")

    def run(batches, *args: str) -> int:
        async def fake_follow_print(paths, *, emit_lines, emit_state, **_):
            emit_state(SourceState(str(log), "following"))
            for lines in batches:
                emit_lines([RawLine(str(log), n, text.encode(), **flags) for n, text, flags in lines])
        monkeypatch.setattr(headless, "follow_print", fake_follow_print)
        return main(["decode", "--follow", *args, str(log)])
    return run


def test_only_whole_lines_are_printed_each_once(engine, capsys):
    batches = [
        [(1, FIRST, {}), (2, WHOLE[:30], {"partial": True})],
        [(2, WHOLE[:45], {"partial": True, "completes": True})],  # more came, still no newline
        [(2, WHOLE, {"completes": True}), (3, FIRST, {})],
    ]
    assert engine(batches, "--json") == 0
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(p["line"], p["raw"]) for p in printed] == [(1, FIRST), (2, WHOLE), (3, FIRST)]
    assert printed[1]["event"] == "SPFfail" and printed[1]["severity"] == "error"


def test_text_output_too(engine, capsys):
    assert engine([[(1, WHOLE[:20], {"partial": True})], [(1, WHOLE, {"completes": True})]]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and "SPFfail" in out[0] and "192.0.2.9" in out[0]
