"""When the list draws: at once after a quiet spell, a few frames a second while rows flow."""

from console.live.frames import FRAME_EVERY, FRAME_EVERY_FULL, LAZY, FrameBudget


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_after_a_quiet_spell_a_new_row_is_drawn_at_once():
    clock = Clock()
    frames = FrameBudget(clock)
    assert frames.ask(new_rows=True) == 0
    assert frames.ask(new_rows=True) is None  # the frame already due takes it
    frames.drawn(1, 40)
    clock.t += 5
    assert frames.ask(new_rows=True) == 0


def test_while_rows_flow_frames_come_every_so_often():
    clock = Clock()
    frames = FrameBudget(clock)
    frames.ask(new_rows=True)
    frames.drawn(3, 40)
    clock.t += 0.05
    assert abs(frames.ask(new_rows=True) - (FRAME_EVERY - 0.05)) < 1e-9
    clock.t += FRAME_EVERY
    frames.drawn(30, 40)  # most of the list moved: the next one waits longer
    assert abs(frames.ask(new_rows=True) - FRAME_EVERY_FULL) < 1e-9


def test_rows_dropped_off_the_top_wait_for_company_but_not_for_ever():
    clock = Clock()
    frames = FrameBudget(clock)
    assert frames.ask(new_rows=False) == LAZY
    clock.t += 0.1
    assert frames.ask(new_rows=True) == 0  # sooner: the caller moves its timer
    assert frames.pending
    frames.drawn(1, 40)
    assert not frames.pending
