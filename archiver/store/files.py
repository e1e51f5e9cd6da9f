"""Atomic file writes (temporary file, fsync, rename), umask-aware modes and safe stored names."""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import re
from collections.abc import Callable
from pathlib import Path

TEMP_SUFFIX = ".tmp"  # every temporary file archiver writes ends so; verify and repair look for them
_SERIAL = itertools.count()  # temporary names: process id and this counter
NAME_BYTES = 200  # a stored name's limit in UTF-8 bytes: NAME_MAX is 255 and temporaries add ~15


def read_all(fd: int, size: int) -> bytes:
    """Everything in an open file: one read when it still has the `size` fstat gave (plain system
    calls: thousands of small files are read a run, and a buffered file object costs more than the
    reads), else on to its end."""
    data = os.read(fd, size + 1)
    if len(data) == size:  # a regular file's read stops short only at its end
        return data
    parts = [data]
    while block := os.read(fd, 1 << 20):
        parts.append(block)
    return b"".join(parts)


def file_mode() -> int:
    """The mode a new file gets under the process umask (0644 under the usual 022)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Write `data` to `path` so that a crash leaves either the old file or the new one, never half.

    `durable` fsyncs the file before the rename; batch writers stage files and sync once instead.
    """
    tmp = stage(path, data, durable)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def stage(path: Path, data: bytes, durable: bool = False) -> Path:
    """Write `data` to a temporary file beside `path` (named as verify and repair expect); its path.

    Renaming it over `path` publishes it. Without `durable` nothing is fsynced: a batch writer
    stages every file, syncs once (`sync_fs`), then renames. Three system calls for a file in a
    folder that exists (the name is made from the process id, the mode by the umask).
    """
    folder = path.parent
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    while True:
        tmp = folder / f".{path.name[:NAME_BYTES]}.{os.getpid()}-{next(_SERIAL)}{TEMP_SUFFIX}"
        try:
            fd = os.open(tmp, flags, 0o666)  # the umask applies, as to any new file
            break
        except FileNotFoundError:
            folder.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # left by a killed process that had this process id
            continue
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if durable:
            os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return tmp


def sync_fs(folder: Path, files: list[Path] | None = None) -> None:
    """Make everything written under `folder` durable: one syncfs(2) of its file system.

    Where syncfs is not to be had, each of `files` is fsynced, then each of their folders.
    """
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        syncfs = _syncfs()
        if syncfs is not None and syncfs(fd) == 0:
            return
    finally:
        os.close(fd)
    for path in files or []:
        with contextlib.suppress(FileNotFoundError):  # renamed meanwhile: its folder is synced below
            _fsync_path(path)
    for parent in sorted({p.parent for p in files or []} | {folder}):
        sync_dir(parent)


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    """libc's syncfs (Linux), or None."""
    try:
        import ctypes

        func: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    return func


def sync_dir(path: Path) -> None:
    """fsync a folder, so that renames into it survive a power cut."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_SURROGATE = re.compile("[\udc80-\udcff]")  # bytes of a name that were not UTF-8 (surrogateescape)
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]}


def printable_name(name: str) -> str:
    """A file name as text XML can hold: undecodable bytes and control characters as \\xNN."""
    if not name.isascii() and _SURROGATE.search(name):
        name = os.fsencode(name).decode("utf-8", "backslashreplace")
    return name.translate(_CONTROLS)


def safe_name(name: str) -> str:
    """A file name that is safe inside the archive: no folders, no leading dots, no controls,
    at most NAME_BYTES bytes of UTF-8 (cut at a character boundary, the suffix kept)."""
    base = Path(printable_name(name)).name.lstrip(".")
    if base.isprintable() and not any(c in base for c in "/\\:"):  # the usual name: as it is
        cleaned = base or "original"
    else:
        cleaned = "".join(c if c.isprintable() and c not in "/\\:" else "_" for c in base) or "original"
    if len(cleaned.encode("utf-8")) <= NAME_BYTES:
        return cleaned
    stem, dot, suffix = cleaned.rpartition(".")
    keep = f"{dot}{suffix}" if dot and len(suffix.encode()) <= 16 else ""
    budget = NAME_BYTES - len(keep.encode())
    head = (stem if keep else cleaned).encode("utf-8")[:budget].decode("utf-8", "ignore")
    return head + keep
