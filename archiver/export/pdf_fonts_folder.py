"""Where WeasyPrint keeps the @font-face files of a process's renders, and that it goes away.

WeasyPrint copies every @font-face file into a temporary folder of its font configuration and
removes it when the configuration is freed. Render workers end with `os._exit` and a killed
process ends with nothing, so those folders stayed behind: about 55 MB each (the CJK fonts),
two per PDF export, 62 GB on one machine over a few days. Here the folder is named after the
process, removed when the process ends (atexit, and multiprocessing's finalizers, which its
workers run before `os._exit`), and a folder whose process is gone is removed by the next one.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import time
from pathlib import Path

PREFIX = "archiver-fonts-"
STALE_AFTER = 3600.0  # seconds: a folder of a dead process younger than this is left (another namespace?)
_made: list[Path] = []  # this process's folders


def folder() -> Path:
    """A new folder for this process's fonts, removed when the process ends."""
    if not _made:
        sweep()
        atexit.register(release)
        from multiprocessing import util

        util.Finalize(None, release, exitpriority=10)  # workers run these before os._exit
    made = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    _made.append(made)
    return made


def release() -> None:
    """Remove this process's font folders (idempotent)."""
    while _made:
        shutil.rmtree(_made.pop(), ignore_errors=True)


def forget() -> None:
    """In a forked child: the folders are the parent's, never the child's to remove."""
    _made.clear()


def sweep(root: Path | None = None, now: float | None = None) -> int:
    """Remove the font folders of processes that are gone (killed ones leave theirs); how many."""
    root = root or Path(tempfile.gettempdir())
    now = time.time() if now is None else now
    removed = 0
    with contextlib.suppress(OSError):
        for entry in os.scandir(root):
            pid = _pid_of(entry.name)
            if pid is None or _alive(pid) or not entry.is_dir(follow_symlinks=False):
                continue
            with contextlib.suppress(OSError):
                if now - entry.stat(follow_symlinks=False).st_mtime > STALE_AFTER:
                    shutil.rmtree(entry.path, ignore_errors=True)
                    removed += 1
    return removed


def _pid_of(name: str) -> int | None:
    if not name.startswith(PREFIX):
        return None
    digits = name[len(PREFIX) :].split("-", 1)[0]
    return int(digits) if digits.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
