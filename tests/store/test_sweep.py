"""The next ingest removes what an interrupted one left: temporaries, and folders they alone held."""

from __future__ import annotations

from pathlib import Path

from archiver import pipeline
from archiver.store import Archive
from tests.conftest import SEED, SOURCES


def test_the_first_store_sweeps_leftover_temporaries(tmp_path: Path) -> None:
    with Archive(tmp_path / "arc", create=True) as archive:
        pipeline.ingest(archive, [SEED])
    root = tmp_path / "arc"
    cut = root / "originals" / "0123456789abcdef"
    cut.mkdir()
    leftovers = [
        root / "documents" / ".x.xml.1.tmp",
        cut / ".a.txt.2.tmp",
        root / ".catalog.sqlite.rebuild-9.tmp",
    ]
    for path in leftovers:
        path.write_bytes(b"half")
    cache_temp = root / "cache" / "xhtml" / ".y.tmp"  # exports write here without the lock: not swept
    cache_temp.parent.mkdir(parents=True)
    cache_temp.write_bytes(b"in use")
    with Archive(root) as archive:
        outcomes = pipeline.ingest(archive, sorted(SOURCES.iterdir()))
        assert archive.notes == ["removed 3 temporary files left by an interrupted write"]
    assert all(o.status in ("new", "unchanged") for o in outcomes)
    assert not any(p.exists() for p in leftovers) and not cut.exists()
    assert cache_temp.exists()
