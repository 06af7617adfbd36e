"""The per-directive time limit cannot be lost (sphinx_vcr/core/limits.py)."""

from __future__ import annotations

import signal
import time

import pytest

from sphinx_vcr.core.errors import VcrTimeout
from sphinx_vcr.core.limits import soft_limit, time_limit


def spin(until: float) -> None:
    while time.monotonic() < until:
        pass


def test_a_swallowed_timeout_is_raised_again():
    start = time.monotonic()
    with pytest.raises(VcrTimeout), time_limit(0.2):
        try:  # noqa: SIM105 - written out as a careless library would
            spin(start + 5)
        except BaseException:
            pass
        spin(start + 5)
    assert time.monotonic() - start < 1.5


def test_the_limit_is_lifted_and_the_handler_restored():
    before = signal.getsignal(signal.SIGALRM)
    with time_limit(5):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before
    spin(time.monotonic() + 0.3)  # no stray alarm after the block


def test_a_timeout_leaves_no_timer_running():
    with pytest.raises(VcrTimeout), time_limit(0.05):
        spin(time.monotonic() + 5)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_soft_limit_ends_its_block_quietly_and_keeps_the_outer_one():
    start = time.monotonic()
    with time_limit(2):
        with soft_limit(0.1) as expired:
            spin(start + 3)
        assert expired == [True]
        assert time.monotonic() - start < 1
        with soft_limit(1) as expired:
            pass
        assert expired == [False]
        # the outer limit is still in force after the inner ones
        with pytest.raises(VcrTimeout):
            spin(start + 10)
    assert 1.5 < time.monotonic() - start < 3


def test_an_outer_timeout_is_not_absorbed_by_a_soft_limit():
    start = time.monotonic()
    with pytest.raises(VcrTimeout), time_limit(0.2), soft_limit(5):
        spin(start + 3)
    assert time.monotonic() - start < 1
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_timeout_is_raised_inside_the_limits_own_bookkeeping():
    """An alarm that lands while a limit is being lifted (in this module or in
    contextlib) must not escape the block half cleaned up; the next alarm raises."""
    import contextlib
    import sys

    from sphinx_vcr.core import limits

    with time_limit(5):
        limits._deadlines[0] = time.monotonic() - 1  # spent
        here = sys._getframe()
        quiet = type("Frame", (), {"f_code": type("Code", (), {
            "co_filename": contextlib.__file__})()})()
        limits._expire(signal.SIGALRM, quiet)  # nothing happens
        with pytest.raises(VcrTimeout):
            limits._expire(signal.SIGALRM, here)
