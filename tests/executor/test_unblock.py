"""A worker killed halfway through writing its result must not leave the pool's manager waiting for ever."""

from __future__ import annotations

import multiprocessing
import os
import struct
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from archiver import executor
from archiver.executor import runner

ROOT = Path(__file__).resolve().parents[2]

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
    assert [p.exitcode for p in pool._processes.values()] == [1]  # type: ignore[attr-defined]  # it wrote, then died
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


def _half_then_die(n: int) -> int:
    """Call 3 writes half a result into its worker's result pipe and dies, as an OOM kill mid-send
    leaves it; the others take a while, so that the pool still has calls pending."""
    if n == 3:
        frame = sys._getframe()
        while frame.f_code.co_name != "_process_worker":  # concurrent.futures' worker loop
            assert frame.f_back is not None
            frame = frame.f_back
        os.write(frame.f_locals["result_queue"]._writer.fileno(), HALF)
        os._exit(137)
    time.sleep(0.2)
    return n


def _crashed(n: int) -> int:
    return -1


def scenario() -> None:
    """Run in a process of its own by the test below: without the watch it waits for ever."""
    work = runner(_half_then_die, _crashed, jobs=2)
    try:
        print(work.map([(n,) for n in range(8)]))
    finally:
        work.close()


def test_a_worker_dead_halfway_through_a_result_fails_only_its_call() -> None:
    code = "from tests.executor.test_unblock import scenario; scenario()"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[0, 1, 2, -1, 4, 5, 6, 7]"
