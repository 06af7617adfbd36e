"""Verify one directive: the front door of the core, with its memo and its cache.

:func:`check` is the single entry point of the core: text in, :class:`Outcome` out. It
never raises for bad input; every problem becomes an ``error`` outcome with a subtype
and a message, and limits of CPU time and memory bound the whole of it. The computation
itself lives in :mod:`.pipeline`, run and imported in a worker process (:mod:`.worker`)
when an outcome is neither memoised nor cached: the build process itself never imports
SymPy or NumPy (half a second of start-up), and a rebuild served from the cache does
not start them at all.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Iterable

from ..language.scan import Found
from ..outcome import Outcome
from ..records import Settings
from . import worker
from .cache import OutcomeCache, cache_key

#: Outcomes of directives already checked in this process, by text and settings. The
#: check is a pure function of both, so a directive that appears again (a page read
#: twice, a copied example) is not recomputed. Bounded (large enough for the outcomes a
#: whole project prefetches), and copied out, never shared.
_memo: OrderedDict[tuple, Outcome] = OrderedDict()
MEMO_SIZE = 16384
#: Keys of memoised outcomes that must never reach the disk cache (see _remember).
_transient: set[tuple] = set()


def check(kind: str, argument: str, content: list[str], options: dict[str, str | None],
          settings: Settings = Settings(), cache: OutcomeCache | None = None) -> Outcome:
    """Parse, compute and verify one directive's text; never raises for bad input.

    ``cache``, if given, is consulted before computing and filled after.
    """
    key = (_key(kind, argument, content, options), settings)
    outcome = _recall(key, cache)
    if outcome is None:
        outcome, durable = worker.compute((kind, argument, content, options, settings,
                                           key[0]))
        _remember(key, outcome, cache, durable)
    return copy.deepcopy(outcome)


def prefetch(found: Iterable[Found], settings: Settings, cache: OutcomeCache | None,
             processes: int) -> int:
    """Verify directives ahead of time in ``processes`` worker processes.

    The outcomes go to this process's memo (and the cache), so that processes forked
    from it later (the workers of a parallel Sphinx build) find them ready: every
    worker is busy checking until none is left, however unevenly the directives are
    spread over pages. Returns how many were computed. Needs ``fork`` (POSIX): the
    workers are those of :mod:`.worker`, with the same limits as any other check.
    """
    missing = missing_from(found, settings, cache)
    if len(missing) < 2 or processes < 2 or not worker.available():
        return 0
    keys = list(missing)
    jobs = [(*case, settings, key[0]) for key, case in missing.items()]
    done = 0
    for index, outcome, durable in worker.compute_many(jobs, min(processes, len(jobs))):
        # Memoised even when it must not be stored (a timeout): the reading processes,
        # forked later, then report it without paying for it a second time.
        _remember(keys[index], outcome, cache, durable)
        done += 1
    return done


def missing_from(found: Iterable[Found], settings: Settings, cache: OutcomeCache | None
                 ) -> dict[tuple, Found]:
    """The directives of ``found`` whose outcome is neither memoised nor cached, by key
    (what is found is memoised, so reading does not look it up again)."""
    missing = {}
    for case in found:
        key = (_key(*case), settings)
        if key not in missing and _recall(key, cache) is None:
            missing[key] = case
    return missing


def _recall(key: tuple, cache: OutcomeCache | None) -> Outcome | None:
    """The outcome known for ``key``: from this process's memo, else from the cache."""
    if key in _memo:
        _memo.move_to_end(key)
        outcome = _memo[key]
        # Known in this process but perhaps not in this build directory's cache.
        if cache is not None and key not in _transient:
            disk_key = cache_key(repr(key))
            if not cache.has(disk_key):
                cache.put(disk_key, outcome)
        return outcome
    outcome = cache.get(cache_key(repr(key))) if cache is not None else None
    if outcome is not None:
        _memorise(key, outcome)
    return outcome


def _remember(key: tuple, outcome: Outcome, cache: OutcomeCache | None,
              durable: bool = True) -> None:
    """Memoise ``outcome``, and store it in ``cache`` if it is ``durable``.

    An outcome that depends on the machine as well as on the text (a timeout, a worker
    that died) is memoised, so that this process and those it forks pay for it once,
    but never stored: another build, on another machine, tries again.
    """
    if not durable:
        _transient.add(key)
    else:
        _transient.discard(key)
        if cache is not None:
            cache.put(cache_key(repr(key)), outcome)
    _memorise(key, outcome)


def _memorise(key: tuple, outcome: Outcome) -> None:
    _memo[key] = copy.deepcopy(outcome)
    if len(_memo) > MEMO_SIZE:
        _transient.discard(_memo.popitem(last=False)[0])


def _key(kind: str, argument: str, content: list[str], options: dict) -> str:
    return repr((kind, argument, content, sorted(options.items())))
