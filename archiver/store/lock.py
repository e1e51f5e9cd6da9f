"""The archive's writer lock: one process at a time changes files and catalog (fcntl.flock)."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archiver.errors import ArchiveError

LOCK_NAME = ".lock"


def wait_seconds() -> float:
    """How long to wait for another process's lock: $ARCHIVER_LOCK_WAIT, else 30 seconds."""
    try:
        return max(0.0, float(os.environ.get("ARCHIVER_LOCK_WAIT", "30")))
    except ValueError:
        return 30.0


@contextmanager
def locked(root: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the archive's exclusive lock; wait up to `wait` seconds, then raise ArchiveError."""
    wait = wait_seconds() if wait is None else wait
    fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ArchiveError(
                        f"{root}: another archiver process has held the archive for over {wait:.0f} s; "
                        "try again when it is done"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
