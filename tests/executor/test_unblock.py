"""A worker killed halfway through writing its result must not leave the pool's manager waiting for ever."""

from __future__ import annotations

import multiprocessing
import os
import struct
import time
from concurrent.futures import ProcessPoolExecutor

from archiver import executor

HALF = struct.pack("!i", 1000) + b"only part of the promised 1000 bytes"


def _die_halfway(fd: int) -> None:
    os.write(fd, HALF)  # the start of a result message, as a worker killed while sending it leaves
    os._exit(1)


def _manager_ends_after(unblock: bool) -> bool:
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    fd = pool._result_queue._writer.fileno()  # type: ignore[attr-defined]
    pool.submit(_die_halfway, fd)
    manager = None
    for _ in range(100):  # the manager thread reads the half message, then waits in recv
        manager = pool._executor_manager_thread  # type: ignore[attr-defined]
        time.sleep(0.05)
        if manager is not None and not any(p.is_alive() for p in pool._processes.values()):  # type: ignore[attr-defined]
            break
    assert manager is not None
    if unblock:
        executor._end(pool)
    manager.join(timeout=5)
    ended = not manager.is_alive()
    if not ended:  # leave no stuck thread for the interpreter's exit to join: end it as the fix does
        executor._end(pool)
        manager.join(timeout=5)
    pool.shutdown(wait=False)
    return ended


def test_a_half_written_result_holds_the_manager_until_the_pipe_is_closed() -> None:
    assert not _manager_ends_after(unblock=False)  # the hang, as seen in an interrupted ingest
    assert _manager_ends_after(unblock=True)
