"""The scroll-region move the list asks for: merged until drawn, refused when it cannot help."""

from console.ui.terminal_scroll import TerminalScroll, scroll_region_wanted


def test_a_move_is_written_once_as_a_region_and_line_feeds():
    move = TerminalScroll()
    assert move.request(3, 40, 2)
    assert move.take() == "\x1b[4;41r\x1b[41;1H\n\n\x1b[r"
    assert move.take() == ""
    assert move.rows == 0


def test_moves_not_drawn_yet_add_up_until_they_cover_the_region():
    move = TerminalScroll()
    assert move.request(3, 12, 4) and move.request(3, 12, 5)
    assert move.rows == 9
    assert not move.request(3, 12, 1)  # 10 rows of a 10-row region: a redraw, not a move
    assert move.pending is None and move.take() == ""


def test_a_region_that_changed_or_no_move_is_refused():
    move = TerminalScroll()
    assert move.request(3, 40, 1)
    assert not move.request(4, 40, 1)
    assert move.pending is None
    assert not move.request(3, 40, 0)
    assert not TerminalScroll(enabled=False).request(3, 40, 1)


def test_switched_off_by_the_operator_or_a_dumb_terminal():
    assert scroll_region_wanted({"TERM": "xterm-256color"})
    assert not scroll_region_wanted({"TERM": "xterm", "SMTP_CONSOLE_SCROLL_REGION": "0"})
    assert not scroll_region_wanted({"TERM": "dumb"})
    assert not scroll_region_wanted({})
