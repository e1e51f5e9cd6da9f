"""Reading raw files: whole files whatever fstat said, and links, folders and FIFOs told apart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archiver import pipeline
from archiver.store.files import read_all


@pytest.mark.parametrize("claimed", [0, 10, 2**20 - 1, 2**20, 3 * 2**20])
def test_read_all_reads_to_the_end_whatever_size_was_claimed(tmp_path: Path, claimed: int) -> None:
    data = os.urandom(2**20 + 7)  # a file that grew or shrank since its fstat
    path = tmp_path / "f"
    path.write_bytes(data)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert read_all(fd, claimed) == data
    finally:
        os.close(fd)


def test_read_gives_bytes_or_the_reason(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"Title: A\n\nText.\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "link.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nothing.txt")
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "fifo")
    assert pipeline._read(tmp_path / "a.txt", False) == b"Title: A\n\nText.\n"
    assert pipeline._read(tmp_path / "empty.txt", False) == b""
    assert pipeline._read(tmp_path / "link.txt", True) == b"Title: A\n\nText.\n"
    told = {
        name: pipeline._read(tmp_path / name, False)
        for name in ("link.txt", "dangling.txt", "folder", "fifo")
    }
    told["missing"] = pipeline._read(tmp_path / "missing", False)
    told["followed to nothing"] = pipeline._read(tmp_path / "dangling.txt", True)
    reasons = {}
    for name, out in told.items():
        assert isinstance(out, pipeline.Outcome) and out.status == "failed" and out.failure is not None
        reasons[name] = (out.failure.code, out.failure.message)
    assert reasons["link.txt"][0] == "skipped" and "--follow-symlinks" in reasons["link.txt"][1]
    assert reasons["dangling.txt"] == reasons["link.txt"]  # not followed: what it points to is not asked
    assert reasons["followed to nothing"] == ("skipped", "a symbolic link to nothing")
    assert reasons["folder"] == ("unreadable", "a folder")
    assert reasons["fifo"][0] == "skipped" and "not a regular file" in reasons["fifo"][1]
    assert reasons["missing"] == ("unreadable", "missing")
