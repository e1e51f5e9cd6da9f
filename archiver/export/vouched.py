"""Checksums of archived XML files vouched for by their stat, as git's index does, so an export need
not read and hash every file to use what the render cache keeps under those checksums.

Trust model: an entry is (device, inode, size, mtime_ns, ctime_ns) -> the SHA-256 of the bytes
read when that stat was taken (the stat is taken on the open file, before reading). Any write to a
file, and any rename over it, changes its ctime or its inode, and ctime cannot be set by a user
(`os.utime` sets mtime and atime only, and itself changes ctime). A file whose ctime was less than
SETTLE_NS before the export looked at it is not recorded: a second write within the file system's
timestamp granule could leave the stat unchanged (git's "racily clean" entries). Copying or moving
the archive changes inodes and ctimes: every file is read once again. What it does not guard
against is someone with the right to change the system clock and the file system's raw blocks,
or a file server whose clock runs more than SETTLE_NS behind this machine's.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from typing import Any

from archiver.export.cache import RenderCache, key
from archiver.store.files import read_all

KIND = "stat-index"
SETTLE_NS = 2_000_000_000  # files changed more recently than this are read again next time


class StatIndex:
    """The checksums of one folder's files by archive id, vouched for by their stat; kept in the cache."""

    def __init__(self, cache: RenderCache, folder: str) -> None:
        self.cache = cache
        self.folder = folder
        self.name = key(KIND, folder)
        self.now = time.time_ns()
        self.entries: dict[str, list[Any]] = _entries(cache.recorded(KIND, self.name))
        self.changed = False
        self.seen: set[str] = set()  # ids asked for in this run

    def digest(self, id: str) -> str | None:
        """The file's SHA-256 if its stat is the one recorded with it, else None (read it)."""
        self.seen.add(id)
        entry = self.entries.get(id)
        if entry is None:
            return None
        try:
            st = os.stat(f"{self.folder}/{id}.xml")
        except OSError:
            return None
        if [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns] != entry[:5]:
            return None
        digest: str = entry[5]
        return digest

    def read(self, id: str) -> tuple[bytes, str]:
        """The file's bytes and their SHA-256, recorded with the stat taken before reading them.

        OSError when the file cannot be read.
        """
        fd = os.open(f"{self.folder}/{id}.xml", os.O_RDONLY | os.O_CLOEXEC)
        try:
            st = os.fstat(fd)
            data = read_all(fd, st.st_size)
        finally:
            os.close(fd)
        self.seen.add(id)
        digest = hashlib.sha256(data).hexdigest()
        stamp = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, digest]
        if st.st_ctime_ns < self.now - SETTLE_NS and self.entries.get(id) != stamp:
            self.entries[id] = stamp
            self.changed = True
        elif st.st_ctime_ns >= self.now - SETTLE_NS and id in self.entries:
            del self.entries[id]  # changed just now: read again next time
            self.changed = True
        return data, digest

    def save(self) -> None:
        """Keep the index for the next export, if this one learned anything; entries of files
        gone from the folder (older versions removed) are dropped then."""
        if self.changed:
            for id in [i for i in self.entries if i not in self.seen]:
                if not os.path.exists(f"{self.folder}/{id}.xml"):
                    del self.entries[id]
            data = json.dumps(self.entries, separators=(",", ":"), sort_keys=True)
            self.cache.put(KIND, self.name, data.encode("utf-8"))
            self.changed = False


def _entries(data: bytes | None) -> dict[str, list[Any]]:
    """The kept entries, or none when the index is absent or not of this form."""
    if not data:
        return {}
    try:
        found = json.loads(data)
    except ValueError:
        return {}
    if not isinstance(found, dict):
        return {}
    return {
        k: v
        for k, v in found.items()
        if isinstance(v, list) and len(v) == 6 and all(type(x) is int for x in v[:5]) and type(v[5]) is str
    }
