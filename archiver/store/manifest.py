"""BagIt-style fixity manifest: `<sha256>  <path>` for every original and XML file, append-only."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

MANIFEST = "manifest-sha256.txt"


def read(root: Path) -> dict[str, str]:
    """Path (relative to the archive) -> SHA-256; the last line for a path wins; torn lines ignored."""
    try:
        data = (root / MANIFEST).read_bytes()
    except FileNotFoundError:
        return {}
    out: dict[str, str] = {}
    for line in data.decode("utf-8", "replace").split("\n"):
        digest, sep, path = line.partition("  ")
        if sep and len(digest) == 64 and all(c in "0123456789abcdef" for c in digest) and path:
            out[path] = digest
    return out


def append(root: Path, rows: Iterable[tuple[str, str]], durable: bool = True) -> None:
    """Add (sha256, relative path) rows; a torn last line from a crash is ended first."""
    text = "".join(f"{digest}  {path}\n" for digest, path in rows)
    if not text:
        return
    fd = os.open(root / MANIFEST, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        if os.fstat(fd).st_size and not _ends_with_newline(root / MANIFEST):
            text = "\n" + text
        os.write(fd, text.encode("utf-8"))
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"
