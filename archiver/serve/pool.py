"""Where a request's blocking work runs: fixed pools of threads that live as long as the server.

Starlette would run each plain handler on anyio's shared pool of up to 40 threads, which retires a
thread idle for 10 s. Each new thread then opened the archive again (a scan of every XML file name
and catalog id), and a burst after a quiet spell opened dozens at once: seconds of CPU under the
GIL, and the 10 s timeouts of the first load tests. These threads open the archive once, and so
few of them compete for the GIL that the event loop still gets its turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from starlette.requests import Request
from starlette.responses import Response

from archiver.errors import ArchiverError
from archiver.serve.library import Library

PAGE_THREADS = 4  # pages, feeds, API: short and mostly CPU; more threads would only queue for the GIL
FILE_THREADS = 2  # editions and covers (seconds each): kept apart so that they never hold up a page
_READ_PRAGMAS = ("PRAGMA cache_size = -16384", "PRAGMA mmap_size = 268435456", "PRAGMA temp_store = MEMORY")

Handler = Callable[[Request], Response]


class Pools:
    """The two thread pools of one server process; each thread opens its archive when it starts."""

    def __init__(self, library: Library) -> None:
        self.pages = ThreadPoolExecutor(
            PAGE_THREADS, "archiver-pages", initializer=_reader, initargs=(library,)
        )
        self.files = ThreadPoolExecutor(
            FILE_THREADS, "archiver-files", initializer=_reader, initargs=(library,)
        )

    def start(self) -> None:
        """Start every thread now (each opens its archive), not at the first requests."""
        started = threading.Barrier(PAGE_THREADS + FILE_THREADS + 1)
        for pool, count in ((self.pages, PAGE_THREADS), (self.files, FILE_THREADS)):
            for _ in range(count):  # each waits for all: no thread takes a second one, so all start
                pool.submit(started.wait, 60)
        with contextlib.suppress(threading.BrokenBarrierError):  # slow to start: they start later
            started.wait(60)

    def close(self) -> None:
        for pool in (self.pages, self.files):
            pool.shutdown(wait=False, cancel_futures=True)


def _reader(library: Library) -> None:
    """A pool thread's start: its archive opened now, its catalog connection tuned for reading.

    A failure here is left for the first request to meet again and report (an initializer that
    raises would break the whole pool).
    """
    try:
        db = library.archive.catalog.db
        for pragma in _READ_PRAGMAS:
            db.execute(pragma)
    except (ArchiverError, sqlite3.Error):
        pass


async def run_on(request: Request, handler: Handler, pool: str = "pages") -> Response:
    """`handler(request)` on one of the server's pools, awaited."""
    pools: Pools = request.app.state.pools
    executor: ThreadPoolExecutor = getattr(pools, pool)
    return await asyncio.get_running_loop().run_in_executor(executor, handler, request)


def offloaded(handler: Handler, pool: str = "pages") -> Callable[[Request], Awaitable[Response]]:
    """An async endpoint that runs the plain `handler` on one of the server's pools."""

    async def endpoint(request: Request) -> Response:
        return await run_on(request, handler, pool)

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint
