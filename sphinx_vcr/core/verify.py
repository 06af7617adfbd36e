"""Verify one directive: the front door of the core, with its memo and its cache.

:func:`check` is the single entry point of the core: text in, :class:`Outcome` out. It
never raises for bad input; every problem becomes an ``error`` outcome with a subtype
and a message, and a time limit bounds the whole of it. The computation itself lives in
:mod:`.pipeline`, imported only when an outcome is neither memoised nor cached: a
rebuild served from the cache never imports SymPy or NumPy (half a second of start-up).
"""

from __future__ import annotations

import copy
import importlib
import multiprocessing
import time
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from .cache import OutcomeCache, cache_key
from .outcome import Outcome
from .scan import Found


@dataclass(frozen=True)
class Settings:
    """The knobs of verification (the ``vcr_*`` configuration values).

    ``language`` (Sphinx's ``language``) is the language of the outcome's words: it is
    part of the memo and cache key, so one language's outcome never shows in another.
    """

    samples: int = 5
    sizes: tuple[int, ...] = (1, 2, 3)
    seed: int = 0
    rtol: float = 1e-6
    atol: float = 1e-9
    timeout: float = 10.0
    layout: str = "numerator"
    language: str = "en"


#: Outcomes of directives already checked in this process, by text and settings. The
#: check is a pure function of both, so a directive that appears again (a page read
#: twice, a copied example) is not recomputed. Bounded (large enough for the outcomes a
#: whole project prefetches), and copied out, never shared.
_memo: OrderedDict[tuple, Outcome] = OrderedDict()
MEMO_SIZE = 16384


#: Outcomes that depend on the machine, not only on the text: never memoised or stored.
_UNCACHEABLE = ("timeout", "internal")


def check(kind: str, argument: str, content: list[str], options: dict[str, str | None],
          settings: Settings = Settings(), cache: OutcomeCache | None = None) -> Outcome:
    """Parse, compute and verify one directive's text; never raises for bad input.

    ``cache``, if given, is consulted before computing and filled after.
    """
    key = (_key(kind, argument, content, options), settings)
    outcome = _recall(key, cache)
    if outcome is None:
        outcome = _compute((kind, argument, content, options, settings, key[0]))
        _remember(key, outcome, cache)
    return copy.deepcopy(outcome)


def prefetch(found: Iterable[Found], settings: Settings, cache: OutcomeCache | None,
             processes: int) -> int:
    """Verify directives ahead of time in ``processes`` worker processes.

    The outcomes go to this process's memo (and the cache), so that processes forked
    from it later (the workers of a parallel Sphinx build) find them ready: every
    worker is busy checking until none is left, however unevenly the directives are
    spread over pages. Returns how many were computed. Needs ``fork`` (POSIX).
    """
    missing = {}
    for case in found:
        key = (_key(*case), settings)
        if key not in missing and _recall(key, cache) is None:
            missing[key] = case
    if len(missing) < 2 or processes < 2:
        return 0
    # Imported here, once, so that every forked worker inherits SymPy and NumPy.
    importlib.import_module(f"{__package__}.pipeline")
    jobs = [(*case, settings, key[0]) for key, case in missing.items()]
    context = multiprocessing.get_context("fork")
    done = 0
    # An executor, not a Pool: a worker that dies (killed for memory, say) breaks it
    # with an exception instead of leaving the build waiting forever.
    with ProcessPoolExecutor(min(processes, len(jobs)), mp_context=context) as pool:
        try:
            for key, outcome in zip(missing, pool.map(_compute, jobs)):
                _remember(key, outcome, cache)
                done += 1
        except BrokenProcessPool:
            pass  # what is left is computed when its page is read, as without prefetch
    return done


def _compute(job: tuple) -> Outcome:
    """Compute an outcome, noting how long it took (in the process that computes it)."""
    from .pipeline import compute

    start = time.perf_counter()
    outcome = compute(*job)
    # Never 0, which the reports keep for an outcome read from the disk cache.
    outcome.seconds = max(time.perf_counter() - start, 1e-6)
    return outcome


def _recall(key: tuple, cache: OutcomeCache | None) -> Outcome | None:
    """The outcome known for ``key``: from this process's memo, else from the cache."""
    if key in _memo:
        _memo.move_to_end(key)
        outcome = _memo[key]
        # Known in this process but perhaps not in this build directory's cache.
        if cache is not None:
            disk_key = cache_key(repr(key))
            if not cache.has(disk_key):
                cache.put(disk_key, outcome)
        return outcome
    outcome = cache.get(cache_key(repr(key))) if cache is not None else None
    if outcome is not None:
        _memorise(key, outcome)
    return outcome


def _remember(key: tuple, outcome: Outcome, cache: OutcomeCache | None) -> None:
    # A timeout depends on the machine's load at the time (a prefetch worker competing
    # with others, say), not only on the text: it is reported, but never reused.
    if outcome.subtype in _UNCACHEABLE:
        return
    if cache is not None:
        cache.put(cache_key(repr(key)), outcome)
    _memorise(key, outcome)


def _memorise(key: tuple, outcome: Outcome) -> None:
    _memo[key] = copy.deepcopy(outcome)
    if len(_memo) > MEMO_SIZE:
        _memo.popitem(last=False)


def _key(kind: str, argument: str, content: list[str], options: dict) -> str:
    return repr((kind, argument, content, sorted(options.items())))
