"""Ingest reports each stage's progress: files read, parsed and stored, each count reaching the total."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver import pipeline
from archiver.store import Archive
from tests.conftest import SOURCES


def _inbox(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    files = []
    for i, src in enumerate(sorted(SOURCES.iterdir())):
        path = folder / f"{i}-{src.name}"
        path.write_bytes(src.read_bytes())
        files.append(path)
    return [*files, folder / "missing.txt"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_stage_counts_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    monkeypatch.setattr(pipeline, "BATCH", 4)
    files = _inbox(tmp_path)
    calls: list[tuple[str, int, int]] = []
    outcomes: list[pipeline.Outcome] = []
    with Archive(tmp_path / "arc", create=True) as archive:
        pipeline.ingest(archive, files[:3], jobs=jobs)  # these three come back unchanged
        result = pipeline.ingest(
            archive, files, jobs=jobs, progress=outcomes.append, on_stage=lambda *c: calls.append(c)
        )
    assert result == outcomes
    assert sorted(o.status for o in outcomes).count("unchanged") == 3
    assert [o.status for o in outcomes].count("failed") == 1
    total = len(files)
    for stage in ("read", "parse", "store"):
        counts = [done for name, done, all_ in calls if name == stage and all_ == total]
        assert counts == sorted(counts) and counts[-1] == total, (stage, counts)
    for i, (name, done, _) in enumerate(calls):  # a file is read before it is parsed, parsed before stored
        before = {n: d for n, d, _ in calls[: i + 1]}
        assert done <= before.get({"store": "parse", "parse": "read"}.get(name, name), 0)
