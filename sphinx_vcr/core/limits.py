"""Wall-clock budgets: one per directive, so a build never hangs on runaway algebra, and
shorter ones inside it for work that has a cheaper fallback (exact simplification)."""

from __future__ import annotations

import contextlib
import math
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from .errors import VcrTimeout

#: Once a budget is spent, the alarm repeats at this interval (seconds) until its block
#: is left: a timeout swallowed on its way out (by an exception handler in a library,
#: or because it was raised inside a finaliser, where Python ignores exceptions) is
#: raised again rather than lost. A one-shot alarm, lost that way once, let a hostile
#: directive run for minutes.
REPEAT = 0.1

#: Deadlines (time.monotonic()) of the limits in force, innermost last. The handler
#: raises only while one of them has passed, so a late alarm that arrives while a limit
#: is being lifted does nothing.
_deadlines: list[float] = []


#: Code where a timeout must not be raised: this module's own bookkeeping (lifting a
#: limit) and contextlib's, which runs it. An alarm that lands there does nothing; the
#: alarm repeats, and raises once the code has moved on, if a limit is still spent.
_QUIET_FILES = frozenset({__file__, contextlib.__file__})


def _expire(signum: int, frame: FrameType | None) -> None:
    if frame is not None and frame.f_code.co_filename in _QUIET_FILES:
        return
    if _deadlines and time.monotonic() >= min(_deadlines):
        raise VcrTimeout(0)


def _usable(seconds: float) -> bool:
    return bool(seconds and seconds > 0 and hasattr(signal, "setitimer")
                and threading.current_thread() is threading.main_thread())


def _arm() -> None:
    """Set the timer to the nearest deadline, or stop it if there is none."""
    if _deadlines:
        wait = max(min(_deadlines) - time.monotonic(), 1e-3)
        signal.setitimer(signal.ITIMER_REAL, wait, REPEAT)
    else:
        signal.setitimer(signal.ITIMER_REAL, 0)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`VcrTimeout` in the block after ``seconds`` of wall time.

    Uses a real-time interval timer, which interrupts pure-Python work such as SymPy's
    simplification. Signals only reach the main thread; elsewhere (and on platforms
    without ``setitimer``) the block runs unbounded rather than failing. Sphinx's
    parallel workers are processes, whose directives do run in the main thread. Limits
    nest: an inner one ends at the sooner of its own deadline and the outer one's.
    """
    if not _usable(seconds):
        yield
        return
    outermost = not _deadlines
    previous = signal.signal(signal.SIGALRM, _expire) if outermost else None
    _deadlines.append(time.monotonic() + seconds)
    depth = len(_deadlines)
    _arm()
    try:
        yield
    finally:
        # The alarm may fire again while this runs: retry until this limit is really
        # lifted (each step can be repeated safely). Once the timer is stopped no
        # further alarm comes, so restoring the previous handler is safe.
        while True:
            try:
                del _deadlines[depth - 1:]
                _arm()
                break
            except VcrTimeout:
                continue
        if outermost:
            signal.signal(signal.SIGALRM, previous)


@contextmanager
def soft_limit(seconds: float) -> Iterator[list[bool]]:
    """Like :func:`time_limit`, but running out ends the block quietly.

    Yields a list whose only item becomes True if the block was cut short. Only this
    limit's own expiry is absorbed: when an enclosing limit has run out too, its
    :class:`VcrTimeout` goes on to end the directive as usual.
    """
    expired = [False]
    outer = min(_deadlines) if _deadlines else math.inf
    try:
        with time_limit(seconds):
            yield expired
    except VcrTimeout:
        if time.monotonic() >= outer:
            raise
        expired[0] = True
