"""The stat index: an unchanged archived XML is not read again; a changed one always is."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from archiver import pipeline, recipes
from archiver.export import vouched
from archiver.export.cache import FOLDER, RenderCache
from archiver.export.vouched import StatIndex
from archiver.store import Archive, Selection
from tests.conftest import SOURCES


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    arc = Archive(tmp_path / "arc", create=True)
    pipeline.ingest(arc, sorted(SOURCES.iterdir())[:4])
    return arc


def _export(archive: Archive, out: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[bytes, int]:
    """The EPUB edition's bytes, and how many archived XML files were read to make it."""
    reads: list[int] = []
    read = StatIndex.read

    def counted(self: StatIndex, id: str) -> tuple[bytes, str]:
        reads.append(1)
        return read(self, id)

    monkeypatch.setattr(StatIndex, "read", counted)
    recipes.export(archive, recipes.export_job("epub"), Selection(), out)
    return out.read_bytes(), len(reads)


def test_settled_files_are_vouched_for_by_their_stat(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = len(list(archive.entries()))
    cold, reads = _export(archive, tmp_path / "cold.epub", monkeypatch)
    assert reads == n  # just written: too recent to vouch for (SETTLE_NS), every file read
    warm, reads = _export(archive, tmp_path / "warm.epub", monkeypatch)
    assert (warm, reads) == (cold, n)
    monkeypatch.setattr(vouched, "SETTLE_NS", 0)  # as if the files had been written long ago
    _export(archive, tmp_path / "warm2.epub", monkeypatch)
    warm, reads = _export(archive, tmp_path / "warm3.epub", monkeypatch)
    assert (warm, reads) == (cold, 0)


def test_an_edit_behind_the_archives_back_is_seen(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vouched, "SETTLE_NS", 0)
    cold, _ = _export(archive, tmp_path / "cold.epub", monkeypatch)
    _, reads = _export(archive, tmp_path / "warm.epub", monkeypatch)
    assert reads == 0
    entry = next(iter(archive.entries()))
    path = archive.xml_path(entry.id)
    before = path.stat()
    data = path.read_bytes()
    at = data.index(b"</title>") - 1
    while not data[at : at + 1].isalpha():  # an ASCII letter of the title, swapped for another
        at -= 1
    edited = data[:at] + (b"Q" if data[at : at + 1] != b"Q" else b"Z") + data[at + 1 :]
    assert len(edited) == len(data) and edited != data  # same size, other bytes
    time.sleep(0.05)  # past the file system's timestamp granule
    with open(path, "r+b") as file:  # in place: same inode
        file.write(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime put back
    after = path.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )
    changed, reads = _export(archive, tmp_path / "changed.epub", monkeypatch)
    assert reads == 1 and changed != cold
    plain = tmp_path / "plain.epub"
    recipes.export(archive, recipes.export_job("epub", cache=False), Selection(), plain)
    assert changed == plain.read_bytes()


def test_a_file_changed_just_now_is_read_again(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.xml").write_bytes(b"<a/>")
    cache = RenderCache(tmp_path / FOLDER)
    index = StatIndex(cache, str(folder))
    data, digest = index.read("a")
    assert digest == hashlib.sha256(data).hexdigest()
    assert index.digest("a") is None and not index.changed  # written within SETTLE_NS: not recorded
    index.now += vouched.SETTLE_NS + 1
    index.read("a")
    index.save()
    again = StatIndex(cache, str(folder))
    assert again.digest("a") == digest
    (folder / "a.xml").write_bytes(b"<b/>")
    assert again.digest("a") is None
    (folder / "b.xml").write_bytes(b"<b/>")
    (folder / "a.xml").unlink()
    later = StatIndex(cache, str(folder))
    later.now += vouched.SETTLE_NS + 1
    later.read("b")
    later.save()
    assert set(StatIndex(cache, str(folder)).entries) == {"b"}  # a's entry went with its file


def test_a_damaged_index_is_not_trusted(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path / FOLDER)
    name = StatIndex(cache, "docs").name
    for data in (b"[1, 2]", b'{"a": [1, 2, 3]}', b"{not json", b'{"a": [1, 2, 3, 4, 5, 6]}'):
        cache.put(vouched.KIND, name, data)
        assert StatIndex(cache, "docs").entries == {}
