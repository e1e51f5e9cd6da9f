"""Batches: every file once and in order; near the end they shrink, so the last store is small."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from archiver import pipeline


@pytest.mark.parametrize("count", [1, 15, 16, 17, 100, 1000, 1500])
def test_batches_keep_every_file_and_shrink_near_the_end(tmp_path: Path, count: int) -> None:
    files = []
    for i in range(count):
        path = tmp_path / f"{i:05d}.txt"
        path.write_bytes(b"x")
        files.append(path)
    sizes = []
    seen: list[Path] = []
    for batch in pipeline._batches(files, follow=False):
        sizes.append(len(batch))
        seen += [path for path, read in batch if read == b"x"]
    assert seen == files
    assert max(sizes) <= pipeline.BATCH
    assert sizes[-1] <= max(pipeline.MIN_BATCH, count // pipeline.TAIL)
    for before, after in pairwise(sizes[:-1]):  # the last one holds what is left
        assert after >= min(before, pipeline.MIN_BATCH) and after >= before * 3 // 4 - 1
    if count >= pipeline.BATCH * pipeline.TAIL:
        assert sizes[0] == pipeline.BATCH and sizes[-1] <= pipeline.MIN_BATCH
