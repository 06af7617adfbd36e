"""A wall-clock budget for one directive, so a build never hangs on runaway algebra."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import VcrTimeout

#: Once the budget is spent, the alarm repeats at this interval (seconds) until the
#: block is left: a timeout swallowed on its way out (by an exception handler in a
#: library, or because it was raised inside a finaliser, where Python ignores
#: exceptions) is raised again rather than lost. A one-shot alarm, lost that way once,
#: let a hostile directive run for minutes.
REPEAT = 0.1

#: Whether a time limit is in force; the handler raises only then, so a late alarm
#: that arrives while the limit is being lifted does nothing.
_armed = False
_budget = 0.0


def _expire(signum: int, frame: object) -> None:
    if _armed:
        raise VcrTimeout(_budget)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`VcrTimeout` in the block after ``seconds`` of wall time.

    Uses a real-time interval timer, which interrupts pure-Python work such as SymPy's
    simplification. Signals only reach the main thread; elsewhere (and on platforms
    without ``setitimer``) the block runs unbounded rather than failing. Sphinx's
    parallel workers are processes, whose directives do run in the main thread.
    """
    global _armed, _budget
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    _budget, _armed = seconds, True
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
    try:
        yield
    finally:
        # The alarm may fire again while this runs: retry until it is really off. Once
        # _armed is False the handler does nothing, and once the timer is stopped no
        # further alarm comes, so restoring the previous handler is safe.
        while True:
            try:
                _armed = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                break
            except VcrTimeout:
                continue
        signal.signal(signal.SIGALRM, previous)
