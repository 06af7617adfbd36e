"""The per-directive time limit inside one process cannot be lost, counts CPU time, and
leaves other code's timers alone (sphinx_vcr/core/running/limits.py)."""

from __future__ import annotations

import gc
import signal
import sys
import time

import pytest

from sphinx_vcr.core.errors import VcrTimeout
from sphinx_vcr.core.running import limits
from sphinx_vcr.core.running.limits import soft_limit, time_limit

clock = time.process_time  # the limits count CPU time


def spin(until: float) -> None:
    """Burn CPU time until ``clock()`` reaches ``until``."""
    while clock() < until:
        pass


def test_a_swallowed_timeout_is_raised_again():
    start = clock()
    with pytest.raises(VcrTimeout), time_limit(0.2):
        try:  # noqa: SIM105 - written out as a careless library would
            spin(start + 5)
        except BaseException:
            pass
        spin(start + 5)
    assert clock() - start < 1.5


def test_the_limit_is_lifted_and_the_handler_restored():
    before = signal.getsignal(limits.SIGNAL)
    with time_limit(5):
        pass
    assert signal.getitimer(limits.TIMER) == (0.0, 0.0)
    assert signal.getsignal(limits.SIGNAL) is before
    assert sys.unraisablehook is not limits._absorb
    spin(clock() + 0.3)  # no stray alarm after the block


def test_a_timeout_leaves_no_timer_running():
    with pytest.raises(VcrTimeout), time_limit(0.05):
        spin(clock() + 5)
    assert signal.getitimer(limits.TIMER) == (0.0, 0.0)


def test_a_soft_limit_ends_its_block_quietly_and_keeps_the_outer_one():
    start = clock()
    with time_limit(2):
        with soft_limit(0.1) as expired:
            spin(start + 3)
        assert expired == [True]
        assert clock() - start < 1
        with soft_limit(1) as expired:
            pass
        assert expired == [False]
        # the outer limit is still in force after the inner ones
        with pytest.raises(VcrTimeout):
            spin(start + 10)
    assert 1.5 < clock() - start < 3


def test_an_outer_timeout_is_not_absorbed_by_a_soft_limit():
    start = clock()
    with pytest.raises(VcrTimeout), time_limit(0.2), soft_limit(5):
        spin(start + 3)
    assert clock() - start < 1
    assert signal.getitimer(limits.TIMER) == (0.0, 0.0)


def test_no_timeout_is_raised_inside_the_limits_own_bookkeeping():
    """An alarm that lands while a limit is being lifted (in this module or in
    contextlib) must not escape the block half cleaned up; the next alarm raises."""
    import contextlib

    with time_limit(5):
        limits._deadlines[0] = clock() - 1  # spent
        here = sys._getframe()
        quiet = type("Frame", (), {"f_code": type("Code", (), {
            "co_filename": contextlib.__file__})()})()
        limits._expire(limits.SIGNAL, quiet)  # nothing happens
        with pytest.raises(VcrTimeout):
            limits._expire(limits.SIGNAL, here)


def test_the_budget_is_cpu_time_not_wall_clock_time():
    """Time spent waiting (for the CPU, on a busy machine) is not the directive's: a
    wall-clock limit failed true claims on loaded CI machines."""
    with time_limit(0.2):
        time.sleep(0.5)  # half a second passes, hardly any CPU time
    with pytest.raises(VcrTimeout), time_limit(0.2):
        spin(clock() + 5)


@pytest.fixture
def foreign_timer():
    """Another extension's interval timer and handler, put back after the test."""
    fired = []
    saved = {which: (signal.getsignal(sig), signal.getitimer(timer))
             for which, sig, timer in (("real", signal.SIGALRM, signal.ITIMER_REAL),
                                       ("prof", signal.SIGPROF, signal.ITIMER_PROF))}
    yield fired
    for (sig, timer), (handler, value) in zip(
            ((signal.SIGALRM, signal.ITIMER_REAL), (signal.SIGPROF, signal.ITIMER_PROF)),
            saved.values()):
        signal.setitimer(timer, *value)
        signal.signal(sig, handler)


def test_another_extensions_pending_timers_survive(foreign_timer):
    signal.signal(signal.SIGALRM, lambda *args: foreign_timer.append("real"))
    signal.signal(signal.SIGPROF, lambda *args: foreign_timer.append("prof"))
    signal.setitimer(signal.ITIMER_REAL, 30)
    signal.setitimer(signal.ITIMER_PROF, 20, 5)
    start = clock()
    with time_limit(2):
        spin(start + 0.3)
    real, prof = signal.getitimer(signal.ITIMER_REAL), signal.getitimer(signal.ITIMER_PROF)
    assert 25 < real[0] <= 30  # untouched
    # resumed with what it had left: the CPU time of the block counted against it
    assert 19 < prof[0] <= 19.75 and prof[1] == 5
    assert foreign_timer == []
    signal.setitimer(signal.ITIMER_PROF, 0)
    signal.setitimer(signal.ITIMER_REAL, 0)


def test_a_foreign_timer_that_ran_out_during_the_limit_fires_after_it(foreign_timer):
    signal.signal(signal.SIGPROF, lambda *args: foreign_timer.append("prof"))
    signal.setitimer(signal.ITIMER_PROF, 0.05)
    with time_limit(2):
        spin(clock() + 0.3)
        assert foreign_timer == []  # not during the limit: its handler was replaced
    spin(clock() + 0.1)
    assert foreign_timer == ["prof"]  # late, but not lost


class Slow:
    """A finaliser that takes CPU time: the alarm lands inside it."""

    def __init__(self) -> None:
        self.cycle = self  # only the garbage collector frees it

    def __del__(self) -> None:
        spin(clock() + 0.4)


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_timeout_in_a_finaliser_is_raised_after_it_and_not_reported():
    """Python cannot raise from a finaliser and reports it as "Exception ignored"
    (pytest's PytestUnraisableExceptionWarning, seen in CI); the repeating alarm raises
    the timeout once the collection is over."""
    gc.collect()
    start = clock()
    with pytest.raises(VcrTimeout), time_limit(0.1):
        Slow()
        gc.collect()  # the finaliser runs here, and the limit runs out inside it
        spin(start + 5)
    assert clock() - start < 2


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_timeout_in_a_gc_callback_is_raised_after_it_and_not_reported():
    def slow(phase: str, info: dict) -> None:
        if phase == "start":
            spin(clock() + 0.4)

    start = clock()
    gc.callbacks.append(slow)
    try:
        with pytest.raises(VcrTimeout), time_limit(0.1):
            gc.collect()
            spin(start + 5)
    finally:
        gc.callbacks.remove(slow)
    assert clock() - start < 2


def test_no_limit_outside_the_main_thread():
    import threading

    seen = []
    thread = threading.Thread(target=lambda: seen.append(limits.usable()))
    thread.start()
    thread.join()
    assert seen == [False] and limits.usable()
