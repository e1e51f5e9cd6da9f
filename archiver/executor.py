"""Where per-article work runs: this process, local worker processes or a Dask cluster."""

from __future__ import annotations

import importlib
import os
import resource
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from archiver.errors import UnknownName, UsageError

if TYPE_CHECKING:  # process pools load on first use: a re-ingest of unchanged files needs none
    from concurrent.futures import Future, ProcessPoolExecutor

A = TypeVar("A")
R = TypeVar("R")
CONNECT_TIMEOUT = 10  # seconds to reach a Dask scheduler
WORKER_MEMORY = 4 << 30  # address space per worker: a runaway file fails alone, not the machine
CHUNK = 32  # calls sent to a local worker as one task: fewer messages and wake-ups per article
# Calls a fresh worker runs before it is replaced: WeasyPrint's memory grows by about 2.5 MB a
# chunk it lays out (caches, fragments; more after a long one) and is not given back; a new worker
# costs about 2 s of CPU. A long `map` runs in rounds of this many calls a worker.
FRESH_CALLS = 8
WATCH = 1.0  # seconds between looks for a worker that died where its pool cannot see it (_results)


class BudgetExceeded(Exception):
    """The per-call time budget ran out."""


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise BudgetExceeded inside the block after `seconds` (main thread only; 0 = no budget)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise BudgetExceeded(f"over the {seconds:g} s budget")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_STOPPING: list[int] = []  # the termination signals this process was sent (see `stopping`)


def stopping(signum: int) -> None:
    """Note that this process was told to stop by `signum` (its signal handler calls this first).

    The handler's exception is lost when the signal lands inside a callback whose errors Python
    prints and ignores (logging's fork handlers, while a pool forks its workers). The workers,
    sent the same signal, die; so a runner checks here before it retries their calls one by one,
    and after each round, instead of going on as if nothing had been asked.
    """
    _STOPPING.append(signum)


def _stop_if_asked() -> None:
    """Raise what the signal handler raised, if a termination signal was noted."""
    if _STOPPING:
        if _STOPPING[-1] == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + _STOPPING[-1])


def workers(jobs: int) -> int:
    """The number of worker processes: `jobs`, or one per core when 0."""
    return jobs if jobs > 0 else (os.cpu_count() or 1)


def _worker_setup(parent: int) -> None:
    """Worker initialiser: die with the parent (a kill -9 leaves no orphans), cap memory.

    Ctrl-C reaches every process of the terminal's group; workers ignore it and the parent,
    which alone decides, stops them (see Local.map). SIGTERM kills a worker outright: a forked
    worker inherits the command line's handler, which a worker stuck in C code never runs.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    _limit_memory()


def _die_with_parent(parent: int) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        return  # elsewhere: workers end when their queue closes
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _limit_memory() -> None:
    """Cap the address space so that one runaway input raises MemoryError in its worker."""
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = WORKER_MEMORY if hard == resource.RLIM_INFINITY else min(WORKER_MEMORY, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        pass  # a platform without the limit: the time budget still applies


def give_back() -> None:
    """Return the heap memory this process has freed to the system (glibc's malloc_trim; elsewhere
    nothing): freed memory otherwise stays resident, and long work leaves much of it behind."""
    try:
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _each(work: Callable[..., R], calls: Sequence[tuple[Any, ...]], fresh: bool = False) -> list[R]:
    """Run `work` over a chunk of calls in a worker: one task, one message each way. A fresh worker
    gives back after each call what it freed (see give_back)."""
    out = []
    for args in calls:
        try:
            out.append(work(*args))
        finally:
            if fresh:
                give_back()
    return out


class Local(Generic[A, R]):
    """Runs `work` over argument tuples in order, in worker processes when jobs > 1.

    Calls travel to the workers in chunks (CHUNK; one at a time to fresh workers, whose calls are
    long). A worker that dies (a crash, the kernel's OOM killer) fails only the call it was
    running: the calls of that round are retried one by one in fresh workers, and the one that
    kills its worker again gets `on_crash(args)`.

    Workers are forked from this process (they start at once, with its modules loaded) unless
    `fresh`: then each starts a new interpreter (spawn). A forked worker's resident memory counts
    every page of this process at the fork; work started while this process holds much (the PDF
    edition's documents) runs in fresh workers, which hold only what they load and make, and
    give back after each call what it freed, and are replaced after FRESH_CALLS calls each (a long
    `map` runs in rounds of that many calls a worker); this process gives back what it freed before
    they start and after each round. Once workers run, a
    single call goes to them too (this process need not load what they have loaded).
    """

    def __init__(
        self, work: Callable[..., R], on_crash: Callable[..., R], jobs: int, fresh: bool = False
    ) -> None:
        self.work, self.on_crash, self.jobs, self.fresh = work, on_crash, jobs, fresh
        self.pool: ProcessPoolExecutor | None = None
        self.calls = 0  # calls the current pool has run

    def _pool(self, jobs: int) -> ProcessPoolExecutor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn" if self.fresh else "fork")
        if self.fresh:
            give_back()  # this process waits for the workers: its resident size counts meanwhile
        return ProcessPoolExecutor(
            jobs, mp_context=context, initializer=_worker_setup, initargs=(os.getpid(),)
        )

    def map(self, calls: Sequence[tuple[A, ...]]) -> list[R]:
        if self.jobs <= 1 or (len(calls) <= 1 and self.pool is None):
            return [self.work(*args) for args in calls]
        if not self.fresh:
            done = self._round(calls)
            _stop_if_asked()
            return done
        out: list[R] = []
        share = FRESH_CALLS * self.jobs  # calls a set of fresh workers runs
        while len(out) < len(calls):
            if self.pool is not None and self.calls >= share:
                self.close()  # replace the workers: they hold what their calls left behind
            left = share - (self.calls if self.pool is not None else 0)
            out += self._round(calls[len(out) : len(out) + left])
            _stop_if_asked()
            give_back()  # this process held the round's arguments and results
        return out

    def _round(self, calls: Sequence[tuple[A, ...]]) -> list[R]:
        """Run `calls` in the workers (started if none run), in chunks; a crash retries them one by one."""
        from concurrent.futures.process import BrokenProcessPool

        if self.pool is None:
            self.pool, self.calls = self._pool(self.jobs), 0
        pool = self.pool
        self.calls += len(calls)
        # several chunks a worker, so that they share the work evenly; long (fresh) calls one by one
        size = 1 if self.fresh else max(1, min(CHUNK, len(calls) // (self.jobs * 4)))
        chunks = [calls[i : i + size] for i in range(0, len(calls), size)]
        try:  # a pool broken between rounds (an idle worker killed) refuses the submits themselves
            futures: list[Future[list[R]]] = [pool.submit(_each, self.work, c, self.fresh) for c in chunks]
            return [result for done in _results(pool, futures) for result in done]
        except BrokenProcessPool:
            _end(pool)  # its other workers too: they are not to be waited for
            self.close()
            _stop_if_asked()  # the workers died of the signal that stops this process
            return [self._alone(args) for args in calls]
        except BaseException:  # Ctrl-C or SIGTERM in the parent: stop the workers now, not after their work
            self._stop()
            raise

    def _stop(self) -> None:
        """End the workers at once (their results are no longer wanted)."""
        pool, self.pool = self.pool, None
        if pool is None:
            return
        _end(pool)
        pool.shutdown(wait=False, cancel_futures=True)

    def _alone(self, args: tuple[A, ...]) -> R:
        from concurrent.futures.process import BrokenProcessPool

        _stop_if_asked()  # a termination signal whose exception was lost: no more retries
        solo = self._pool(1)
        try:
            ((result,),) = _results(solo, [solo.submit(_each, self.work, [args], self.fresh)])
            return result
        except BrokenProcessPool:
            _end(solo)
            _stop_if_asked()  # its worker died of the signal that stops this process
            return self.on_crash(*args)
        except BaseException:  # stopped (or a failure outside the call): its worker is not waited for
            _end(solo)
            raise
        finally:
            solo.shutdown()

    def close(self) -> None:
        if self.pool is not None:
            if _STOPPING:  # the workers got the signal too: one may have died halfway through a result
                _end(self.pool)
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


def _results(pool: ProcessPoolExecutor, futures: list[Future[list[R]]]) -> list[list[R]]:
    """The futures' results in order, as `result()` gives them (BrokenProcessPool included).

    A worker killed halfway through sending a result (the OOM killer) leaves the pool's manager
    waiting in `recv` for the rest, where it never looks at its workers: the calls would wait for
    ever. So every WATCH seconds a worker found dead while calls are pending ends the pool (_end),
    and they fail as a crash does.
    """
    ended = False
    # One future at a time: concurrent.futures.wait holds several futures' locks at once, and a
    # Ctrl-C among them would leave some held, for the pool's manager thread to block on at exit.
    for future in futures:
        while True:
            try:
                future.exception(timeout=WATCH)
                break
            except TimeoutError:
                # a worker exits only when it dies, while calls are pending (no max_tasks_per_child)
                if not ended and any(p.exitcode is not None for p in _processes(pool)):
                    _end(pool)
                    ended = True
    return [f.result() for f in futures]


def _processes(pool: ProcessPoolExecutor) -> list[Any]:
    """The pool's worker processes (a private attribute of CPython's pool; elsewhere none)."""
    return list((getattr(pool, "_processes", None) or {}).values())


def _end(pool: ProcessPoolExecutor) -> None:
    """Kill a broken or stopped pool's workers and close this process's end of their result pipe.

    Python ends a broken pool's workers with SIGTERM and waits for them; a worker that does not
    die of it (stuck in C code under a Python handler) holds the pool's shutdown for ever, so
    they are killed here first. A worker killed while it wrote a result leaves half a message in
    the pipe, and the pool's manager thread waits in `recv` for the rest, for ever (the
    interpreter's exit joins that thread: an ingest stopped by Ctrl-C under load never ended).
    With every write end closed, `recv` ends with EOFError, which the manager takes for a broken
    pool (a process forked from this one while the pool works holds a write end too, until it
    ends). Both use private attributes of CPython's pool, read with getattr: elsewhere, nothing.
    """
    for process in _processes(pool):
        with suppress(OSError, ValueError):  # already reaped, or closed
            process.kill()
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        with suppress(OSError):
            writer.close()


class Runner(Protocol[R]):
    """What runs per-item work: `map` keeps the order of the calls; `close` ends the workers."""

    def map(self, calls: Sequence[tuple[Any, ...]]) -> list[R]: ...

    def close(self) -> None: ...


class Dask(Generic[R]):
    """Runs `work` on a Dask cluster: the scheduler at `scheduler`, or a LocalCluster of `jobs` processes.

    Every machine must have the same archiver version. Each task carries its own data and its
    result comes back to this process, which alone reads and writes the archive. A
    task whose workers keep dying (Dask's KilledWorker) runs once more alone, and if it kills
    its workers again it gets `on_crash(args)`. Dask runs tasks in
    worker threads, where the per-file time budget (a signal) cannot apply.
    """

    def __init__(self, work: Callable[..., R], on_crash: Callable[..., R], jobs: int, scheduler: str | None):
        try:
            self.dist: Any = importlib.import_module("distributed")  # untyped: used through Any
        except ImportError:
            needs = "the Dask executor needs the distributed package: pip install 'archiver[dask]'"
            raise UsageError(needs) from None
        self.work, self.on_crash, self.jobs, self.scheduler = work, on_crash, jobs, scheduler
        self.cluster: Any = None
        self.client: Any = None  # connected on first use: a run with nothing to send needs no cluster

    def _connect(self) -> Any:
        if self.client is not None:
            return self.client
        dist, where = self.dist, self.scheduler
        try:
            if where:
                self.client = dist.Client(where, timeout=f"{CONNECT_TIMEOUT}s")
            else:
                self.cluster = dist.LocalCluster(
                    n_workers=workers(self.jobs), threads_per_worker=1, processes=True, dashboard_address=None
                )
                self.client = dist.Client(self.cluster)
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise UsageError(f"cannot reach the Dask scheduler {where}: {exc}") from None
        return self.client

    def map(self, calls: Sequence[tuple[Any, ...]]) -> list[R]:
        if not calls:
            return []
        client, killed = self._connect(), self.dist.KilledWorker
        futures = [client.submit(self.work, *args, pure=False) for args in calls]
        out: list[R] = []
        for future, args in zip(futures, calls, strict=True):
            try:
                out.append(future.result())
            except killed:  # this call, or one that shared its workers, kept killing them
                out.append(self._alone(args, killed))
        return out

    def _alone(self, args: tuple[Any, ...], killed: Any) -> R:
        """The call once more on its own: a call that only shared a dying worker now succeeds."""
        try:
            result: R = self.client.submit(self.work, *args, pure=False).result()
        except killed:
            return self.on_crash(*args)
        return result

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


# Executor name -> its runner, built as make(work, on_crash, jobs, scheduler, fresh).
RUNNERS: dict[str, Callable[..., Runner[Any]]] = {
    "local": lambda work, on_crash, jobs, scheduler, fresh: Local(work, on_crash, workers(jobs), fresh),
    "dask": lambda work, on_crash, jobs, scheduler, fresh: Dask(work, on_crash, jobs, scheduler),
}


def runner(
    work: Callable[..., R],
    on_crash: Callable[..., R],
    jobs: int = 0,
    kind: str = "local",
    scheduler: str | None = None,
    fresh: bool = False,
) -> Runner[R]:
    """A runner of `work` on the named executor; `on_crash(*args)` answers for a call whose worker died;
    with `fresh`, local workers start a new interpreter instead of a fork of this process (see Local).

    `work` and its arguments must be picklable (top-level functions, plain data): the same call
    may run in this process, a local worker or a Dask worker on another machine.
    """
    check_executor(kind, scheduler)
    make = RUNNERS[kind]
    made: Runner[R] = make(work, on_crash, jobs, scheduler, fresh)
    return made


def check_executor(kind: str, scheduler: str | None) -> None:
    """An unknown executor, or a scheduler without Dask, is a usage error (exit code 2)."""
    if kind not in RUNNERS:
        raise UnknownName("executor", kind, RUNNERS)
    if scheduler and kind != "dask":
        raise UsageError("--scheduler is for --executor dask")
