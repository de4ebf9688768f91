"""The console's pacing, without a screen: notifications a few a second (the rest summed up),
the events-per-second meter, and the throttle that keeps the header from redrawing per batch."""

from __future__ import annotations

from console.live.notify_limit import NotifyLimiter
from console.live.rate import RateMeter
from console.live.throttle import MIN_DELAY, Throttle


class Clock:
    def __init__(self, now: float = 100.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# -- notifications ----------------------------------------------------------------------------

def test_a_burst_shows_the_first_few_and_holds_back_the_rest():
    clock = Clock()
    limiter = NotifyLimiter(3, clock)
    shown, more = limiter.admit(list("abcdefg"))
    assert shown == list("abc") and more == 0  # no room for the summary yet
    assert limiter.held_back == 4


def test_the_held_back_count_is_told_once_when_there_is_room_again():
    clock = Clock()
    limiter = NotifyLimiter(3, clock)
    limiter.admit(list("abcde"))
    assert limiter.admit([]) == ([], 0)  # the same second: still full
    clock.now += 1.01
    assert limiter.admit([]) == ([], 2)
    assert limiter.held_back == 0 and limiter.admit([]) == ([], 0)


def test_new_items_go_before_the_summary_and_take_the_room_first():
    clock = Clock()
    limiter = NotifyLimiter(3, clock)
    limiter.admit(list("abcd"))
    clock.now += 1.5
    shown, more = limiter.admit(list("xy"))
    assert shown == ["x", "y"] and more == 1  # two sent, room for a third: the summary goes
    shown, more = limiter.admit(list("zw"))  # the summary took no room of its own
    assert shown == ["z"] and more == 0 and limiter.held_back == 1


def test_a_steady_trickle_is_never_held_back():
    clock = Clock()
    limiter = NotifyLimiter(3, clock)
    for i in range(20):
        assert limiter.admit([i]) == ([i], 0)
        clock.now += 0.34


# -- events per second --------------------------------------------------------------------------

def test_the_rate_is_the_mean_over_the_window_and_decays():
    clock = Clock()
    meter = RateMeter(5.0, clock)
    assert meter.rate() == 0.0
    meter.add(30)
    clock.now += 2
    meter.add(20)
    assert meter.rate() == 10.0
    clock.now += 3.5  # the first count is 5.5 s old
    assert meter.rate() == 4.0
    clock.now += 10
    assert meter.rate() == 0.0


def test_an_empty_batch_counts_nothing():
    clock = Clock()
    meter = RateMeter(5.0, clock)
    meter.add(0)
    assert meter.rate() == 0.0


# -- the header's throttle -----------------------------------------------------------------------

def test_asked_for_once_it_runs_soon_then_not_before_its_period():
    clock = Clock()
    throttle = Throttle(0.1, clock)
    assert throttle.request() == MIN_DELAY  # never ran: as soon as possible (never 0)
    assert throttle.pending and throttle.request() is None  # asked again: already pending
    throttle.ran()
    assert not throttle.pending
    clock.now += 0.03
    assert abs(throttle.request() - 0.07) < 1e-9  # drawn 0.03 s ago: the rest of the period


def test_a_run_done_early_clears_the_pending_one():
    clock = Clock()
    throttle = Throttle(0.1, clock)
    throttle.request()
    throttle.ran()  # drawn at once by someone else
    clock.now += 1
    assert throttle.request() == MIN_DELAY
