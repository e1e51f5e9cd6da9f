"""The archive store: byte-identical re-ingest, versions, atomic writes, fixity."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from archiver import pipeline
from archiver.errors import ArchiveError
from archiver.store import Archive
from archiver.store.audit import verify
from tests.conftest import SEED, SOURCES


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() and p.suffix != ".sqlite"
    }


def test_reingest_of_identical_bytes_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "arc"
    with Archive(root, create=True) as archive:
        first = pipeline.ingest(archive, sorted(SOURCES.iterdir()))
    assert {o.status for o in first} == {"new"}
    before = _snapshot(root)
    with Archive(root) as archive:
        again = pipeline.ingest(archive, sorted(SOURCES.iterdir()))
    assert {o.status for o in again} == {"unchanged"}
    assert _snapshot(root) == before  # same bytes, not even rewritten


def test_original_is_kept_byte_for_byte(tmp_path: Path) -> None:
    with Archive(tmp_path / "arc", create=True) as archive:
        (outcome,) = pipeline.ingest(archive, [SOURCES / "LC_1987-01-17_p3_elfsteden.txt"])
        entry = archive.find(outcome.id or "")
        kept = archive.original_path(entry).read_bytes()
    assert kept == (SOURCES / "LC_1987-01-17_p3_elfsteden.txt").read_bytes()
    assert b"\r\n" in kept


def test_changed_bytes_under_the_same_name_become_a_new_version(tmp_path: Path) -> None:
    src = tmp_path / "in" / SEED.name
    src.parent.mkdir()
    shutil.copy(SEED, src)
    with Archive(tmp_path / "arc", create=True) as archive:
        (v1,) = pipeline.ingest(archive, [src])
        src.write_bytes(SEED.read_bytes().replace(b"donderdag", b"woensdag"))
        (v2,) = pipeline.ingest(archive, [src])
        assert (v1.status, v2.status) == ("new", "new-version")
        assert v1.id != v2.id
        latest = list(archive.entries())
        every = list(archive.entries(all_versions=True))
        assert [e.version for e in latest] == [2]
        assert sorted(e.version for e in every) == [1, 2]
        assert archive.xml_path(v1.id or "").exists()  # the old version stays


def test_a_failed_write_leaves_no_half_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "arc"

    def crash(*args: object) -> None:
        raise OSError(28, "No space left on device")

    with Archive(root, create=True) as archive:
        monkeypatch.setattr(os, "replace", crash)
        (outcome,) = pipeline.ingest(archive, [SEED])
        monkeypatch.undo()
        assert outcome.status == "failed" and outcome.failure is not None
        assert outcome.failure.code == "archive" and "No space left" in outcome.failure.message
        assert list(archive.entries()) == []
    bookkeeping = {"catalog.sqlite", ".lock", "manifest-sha256.txt", "catalog.sqlite.seal"}
    assert [p for p in root.rglob("*") if p.is_file() and p.name not in bookkeeping] == []
    assert not (root / "originals").exists() or not any((root / "originals").iterdir())


def test_verify_finds_a_changed_original(tmp_path: Path) -> None:
    with Archive(tmp_path / "arc", create=True) as archive:
        (outcome,) = pipeline.ingest(archive, [SEED])
        assert verify(archive).findings == []
        original = archive.original_path(archive.find(outcome.id or ""))
        original.write_bytes(original.read_bytes() + b" ")
        (finding,) = verify(archive).findings
    assert (finding.code, finding.subject) == ("original-changed", outcome.id)


def test_catalog_can_be_rebuilt_from_xml(tmp_path: Path) -> None:
    root = tmp_path / "arc"
    with Archive(root, create=True) as archive:
        pipeline.ingest(archive, sorted(SOURCES.iterdir()))
        before = [e.as_dict() for e in archive.entries()]
    (root / "catalog.sqlite").unlink()
    with Archive(root) as archive:  # a lost catalog is rebuilt on opening
        assert [e.as_dict() for e in archive.entries()] == before
        assert archive.rebuild_catalog() == len(before)
        assert [e.as_dict() for e in archive.entries()] == before
        assert archive.catalog.search("Poetin")


def test_missing_archive_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="no archive here"):
        Archive(tmp_path / "nothing")


def test_parallel_ingest_gives_the_same_archive(tmp_path: Path) -> None:
    files = sorted(SOURCES.iterdir())
    with Archive(tmp_path / "one", create=True) as one:
        serial = pipeline.ingest(one, files)
    with Archive(tmp_path / "two", create=True) as two:
        parallel = pipeline.ingest(two, files, jobs=2)
    assert [(o.path, o.status, o.id) for o in serial] == [(o.path, o.status, o.id) for o in parallel]
    for o in serial:
        xml = f"documents/{o.id}.xml"
        assert (tmp_path / "one" / xml).read_bytes() == (tmp_path / "two" / xml).read_bytes()


def test_a_catalog_of_an_older_layout_is_rebuilt(tmp_path: Path) -> None:
    import sqlite3

    root = tmp_path / "arc"
    with Archive(root, create=True) as archive:
        pipeline.ingest(archive, sorted(SOURCES.iterdir()))
        before = [e.as_dict() for e in archive.entries()]
    db = sqlite3.connect(root / "catalog.sqlite")
    db.execute("PRAGMA user_version = 1")
    db.close()
    with Archive(root) as archive:
        rebuilt = "catalog.sqlite was unusable (an older layout); rebuilt it from 9 XML files (all versions)"
        assert archive.notes == [rebuilt]
        assert [e.as_dict() for e in archive.entries()] == before
        assert archive.catalog.search("Poetin")


def test_the_catalog_counts_what_a_search_finds(tmp_path: Path) -> None:
    from archiver.store.catalog import QueryError

    with Archive(tmp_path / "arc", create=True) as archive:
        pipeline.ingest(archive, sorted(SOURCES.iterdir()))
        catalog = archive.catalog
        for query in ("de", "Poetin", "Noord-Korea", "trein*", "nothingofthekind"):
            assert catalog.matches(query) == len(catalog.search(query, 1000)), query
        assert catalog.matches("de") > catalog.matches("Poetin") > 0
        with pytest.raises(QueryError, match="not a query FTS5 understands"):
            catalog.matches('"unclosed')
