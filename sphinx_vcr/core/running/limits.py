"""CPU-time budgets inside one process: one per directive, so runaway algebra is
interrupted, and shorter ones inside it for work that has a cheaper fallback (exact
simplification).

The budgets count CPU time of this process (``time.process_time``, interrupted by
``ITIMER_PROF``), not wall-clock time: a true claim must not fail because the machine
is busy with other work. They interrupt Python code only; a single long call into C
(big-integer arithmetic, say) runs on until it returns. :mod:`.worker` runs each
directive in a process of its own, so that such a call can be stopped by killing it.
"""

from __future__ import annotations

import contextlib
import math
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

from ..errors import LimitError, VcrTimeout
from ..outcome import ERROR, Outcome
from ..words import _

#: Once a budget is spent, the alarm repeats at this interval (CPU seconds) until its
#: block is left: a timeout swallowed on its way out (by an exception handler in a
#: library, or because it was raised inside a finaliser, where Python ignores
#: exceptions) is raised again rather than lost. A one-shot alarm, lost that way once,
#: let a hostile directive run for minutes.
REPEAT = 0.1

#: The clock of every budget, and the interval timer and signal that follow it.
clock = time.process_time
TIMER = getattr(signal, "ITIMER_PROF", None)
SIGNAL = getattr(signal, "SIGPROF", None)

#: Deadlines (on :data:`clock`) of the limits in force, innermost last. The handler
#: raises only while one of them has passed, so a late alarm that arrives while a limit
#: is being lifted does nothing.
_deadlines: list[float] = []


@dataclass
class _Saved:
    """What the outermost limit replaced, to be put back when it is lifted."""

    handler: Any
    timer: tuple[float, float]
    hook: Callable[[Any], object]
    start: float


_saved: list[_Saved] = []

#: Code where a timeout must not be raised: this module's own bookkeeping (lifting a
#: limit) and contextlib's, which runs it. An alarm that lands there does nothing; the
#: alarm repeats, and raises once the code has moved on, if a limit is still spent.
_QUIET_FILES = frozenset({__file__, contextlib.__file__})


def _expire(signum: int, frame: FrameType | None) -> None:
    if frame is not None and frame.f_code.co_filename in _QUIET_FILES:
        return
    if _deadlines and clock() >= min(_deadlines):
        raise VcrTimeout(0)


def _absorb(unraisable: Any) -> None:
    """``sys.unraisablehook`` while a limit is in force.

    A timeout that lands in a finaliser or a garbage-collection callback cannot
    propagate: Python reports it as "Exception ignored" (pytest as a
    PytestUnraisableExceptionWarning) and goes on. It is not lost, since the alarm
    repeats and raises again once that code has returned; so it is not reported either.
    """
    if isinstance(unraisable.exc_value, VcrTimeout):
        return
    hook = _saved[0].hook if _saved else sys.__unraisablehook__
    hook(unraisable)


def usable() -> bool:
    """Whether a limit can be applied here: signals reach only the main thread."""
    return (TIMER is not None and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread())


def _arm() -> None:
    """Set the timer to the nearest deadline, or stop it if there is none."""
    if _deadlines:
        wait = max(min(_deadlines) - clock(), 1e-3)
        signal.setitimer(TIMER, wait, REPEAT)
    else:
        signal.setitimer(TIMER, 0)


def _take_over() -> None:
    """Install this module's handler, timer and hook, saving whatever they replace
    (another extension's profiler or timer, say)."""
    _saved.append(_Saved(signal.getsignal(SIGNAL), signal.getitimer(TIMER),
                         sys.unraisablehook, clock()))
    signal.signal(SIGNAL, _expire)
    sys.unraisablehook = _absorb


def _hand_back() -> None:
    """Put back what :func:`_take_over` replaced. Runs with this module's timer stopped,
    so no alarm of ours can reach the handler put back."""
    saved = _saved.pop()
    signal.signal(SIGNAL, saved.handler)
    if sys.unraisablehook is _absorb:
        sys.unraisablehook = saved.hook
    remaining, interval = saved.timer
    if remaining:
        # The other timer counts the same CPU time: it resumes with what it had left,
        # and one that ran out meanwhile fires at once, late but not lost.
        spent = clock() - saved.start
        signal.setitimer(TIMER, max(remaining - spent, 1e-6), interval)


#: Eleven days: longer limits are taken as this one.
MAX_SECONDS = 1e6


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`VcrTimeout` in the block after ``seconds`` of CPU time.

    Uses a profiling interval timer, which interrupts pure-Python work such as SymPy's
    simplification. Signals only reach the main thread; elsewhere (and on platforms
    without ``setitimer``) the block runs unbounded rather than failing: see
    :func:`usable`. Limits nest: an inner one ends at the sooner of its own deadline
    and the outer one's.
    """
    if not (seconds and seconds > 0 and usable()):
        yield
        return
    # Beyond this a limit is no limit, and the timer's own numbers would overflow.
    seconds = min(seconds, MAX_SECONDS)
    outermost = not _deadlines
    if outermost:
        _take_over()
    _deadlines.append(clock() + seconds)
    depth = len(_deadlines)
    _arm()
    try:
        yield
    finally:
        # The alarm may fire again while this runs: retry until this limit is really
        # lifted (each step can be repeated safely). Once the timer is stopped no
        # further alarm comes, so handing back the previous handler is safe.
        while True:
            try:
                del _deadlines[depth - 1:]
                _arm()
                break
            except VcrTimeout:
                continue
        if outermost:
            _hand_back()


def remaining() -> float:
    """Seconds left before the nearest enclosing :func:`time_limit` runs out (inf if
    none)."""
    return min(_deadlines) - clock() if _deadlines else math.inf


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
        if clock() >= outer:
            raise
        expired[0] = True


def timeout_outcome(seconds: float) -> Outcome:
    """The error of a directive that ran out of its ``vcr_timeout``."""
    return Outcome(ERROR, "timeout", _(
        "gave up after {seconds} s (vcr_timeout) of differentiating, simplifying and "
        "sampling; split the expression up or raise vcr_timeout").format(
            seconds=f"{seconds:g}"))


def memory_outcome(megabytes: int) -> Outcome:
    """The error of a directive that needed more than its ``vcr_memory``."""
    return Outcome(ERROR, "limit", _(
        "needed more than {megabytes} MB of memory (vcr_memory); split the expression up, "
        "use fewer or smaller variables, or raise vcr_memory").format(megabytes=megabytes))


#: Most coordinates one finite-difference stencil may hold: Ridders' method evaluates
#: every output at 2 x 10 points per variable differentiated by, each point a
#: coordinate per symbol, so the work grows with the product of the two counts (a
#: directive by 4201 variables once took 5.7 GB). About 60 MB of arrays at the limit.
MAX_STENCIL = 200_000


def bound_finite_differences(variables: int, symbols: int, rows: int) -> None:
    """Refuse, before any array is allocated, a finite-difference check too large to run:
    ``variables`` differentiated by, ``symbols`` in all, ``rows`` values per point."""
    size = variables * (symbols + rows)
    if size > MAX_STENCIL:
        raise LimitError(_(
            "checking this by finite differences would take {variables} variables times "
            "{values} values per point, more than the limit of {limit}; differentiate by "
            "fewer variables (one vector w[n] instead of many named ones)").format(
                variables=variables, values=symbols + rows, limit=MAX_STENCIL),
            option="wrt")
