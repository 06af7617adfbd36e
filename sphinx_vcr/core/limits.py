"""A wall-clock budget for one directive, so a build never hangs on runaway algebra."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import VcrTimeout


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`VcrTimeout` in the block after ``seconds`` of wall time.

    Uses a real-time interval timer, which interrupts pure-Python work such as SymPy's
    simplification. Signals only reach the main thread; elsewhere (and on platforms
    without ``setitimer``) the block runs unbounded rather than failing. Sphinx's
    parallel workers are processes, whose directives do run in the main thread.
    """
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise VcrTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
