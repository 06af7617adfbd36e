"""Directives computed in worker processes that are killed when they overrun.

A signal cannot interrupt one long call into C (the gcd of two numbers of a million
digits, inside SymPy, once took minutes of a ten-second budget), and nothing inside a
process bounds the memory of one directive without bounding the whole build. So each
directive is computed in a worker: a process forked from the one that asks, kept for
the next directive, and watched while it works.

- CPU time: inside the worker, ``vcr_timeout`` is the Python-level limit of
  :mod:`.limits`, which ends ordinary overruns with the usual message. From outside,
  the worker is killed once its job has used :data:`HARD` times that much CPU time
  (read from ``/proc`` on Linux; elsewhere the kernel's ``RLIMIT_CPU``, in whole
  seconds, does it), and the directive is a ``timeout`` error. CPU time, not wall-clock
  time, so that a busy machine does not fail a true claim; :data:`WALL` times the budget
  of wall-clock time is only a backstop for a worker that is stuck without running.
- Memory: before each job the worker limits its data segment (``RLIMIT_DATA``) to what
  it uses plus ``vcr_memory``, so an allocation past that fails with a MemoryError, in
  C code too. A MemoryError, or a worker that dies, is a ``limit`` error.

A worker imports SymPy and NumPy itself, on its first job (and outside its budget), so
that the calling process need not. A worker that is killed or dies is replaced (and the
replacement imports them again, half a second). Workers belong to the process that forked
them: a process forked from it (Sphinx's ``-j`` readers, another worker) forgets them
and forks its own, and the owner kills its workers when it exits (a worker whose owner
is gone sees the end of its pipe and exits). Where ``fork`` is missing (Windows), jobs
run in the calling process under the limit of :mod:`.limits` alone.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import math
import multiprocessing.util
import os
import pickle
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from multiprocessing import Pipe, connection
from multiprocessing.connection import Connection
from typing import NoReturn

from .. import words
from ..outcome import ERROR, Outcome
from ..words import _
from . import limits

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

#: A worker is killed once its job has used this many times its budget of CPU time.
HARD = 1.5
#: ... or, where its CPU time cannot be read (or while it imports), this many times its
#: budget of wall-clock time.
WALL = 10.0
#: A worker whose CPU time has not grown at all for this many times its budget of
#: wall-clock time (at least :data:`MIN_STALL` seconds) is stuck (stopped, or blocked),
#: not slow: a worker starved by a busy machine still gets some time, and is left to
#: finish, so that load never fails a true claim.
STALL = 5.0
MIN_STALL = 10.0
#: Limits beyond these are no limits (and would overflow the kernel's own numbers).
MAX_SECONDS = limits.MAX_SECONDS
MAX_MEGABYTES = 1 << 30
#: Seconds between two looks at a busy worker (a finished job is seen at once).
POLL = 0.05
#: Outcomes that depend on the machine, not only on the text: never stored on disk.
TRANSIENT = ("timeout", "internal")

#: A job: kind, argument, content, options, settings and key, as for pipeline.compute.
Job = tuple
#: What a job gives: its outcome, and whether the outcome may be stored on disk.
Result = tuple[Outcome, bool]

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_MEMORY = getattr(resource, "RLIMIT_DATA", None) if resource else None


def available() -> bool:
    """Whether jobs run in worker processes here (they need ``fork``)."""
    return hasattr(os, "fork") and hasattr(os, "register_at_fork")


def limited() -> bool:
    """Whether a directive computed here has a time limit at all."""
    return available() or limits.usable()


def run(job: Job) -> Result:
    """Compute ``job`` in this process (a worker's, or the caller's without fork)."""
    from . import pipeline

    settings = job[4]
    start = time.perf_counter()
    try:
        outcome = pipeline.compute(*job)
    except MemoryError:
        return limits.memory_outcome(settings.memory), False
    # Never 0, which the reports keep for an outcome read from the disk cache.
    outcome.seconds = max(time.perf_counter() - start, 1e-6)
    return outcome, outcome.subtype not in TRANSIENT


class NoWorker(Exception):
    """No worker process could be started."""


class Worker:
    """One forked process that computes the jobs sent through its pipe, one at a time."""

    def __init__(self) -> None:
        self.conn, child = Pipe()
        #: The translators the worker knows: a language installed later needs a new one.
        self.translators = dict(words._translators)
        with warnings.catch_warnings():
            # Python 3.12+ warns when a process with threads forks (a build run from a
            # thread): the child could deadlock on a lock that another thread held. The
            # worker only computes, under the interpreter's own locks, which fork
            # resets; one that hung anyway would be killed by the clock backstop.
            warnings.simplefilter("ignore", DeprecationWarning)
            # The worker shares its parent's memory until it writes to it; freezing
            # the parent's objects keeps the worker's garbage collections from writing
            # to (and so copying) every page of them.
            gc.freeze()
            try:
                pid = os.fork()
            except OSError:
                gc.unfreeze()
                raise
            if pid:
                gc.unfreeze()
        if pid == 0:
            _serve(child, self.conn)
        child.close()
        self.pid, self.owner = pid, os.getpid()
        #: The worker's CPU time when its current job began (its budget starts there).
        self.cpu = 0.0
        #: Whether the worker has imported the computation (its first job does it,
        #: outside the budget, and says so when done).
        self.ready = False
        self.started = self.progressed = 0.0
        #: The CPU time last read, and when it last grew (a stuck worker's never does).
        self.seen = -1.0
        self.budget = 0.0
        _live.append(self)
        _reap_at_exit()

    def fits(self, job: Job) -> bool:
        """Whether this worker can compute ``job`` as a fresh one would."""
        language = job[4].language
        return (self.owner == os.getpid() and self.pid > 0
                and self.translators.get(language) is words._translators.get(language))

    def submit(self, job: Job) -> None:
        self.conn.send(job)
        self.budget = min(job[4].timeout, MAX_SECONDS)
        self.started = self.progressed = time.monotonic()
        self.seen = -1.0

    def receive(self, memory: int) -> Result | None:
        """The result of the job sent (None if the worker only said it is ready); if
        the worker died instead, why."""
        try:
            kind, value, durable, self.cpu = self.conn.recv()
        except (EOFError, OSError):
            return self._died(memory), False
        if kind == "ready":
            self.ready = True
            return None
        if kind == "raise":
            raise value
        return value, durable

    def overrun(self) -> bool:
        """Whether the job has used up its hard limit (and the worker must be killed)."""
        now = time.monotonic()
        used = _cpu_time(self.pid) if self.ready else None
        if used is None:  # no CPU time to go by: the clock is all there is
            return now - self.started >= WALL * self.budget
        if used > self.seen:
            self.seen, self.progressed = used, now
        stall = max(STALL * self.budget, MIN_STALL)
        return used - self.cpu >= HARD * self.budget or now - self.progressed >= stall

    def kill(self) -> int:
        """End the worker at once; its wait status."""
        if self.pid <= 0:
            return 0
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        return self._reap()

    def _reap(self) -> int:
        status = 0
        with suppress(ChildProcessError):
            status = os.waitpid(self.pid, 0)[1]
        self.pid = 0
        self.conn.close()
        if self in _live:
            _live.remove(self)
        return status

    def _died(self, memory: int) -> Outcome:
        status = self._reap()
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == getattr(signal, "SIGXCPU", -1):
            return limits.timeout_outcome(self.budget)  # the kernel's CPU limit
        if os.WIFSIGNALED(status):
            cause = _("killed by {signal}").format(signal=_signal_name(os.WTERMSIG(status)))
        else:
            cause = _("exit status {status}").format(status=os.waitstatus_to_exitcode(status))
        return Outcome(ERROR, "limit", _(
            "the process checking this directive ended ({cause}), most likely out of "
            "memory; split the expression up, or raise vcr_memory ({megabytes} MB)")
            .format(cause=cause, megabytes=memory))


class Pool:
    """Up to ``size`` workers, each given the next job as soon as it is free."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.owner = os.getpid()
        self.idle: list[Worker] = []

    def map(self, jobs: Sequence[Job]) -> Iterator[tuple[int, Outcome, bool]]:
        """``(index, outcome, durable)`` for every job, in the order they finish."""
        pending = list(enumerate(jobs))[::-1]
        busy: dict[Connection, tuple[Worker, int]] = {}
        try:
            while pending or busy:
                while pending and len(busy) < self.size:
                    index, job = pending.pop()
                    worker = self._start(job)
                    busy[worker.conn] = (worker, index)
                for conn in connection.wait(list(busy), timeout=POLL):
                    worker, index = busy.pop(conn)
                    result = self._finish(worker, jobs[index])
                    if result is None:  # the worker is ready: its job begins
                        busy[conn] = (worker, index)
                        continue
                    yield index, *result
                for conn, (worker, index) in list(busy.items()):
                    if worker.overrun():
                        del busy[conn]
                        worker.kill()
                        yield index, limits.timeout_outcome(worker.budget), False
        finally:
            # Left mid-job (an exception, an interrupt, a caller that stopped asking):
            # the work in progress is abandoned, and so are its workers.
            for worker, _index in busy.values():
                worker.kill()

    def close(self) -> None:
        """Kill the idle workers (after a prefetch: its processes are not needed)."""
        for worker in self.idle:
            if worker.owner == os.getpid():
                worker.kill()
        self.idle.clear()

    def _start(self, job: Job) -> Worker:
        """An idle worker fit for ``job`` (or a new one), with the job sent to it."""
        while self.idle:
            worker = self.idle.pop()
            if worker.fits(job):
                try:
                    worker.submit(job)
                    return worker
                except OSError:
                    pass  # it died while idle (killed from outside, say)
            if worker.owner == os.getpid():
                worker.kill()
        try:
            worker = Worker()
        except OSError as err:  # fork refused: too many processes, too little memory
            raise NoWorker(err) from err
        worker.submit(job)
        return worker

    def _finish(self, worker: Worker, job: Job) -> Result | None:
        """The result of ``worker``'s job, the worker put back to be used again; None if
        the job is still under way."""
        try:
            result = worker.receive(job[4].memory)
        except BaseException:
            self.idle.append(worker)  # a job of its own raised: the worker is fine
            raise
        if result is not None and worker.pid > 0:
            self.idle.append(worker)
        return result


#: Every live worker forked by this process.
_live: list[Worker] = []
#: The pool of :func:`compute`, one worker, kept for the process's next directive.
_pool: Pool | None = None
_lock = threading.Lock()


def compute(job: Job) -> Result:
    """The outcome of one job, computed in this process's worker, and its durability."""
    global _pool
    if not available():
        return run(job)
    # One job at a time per process: builds run from threads take turns.
    with _lock:
        if _pool is None or _pool.owner != os.getpid():
            _pool = Pool(1)
        results = _pool.map([job])
        try:
            _index, outcome, durable = next(results)
        except NoWorker:
            return run(job)  # no process to spare: as without fork
        finally:
            results.close()
    return outcome, durable


def start() -> None:
    """Fork this process's worker now, ahead of its first job: a worker forked while
    the process is small shares less of its memory, and copies less of it later."""
    global _pool
    if not available():
        return
    with _lock:
        if _pool is None or _pool.owner != os.getpid():
            _pool = Pool(1)
        if not _pool.idle:
            with suppress(OSError):
                _pool.idle.append(Worker())


def compute_many(jobs: Sequence[Job], processes: int) -> Iterator[tuple[int, Outcome, bool]]:
    """``(index, outcome, durable)`` for every job, computed by ``processes`` workers
    forked for the purpose (and killed when the last job is done)."""
    pool = Pool(processes)
    try:
        yield from pool.map(jobs)
    finally:
        pool.close()


def stop() -> None:
    """Kill every worker of this process; the next job forks a fresh one. (A worker
    is a copy of its owner taken when it was forked: tests that patch the owner's
    modules need a worker forked after the patch.)"""
    global _pool
    for worker in list(_live):
        if worker.owner == os.getpid():
            worker.kill()
    _pool = None


def _forget() -> None:
    """In a forked child: the parent's workers are not ours. Close our copies of their
    pipes (so a worker sees its end when its owner exits) without touching them. The
    lock too may have been held by another thread of the parent: a new one."""
    global _pool, _lock
    for worker in _live:
        with suppress(OSError):
            worker.conn.close()
    _live.clear()
    _pool = None
    _lock = threading.Lock()


_reaper = 0


def _reap_at_exit() -> None:
    """Have this process kill its workers when it exits: through ``atexit``, and
    through multiprocessing's exit hook in a process it started (Sphinx's ``-j``
    readers), which ends without running ``atexit``."""
    global _reaper
    if _reaper != os.getpid():
        _reaper = os.getpid()
        multiprocessing.util.Finalize(None, stop, exitpriority=0)


if available():
    os.register_at_fork(after_in_child=_forget)
    atexit.register(stop)


def _serve(conn: Connection, parent_end: Connection) -> NoReturn:
    """The worker's life: compute each job received until the pipe closes.

    Never returns: the worker is a copy of its parent's whole program, whose stack must
    not be unwound here.
    """
    code = 0
    try:
        parent_end.close()
        _settle()
        ready = False
        while True:
            try:
                job = conn.recv()
            except EOFError:
                break
            if not ready:
                # SymPy and NumPy, imported here rather than in the parent: a worker
                # forked from a process that has them shares their pages and copies
                # one on every write (a refcount will do), which cost a quarter of the
                # CPU time of a build. Outside the budget and the memory bound.
                importlib.import_module(f"{__package__}.pipeline")
                conn.send(("ready", None, False, time.process_time()))
                ready = True
            conn.send(_work(job))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _settle() -> None:
    """A worker is interrupted by its owner, not by the terminal; a request to end
    ends it, not a handler of its owner's; and it dumps no core."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if resource is not None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _work(job: Job) -> tuple[str, object, bool, float]:
    """Run one job within its memory and CPU bounds: the reply to send back."""
    settings = job[4]
    restore = _bound(settings.memory, settings.timeout)
    try:
        outcome, durable = run(job)
        reply: tuple[str, object, bool] = ("done", outcome, durable)
    except BaseException as err:  # a bug, re-raised by the owner as it would be in-process
        reply = ("raise", _picklable(err), False)
    finally:
        restore()
    return (*reply, time.process_time())


def _bound(megabytes: int, seconds: float) -> Callable[[], None]:
    """Limit this process's data segment to what it uses plus ``megabytes``, and its CPU
    time to :data:`HARD` times ``seconds`` more; return the function that lifts both."""
    if resource is None:
        return lambda: None
    saved = []
    if _MEMORY is not None and 0 < megabytes < MAX_MEGABYTES:
        _trim()
        used = _data_size()
        if used is not None:
            saved.append((_MEMORY, _tighten(_MEMORY, used + (int(megabytes) << 20))))
    cpu = math.ceil(time.process_time() + HARD * min(seconds, MAX_SECONDS))
    saved.append((resource.RLIMIT_CPU, _tighten(resource.RLIMIT_CPU, cpu)))

    def restore() -> None:
        for which, limit in saved:
            resource.setrlimit(which, limit)
    return restore


def _tighten(which: int, soft: int) -> tuple[int, int]:
    """Lower the soft limit ``which`` to ``soft`` (never above the hard limit); return
    the limits it replaced."""
    before = resource.getrlimit(which)
    hard = before[1]
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(which, (soft, hard))
    return before


def _libc() -> object | None:
    try:
        import ctypes
        import ctypes.util

        library = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return library if hasattr(library, "malloc_trim") else None
    except (OSError, AttributeError):
        return None


_LIBC = _libc()


def _trim() -> None:
    """Give freed heap back to the system before the data segment is measured: glibc
    keeps it mapped, and a worker forked from a large process (a test session, a build
    that read many pages) would otherwise be allowed ``vcr_memory`` on top of memory it
    only once used, and an allocation past the bound could succeed in it."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)  # type: ignore[attr-defined]


def _data_size() -> int | None:
    """Bytes of this process's data segment (Linux: from /proc)."""
    try:
        with open("/proc/self/statm", "rb") as stream:
            return int(stream.read().split()[5]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return None


def _cpu_time(pid: int) -> float | None:
    """CPU seconds (user and system) used by process ``pid``, where /proc tells."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stream:
            fields = stream.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, IndexError, ValueError):
        return None


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:  # a real-time signal, say
        return f"signal {number}"


def _picklable(err: BaseException) -> BaseException:
    try:
        pickle.dumps(err)
        return err
    except Exception:
        return RuntimeError(f"{type(err).__name__}: {err}")
