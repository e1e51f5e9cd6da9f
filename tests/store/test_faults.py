"""Fault injection on the archive: damaged catalogs, kill -9, locks, full disks, edited XML."""

from __future__ import annotations

import fcntl
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archiver import pipeline
from archiver.repair import repair
from archiver.store import Archive
from archiver.store.audit import verify
from tests.conftest import SOURCES


def corpus(folder: Path, n: int) -> list[Path]:
    """`n` distinct articles made from the samples (a numbered closing line keeps them apart)."""
    folder.mkdir(parents=True, exist_ok=True)
    samples = sorted(SOURCES.iterdir())
    out = []
    for i in range(n):
        src = samples[i % len(samples)]
        path = folder / f"{i:04d}-{src.name}"
        path.write_bytes(src.read_bytes() + f"\n\nRef {i}.\n".encode())
        out.append(path)
    return out


def cli(*args: object, archive: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver", "--archive", str(archive), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """An archive of 40 articles, built once; tests copy it."""
    base = tmp_path_factory.mktemp("faults")
    files = corpus(base / "in", 40)
    root = base / "arc"
    with Archive(root, create=True) as archive:
        outcomes = pipeline.ingest(archive, files)
    assert all(o.status == "new" for o in outcomes)
    return root, len(files)


def copy_of(archived: tuple[Path, int], tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "arc"
    shutil.copytree(archived[0], target)
    return target


def listed(root: Path) -> int:
    with Archive(root) as archive:
        return len(list(archive.entries(all_versions=True)))


# ---------------------------------------------------------------- damaged catalogs


def _zero_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for page in range(2, len(data) // 4096, 2):
        data[page * 4096 : (page + 1) * 4096] = bytes(4096)
    path.write_bytes(bytes(data))


DAMAGE = {
    "empty": lambda p: p.write_bytes(b""),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "zeroed-pages": _zero_pages,
    "random-bytes": lambda p: p.write_bytes(random.Random(7).randbytes(p.stat().st_size)),
    "deleted": lambda p: p.unlink(),
}


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_catalog_is_rebuilt_whole(archived: tuple[Path, int], tmp_path: Path, kind: str) -> None:
    root = copy_of(archived, tmp_path)
    DAMAGE[kind](root / "catalog.sqlite")
    result = cli("list", "--json", archive=root)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == archived[1]
    assert "Traceback" not in result.stderr
    if kind != "deleted":
        assert "rebuilt it from 40 XML files" in result.stderr
    assert cli("verify", archive=root).returncode == 0  # mended for good


def test_a_partial_catalog_gets_its_missing_rows(archived: tuple[Path, int], tmp_path: Path) -> None:
    root = copy_of(archived, tmp_path)
    db = sqlite3.connect(root / "catalog.sqlite")
    with db:
        db.execute("DELETE FROM articles WHERE rowid % 3 = 0")
    db.close()
    result = cli("verify", "--json", archive=root)
    assert result.returncode == 0  # mended on opening, and it says so
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["catalog-mended"]
    assert listed(root) == archived[1]
    assert cli("verify", archive=root).returncode == 0


@pytest.mark.parametrize("where", ["last", "tail", "every-third"])
def test_rows_deleted_by_hand_are_mended(archived: tuple[Path, int], tmp_path: Path, where: str) -> None:
    root = copy_of(archived, tmp_path)
    clause = {
        "last": "rowid = (SELECT max(rowid) FROM articles)",
        "tail": "rowid > 24",
        "every-third": "rowid % 3 = 0",
    }
    db = sqlite3.connect(root / "catalog.sqlite")
    with db:
        db.execute(f"DELETE FROM articles WHERE {clause[where]}")
    db.close()
    result = cli("list", "--json", archive=root)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == archived[1]
    assert cli("verify", archive=root).returncode == 0
    db = sqlite3.connect(root / "catalog.sqlite")
    assert db.execute("SELECT count(*) FROM search").fetchone()[0] == archived[1]  # no stray index rows
    db.close()


def test_an_original_cut_off_mid_write_is_never_adopted(archived: tuple[Path, int], tmp_path: Path) -> None:
    root = copy_of(archived, tmp_path)
    folder = root / "originals" / ("ab" * 8)
    folder.mkdir()
    (folder / ".045-night-trains.md.muosjlon.tmp").write_bytes(b"half an artic")
    with Archive(root) as archive:
        assert sorted(f.code for f in verify(archive).findings) == ["orphan-original", "temp-file"]
        result = repair(archive)
    assert result.remaining == [] and not folder.exists()
    assert listed(root) == archived[1]


def test_one_unreadable_xml_does_not_stop_a_rebuild(archived: tuple[Path, int], tmp_path: Path) -> None:
    root = copy_of(archived, tmp_path)
    bad = sorted((root / "documents").glob("*.xml"))[5]
    bad.write_bytes(b"<article>broken")
    (root / "catalog.sqlite").unlink()
    with Archive(root) as archive:
        assert len(list(archive.entries(all_versions=True))) == archived[1] - 1
        assert any(bad.name in note for note in archive.notes)
        findings = {(f.code, f.subject) for f in verify(archive).findings}
        assert ("row-missing", bad.stem) in findings
        result = repair(archive)
        assert result.remaining == [], result.remaining
    assert listed(root) == archived[1]


def test_edited_xml_is_found_and_rederived(archived: tuple[Path, int], tmp_path: Path) -> None:
    root = copy_of(archived, tmp_path)
    xml = sorted((root / "documents").glob("*.xml"))[3]
    before = xml.read_bytes()
    xml.write_bytes(
        before.replace(b"<title ", b"<title data-x='1' ", 1).replace(b"</title>", b"!</title>", 1)
    )
    with Archive(root) as archive:
        (finding,) = verify(archive).findings
        assert (finding.code, finding.subject) == ("xml-edited", xml.stem)
        result = repair(archive)
    assert result.remaining == []
    assert xml.read_bytes() == before  # the same rules and ingest time give the same bytes
    assert (root / "set-aside" / f"{xml.stem}.1.xml").exists()  # the edited one is kept


def test_verify_finds_every_kind_of_leftover(archived: tuple[Path, int], tmp_path: Path) -> None:
    root = copy_of(archived, tmp_path)
    docs = sorted((root / "documents").glob("*.xml"))
    docs[0].unlink()  # a row without XML
    orphan = root / "originals" / ("f" * 16)
    orphan.mkdir()
    (orphan / "x.txt").write_bytes(b"not the bytes its folder names")
    (root / "documents" / ".x.xml.abcd.tmp").write_bytes(b"half")
    with Archive(root) as archive:
        codes = sorted(f.code for f in verify(archive).findings)
        assert codes == ["orphan-original", "temp-file", "xml-missing"]
        result = repair(archive)
    assert [f.code for f in result.remaining] == ["orphan-original"]  # not ours: left for a person
    assert docs[0].exists() and not (root / "documents" / ".x.xml.abcd.tmp").exists()


# ---------------------------------------------------------------- kill -9


def _kill_at_random(cmd: list[str], delay: float) -> None:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.mark.parametrize("seed", range(3))
def test_kill_during_ingest_then_repair_restores_a_complete_archive(tmp_path: Path, seed: int) -> None:
    files = corpus(tmp_path / "in", 60)
    root = tmp_path / "arc"
    delay = random.Random(seed).uniform(0.8, 4.0)
    cmd = [
        sys.executable,
        "-m",
        "archiver",
        "--archive",
        str(root),
        "ingest",
        "--jobs",
        "1",
        str(tmp_path / "in"),
    ]
    _kill_at_random(cmd, delay)
    if root.exists():
        mended = cli("repair", "--json", archive=root)
        assert mended.returncode == 0, mended.stderr
        assert cli("verify", archive=root).returncode == 0
    again = cli("ingest", tmp_path / "in", archive=root)
    assert again.returncode == 0, again.stderr
    with Archive(root) as archive:
        assert sorted(e.name for e in archive.entries()) == sorted(p.name for p in files)
        assert archive.document_ids() == {e.id for e in archive.entries(all_versions=True)}
        assert verify(archive).findings == []


@pytest.mark.parametrize("seed", range(2))
def test_kill_during_a_catalog_rebuild_leaves_no_partial_catalog(
    archived: tuple[Path, int], tmp_path: Path, seed: int
) -> None:
    root = copy_of(archived, tmp_path)
    (root / "catalog.sqlite").write_bytes(b"")  # damaged: the next command rebuilds it
    delay = random.Random(seed).uniform(0.3, 1.2)
    _kill_at_random([sys.executable, "-m", "archiver", "--archive", str(root), "list"], delay)
    assert listed(root) == archived[1]  # whole, whether the rebuild finished or not
    assert cli("repair", archive=root).returncode == 0  # its temporary file, if any, removed
    assert cli("verify", archive=root).returncode == 0


# ---------------------------------------------------------------- locks and full disks


def test_a_held_archive_lock_is_a_clear_message(archived: tuple[Path, int], tmp_path: Path) -> None:
    root = copy_of(archived, tmp_path)
    new = corpus(tmp_path / "new", 42)[40:]
    with (root / ".lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        result = cli("ingest", *new, archive=root, env={"ARCHIVER_LOCK_WAIT": "1"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.count("another archiver process") == 2
    assert "2 failed" in result.stderr
    assert listed(root) == archived[1]


def test_a_locked_catalog_is_a_clear_message(archived: tuple[Path, int], tmp_path: Path) -> None:
    root = copy_of(archived, tmp_path)
    new = corpus(tmp_path / "new", 43)[40:]
    holder = sqlite3.connect(root / "catalog.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = cli("ingest", *new, archive=root, env={"ARCHIVER_LOCK_WAIT": "1"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode in (1, 3) and "Traceback" not in result.stderr
    assert "locked" in result.stderr
    assert cli("verify", archive=root).returncode == 0  # nothing half-stored
    assert listed(root) == archived[1]


def test_disk_full_on_the_catalog_keeps_nothing_half(
    archived: tuple[Path, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archiver.store import catalog

    root = copy_of(archived, tmp_path)
    new = corpus(tmp_path / "new", 41)[40:]

    def full(self: object, rows: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(catalog.Catalog, "add_many", lambda self, rows: self._call(lambda: full(self, rows)))
    with Archive(root) as archive:
        (outcome,) = pipeline.ingest(archive, new)
    assert outcome.failure is not None and outcome.failure.code == "archive"
    assert "disk is full" in outcome.failure.message
    monkeypatch.undo()
    with Archive(root) as archive:
        assert verify(archive).findings == []
        assert len(archive.document_ids()) == archived[1]


def test_a_really_full_disk_fails_files_cleanly(tmp_path: Path) -> None:
    """A 3 MB tmpfs filled by a real ingest: files fail one by one, what was stored is whole."""
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], check=True)
    try:
        files = corpus(tmp_path / "in", 120)
        for path in files:
            path.write_bytes(path.read_bytes() * 12)  # ~16 kB each: the disk fills half-way
        result = cli("ingest", tmp_path / "in", archive=mount / "arc")
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert "disk is full" in result.stderr or "No space left" in result.stderr
        checked = cli("verify", "--json", archive=mount / "arc")
        assert checked.returncode == 0, checked.stdout
        stored = json.loads(checked.stdout)["checked"]
        assert 0 < stored < len(files)
        assert f"{stored} new" in result.stderr
    finally:
        subprocess.run(["umount", str(mount)], check=True)
