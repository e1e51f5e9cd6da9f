"""The render cache reads its files with plain system calls: whole, whatever their size."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archiver.export.cache import RenderCache, read_file


@pytest.mark.parametrize("size", [0, 1, 4096, 3_000_001])
def test_a_file_is_read_whole(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    path = tmp_path / "f"
    path.write_bytes(data)
    assert read_file(str(path)) == data


def test_a_missing_file_is_an_os_error_and_a_cache_miss(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        read_file(str(tmp_path / "absent"))
    cache = RenderCache(tmp_path / "cache")
    assert cache.get("xhtml", "ab" * 32) is None
    cache.put("xhtml", "ab" * 32, b"page")
    assert cache.get("xhtml", "ab" * 32) == b"page" and cache.hits == 1
