"""Data unpacked once into the model cache folder: published whole, checked, and mapped read-only."""

from __future__ import annotations

import json
import mmap
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def kept(folder: Path, write: Callable[[Path], None], load: Callable[[Path], T]) -> T:
    """`load(folder)`, after `write(folder)` if it is missing; a damaged copy (a file cut short,
    ValueError or KeyError from `load`) is written again, once. OSError goes to the caller."""
    if not (folder / "meta.json").exists():
        write(folder)
    try:
        return load(folder)
    except (ValueError, KeyError):
        shutil.rmtree(folder, ignore_errors=True)
        write(folder)
        return load(folder)


def publish(folder: Path, files: dict[str, bytes], meta: dict[str, Any]) -> None:
    """Write `files` and a meta.json of `meta` and their sizes into `folder`, whole or not at all
    (a temporary folder, then a rename); another process's copy, published first, is as good."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        sizes = {name: len(data) for name, data in files.items()}
        (tmp / "meta.json").write_text(json.dumps({**meta, "sizes": sizes}))  # last: its presence means whole
        try:
            os.rename(tmp, folder)
        except OSError:
            if not (folder / "meta.json").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def opened(folder: Path) -> dict[str, Any]:
    """The folder's meta.json, once every file has the size it records (else ValueError)."""
    meta: dict[str, Any] = json.loads((folder / "meta.json").read_text())
    for name, size in meta["sizes"].items():
        if (folder / name).stat().st_size != size:
            raise ValueError(f"{folder / name}: {size} bytes expected")
    return meta


def map_file(path: Path) -> memoryview:
    """The file's bytes, mapped read-only (an empty file, which mmap cannot map, as no bytes)."""
    with path.open("rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return memoryview(b"")
        return memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
