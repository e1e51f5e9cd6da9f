"""A real `archiver ingest` killed with SIGKILL at random moments leaves an archive that is whole.

Batches are made small (16 files) so that a short run crosses many group commits, and the kill
lands in staging, syncing, renaming, the manifest or the catalog transaction in turn.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archiver.store import Archive
from archiver.store.audit import temp_files, verify
from archiver.store.files import TEMP_SUFFIX
from tests.store.test_faults import cli, corpus

# Runs the real command line with small batches (the only change from `python -m archiver`).
_INGEST = (
    "import sys; from archiver import pipeline; pipeline.BATCH = int(sys.argv.pop(1)); "
    "from archiver.cli import main; main()"
)
FIXABLE_AFTER_A_KILL = {"temp-file", "orphan-original", "xml-unrecorded", "catalog-mended"}


def _killed_ingest(inbox: Path, root: Path, delay: float, jobs: int, batch: int = 16) -> int:
    """Start an ingest, SIGKILL it after `delay` seconds; its exit status (negative: killed)."""
    cmd = [
        sys.executable,
        "-c",
        _INGEST,
        str(batch),
        "--archive",
        str(root),
        "ingest",
        "--jobs",
        str(jobs),
        str(inbox),
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    return proc.wait()


def _check_after_kill(root: Path) -> None:
    """What must hold before any repair: rows have files, XML has rows, nothing is half-written."""
    if not (root / "catalog.sqlite").exists() and not (root / "documents").exists():
        return  # killed before the archive had anything
    with Archive(root) as archive:  # opening gives every XML its row
        rows = {e.id: e for e in archive.entries(all_versions=True)}
        for id, entry in rows.items():
            assert archive.xml_path(id).is_file(), f"row {id} without its XML"
            assert archive.original_path(entry).is_file(), f"row {id} without its original"
        assert archive.document_ids() == set(rows), "XML without a row after reopening"
        findings = verify(archive).findings
        codes = {f.code for f in findings}
        assert codes <= FIXABLE_AFTER_A_KILL, [str(f) for f in findings]
        reported = {f.subject for f in findings if f.code == "temp-file"}
        temps = {archive.relative(p) for p in temp_files(archive)}
        assert temps == reported
        named_as_temp = {archive.relative(p) for p in root.rglob(f"*{TEMP_SUFFIX}") if p.is_file()}
        assert named_as_temp == temps, "a temporary file verify does not mention"


def _kill_and_recover(
    tmp_path: Path, seed: int, files: int, jobs: int, kills: int, most: float = 2.5
) -> None:
    rng = random.Random(seed)
    inbox = tmp_path / "in"
    sources = corpus(inbox, files)
    root = tmp_path / "arc"
    for _ in range(kills):  # each kill lands on what the one before left behind
        _killed_ingest(inbox, root, rng.uniform(0.3, most), jobs)
        _check_after_kill(root)
    if root.exists():
        mended = cli("repair", "--json", archive=root)
        assert mended.returncode == 0, mended.stdout + mended.stderr
        checked = cli("verify", "--json", archive=root)
        assert checked.returncode == 0, checked.stdout
    again = cli("ingest", "--json", inbox, archive=root)
    assert again.returncode == 0, again.stderr
    assert {o["status"] for o in json.loads(again.stdout)} <= {"new", "unchanged"}
    with Archive(root) as archive:
        assert sorted(e.name for e in archive.entries()) == sorted(p.name for p in sources)
        assert archive.document_ids() == {e.id for e in archive.entries(all_versions=True)}
        assert verify(archive).findings == []


@pytest.mark.parametrize("seed", range(2))
def test_a_killed_ingest_leaves_a_whole_archive(tmp_path: Path, seed: int) -> None:
    _kill_and_recover(tmp_path, seed, files=120, jobs=1, kills=1, most=1.8)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2, 10))
def test_many_kills_with_parallel_workers(tmp_path: Path, seed: int) -> None:
    _kill_and_recover(tmp_path, seed, files=400, jobs=0, kills=4)


def test_the_small_batch_runner_is_the_real_command(tmp_path: Path) -> None:
    """The wrapper above only changes the batch size: left alone, it ingests everything."""
    inbox = tmp_path / "in"
    corpus(inbox, 20)
    cmd = [sys.executable, "-c", _INGEST, "4", "--archive", str(tmp_path / "arc"), "ingest", str(inbox)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env={**os.environ})
    assert done.returncode == 0, done.stderr
    assert "20 new" in done.stderr
