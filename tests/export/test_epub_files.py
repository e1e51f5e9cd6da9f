"""Exported files are written with the process umask, like any file a program makes."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver import pipeline, recipes
from archiver.store import Archive, Selection
from tests.conftest import SEED


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    with Archive(tmp_path / "arc", create=True) as arc:
        pipeline.ingest(arc, [SEED])
        yield arc


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
@pytest.mark.parametrize("each", [False, True])
def test_export_modes_follow_the_umask(
    archive: Archive, tmp_path: Path, umask: int, mode: int, each: bool
) -> None:
    old = os.umask(umask)
    try:
        done = recipes.export(archive, recipes.export_job("epub", each=each), Selection(), tmp_path / "out")
    finally:
        os.umask(old)
    assert done.paths
    for path in done.paths:
        assert stat.S_IMODE(path.stat().st_mode) == mode, path
