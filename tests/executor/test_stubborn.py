"""A broken pool's workers are killed, not waited for: one that outlives SIGTERM must not hold the run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from archiver.executor import runner

ROOT = Path(__file__).resolve().parents[2]


def stubborn(n: int, marker: str) -> int:
    """Call 0 hangs once, deaf to SIGTERM (as a worker stuck in C code under a Python handler);
    call 1 kills its worker, which breaks the pool."""
    if n == 0 and not os.path.exists(marker):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        Path(marker).touch()
        time.sleep(120)
    if n == 1:
        for _ in range(600):  # until call 0 is deaf to SIGTERM (at most 30 s)
            if os.path.exists(marker):
                break
            time.sleep(0.05)
        os._exit(1)
    return n


def crashed(n: int, marker: str) -> int:
    return -1


def scenario(marker: str) -> None:
    """Run in a process of its own by the test: without the fix it waits out the sleep."""
    work = runner(stubborn, crashed, jobs=2)
    try:
        print(work.map([(0, marker), (1, marker)]))
    finally:
        work.close()


def test_a_worker_deaf_to_sigterm_does_not_hold_a_broken_pool(tmp_path: Path) -> None:
    marker = str(tmp_path / "hung-once")
    code = f"from tests.executor.test_stubborn import scenario; scenario({marker!r})"
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[0, -1]"  # call 0 retried alone, call 1 failed alone
    assert os.path.exists(marker)  # call 0 did hang the first time
    assert time.monotonic() - started < 60  # not the 120 s sleep
