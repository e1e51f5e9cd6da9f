"""Group stores: one transaction per batch, versions and repeats within a batch, the catalog seal."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from archiver import pipeline
from archiver.store import Archive, catalog
from archiver.store.archive import SEAL
from archiver.store.audit import verify
from tests.conftest import SEED, SOURCES


def test_a_batch_is_one_catalog_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = catalog.Catalog.add_many
    monkeypatch.setattr(
        catalog.Catalog, "add_many", lambda self, rows: (calls.append(len(rows)), real(self, rows))[1]
    )
    files = sorted(SOURCES.iterdir())
    with Archive(tmp_path / "arc", create=True) as archive:
        outcomes = pipeline.ingest(archive, files)
        assert {o.status for o in outcomes} == {"new"}
        assert verify(archive).findings == []
    assert calls == [len(files)]


def test_the_same_name_twice_in_a_batch_gets_two_versions(tmp_path: Path) -> None:
    one, two = tmp_path / "a" / SEED.name, tmp_path / "b" / SEED.name
    for path, extra in ((one, b""), (two, b"\n\nA later line.\n")):
        path.parent.mkdir()
        path.write_bytes(SEED.read_bytes() + extra)
    same = tmp_path / "c" / SEED.name
    same.parent.mkdir()
    same.write_bytes(one.read_bytes())
    with Archive(tmp_path / "arc", create=True) as archive:
        outcomes = pipeline.ingest(archive, [one, two, same])
        assert [o.status for o in outcomes] == ["new", "new-version", "unchanged"]
        assert outcomes[2].id == outcomes[0].id
        assert sorted(e.version for e in archive.entries(all_versions=True)) == [1, 2]
        assert verify(archive).findings == []


def _statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement the catalog module runs from now on."""
    seen: list[str] = []
    real = sqlite3.connect

    def connect(*args: Any, **kw: Any) -> sqlite3.Connection:
        db = real(*args, **kw)
        db.set_trace_callback(seen.append)
        return db

    monkeypatch.setattr(catalog.sqlite3, "connect", connect)
    return seen


def test_a_sealed_catalog_is_opened_without_the_page_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "arc"
    with Archive(root, create=True) as archive:
        pipeline.ingest(archive, sorted(SOURCES.iterdir()))
    assert (root / SEAL).read_text() == catalog.seal_of(root / "catalog.sqlite")
    seen = _statements(monkeypatch)
    Archive(root).close()
    assert seen and not any("quick_check" in s for s in seen)


def test_a_catalog_changed_behind_its_seal_is_checked_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "arc"
    with Archive(root, create=True) as archive:
        pipeline.ingest(archive, sorted(SOURCES.iterdir()))
    path = root / "catalog.sqlite"
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[-4096:] = bytes(4096)  # the last page zeroed, size kept, modification time put back
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    seen = _statements(monkeypatch)
    with Archive(root) as archive:
        assert any("quick_check" in s for s in seen)
        assert len(list(archive.entries())) == 9
        assert verify(archive).failed == []
