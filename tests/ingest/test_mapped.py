"""The model cache folder's files: published whole, checked for size, rewritten once when damaged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.ingest import mapped


def test_published_files_read_back_with_their_sizes_and_nothing_temporary(tmp_path: Path) -> None:
    folder = tmp_path / "models" / "list-1"
    mapped.publish(folder, {"a.bin": b"abc", "empty.bin": b""}, {"words": 1})
    meta = mapped.opened(folder)
    assert meta == {"words": 1, "sizes": {"a.bin": 3, "empty.bin": 0}}
    assert bytes(mapped.map_file(folder / "a.bin")) == b"abc"
    assert bytes(mapped.map_file(folder / "empty.bin")) == b""
    assert sorted(p.name for p in folder.parent.iterdir()) == ["list-1"]  # no temporary folder left


def test_a_file_cut_short_is_found(tmp_path: Path) -> None:
    folder = tmp_path / "list"
    mapped.publish(folder, {"a.bin": b"abcdef"}, {})
    (folder / "a.bin").write_bytes(b"abc")
    with pytest.raises(ValueError, match="6 bytes expected"):
        mapped.opened(folder)


def test_a_damaged_copy_is_written_again_once(tmp_path: Path) -> None:
    folder = tmp_path / "list"
    writes: list[Path] = []

    def write(f: Path) -> None:
        writes.append(f)
        mapped.publish(f, {"a.bin": b"abcdef"}, {})

    def load(f: Path) -> bytes:
        mapped.opened(f)
        return bytes(mapped.map_file(f / "a.bin"))

    assert mapped.kept(folder, write, load) == b"abcdef" and len(writes) == 1
    assert mapped.kept(folder, write, load) == b"abcdef" and len(writes) == 1  # kept: not written again
    (folder / "a.bin").write_bytes(b"ab")
    assert mapped.kept(folder, write, load) == b"abcdef" and len(writes) == 2
    meta = json.loads((folder / "meta.json").read_text())
    assert meta["sizes"] == {"a.bin": 6}


def test_another_process_copy_published_first_is_kept(tmp_path: Path) -> None:
    folder = tmp_path / "list"
    mapped.publish(folder, {"a.bin": b"first"}, {})
    mapped.publish(folder, {"a.bin": b"other"}, {})  # the rename fails: the first copy stays
    assert bytes(mapped.map_file(folder / "a.bin")) == b"first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list"]
