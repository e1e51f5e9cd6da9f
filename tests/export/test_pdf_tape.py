"""Parts written from their tapes (pdf_tape): the same bytes as an edition assembled without a cache.

A tape keeps how the assembly wrote a part; a later assembly replays it, numbers and all
reserved anew, when the part and its place are the same. After one article changes, the parts
after it replay under other object numbers (the changed part has objects of its own), and the
edition must still be the bytes of a cold export.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from archiver.document.model import Document
from archiver.export import pdf, pdf_merge, pdf_tape
from archiver.export.cache import Context, RenderCache, key
from archiver.export.edition import gather
from archiver.export.frame import frame
from archiver.export.pdf_writer import Copier, Writer
from archiver.ingest import ingest_bytes
from tests.conftest import SOURCES

LATER = "2024-03-05T06:07:08Z"


def _render(docs: list[Document], cache: RenderCache | None) -> bytes:
    return pdf.render(frame(gather(docs, "month"), Context(cache, 1)), chunk=1)


def _corrected(doc: Document) -> Document:
    raw = (SOURCES / doc.provenance.file_name).read_bytes()
    return ingest_bytes(
        raw + b"\n\nCorrection: one sentence more.\n", doc.provenance.file_name, LATER
    ).document


class _Seen:
    """The tapes kept and replayed during a render, and the first number each replay reserved."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.kept: list[bytes] = []
        self.replayed: list[tuple[bytes, int]] = []
        tape, replay = pdf_tape.Recorder.tape, pdf_tape.replay

        def kept(recorder: pdf_tape.Recorder, records: dict[str, Any]) -> bytes:
            data = tape(recorder, records)
            self.kept.append(data)
            return data

        def replayed(data: bytes, *args: Any) -> Any:
            numbers, names, records = replay(data, *args)
            self.replayed.append((data, numbers[0]))
            return numbers, names, records

        monkeypatch.setattr(pdf_tape.Recorder, "tape", kept)
        monkeypatch.setattr(pdf_merge, "replay", replayed)

    def clear(self) -> None:
        self.kept.clear()
        self.replayed.clear()


def test_tapes_replay_to_the_bytes_of_a_cold_edition(
    docs: list[Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _Seen(monkeypatch)
    some = [d for d in docs if d.meta.language.text == "en"][:4]
    cache = RenderCache(tmp_path / "cache")
    first = _render(some, cache)
    parts = len(seen.kept)
    assert parts >= 6 and not seen.replayed  # contents, four body chunks, colophon: all kept
    seen.clear()
    assert _render(some, cache) == first  # warm: every part from its tape
    assert len(seen.replayed) == parts and not seen.kept
    at_first = dict(seen.replayed)
    seen.clear()
    changed = [_corrected(d) if i == 1 else d for i, d in enumerate(some)]
    after = _render(changed, cache)
    assert 1 <= len(seen.kept) < parts  # the changed article's chunks (and the contents that link it)
    assert len(seen.replayed) + len(seen.kept) == parts
    moved = [data for data, number in seen.replayed if at_first.get(data, number) != number]
    assert moved  # parts after the change replayed under other numbers than before
    assert after == _render(changed, None)
    with pikepdf.open(io.BytesIO(after)) as p:  # a whole file: every object read, the tree intact
        assert len(p.pages) > parts and "/ParentTree" in p.Root.StructTreeRoot
        for obj in p.objects:
            if isinstance(obj, pikepdf.Stream):
                obj.read_bytes()


def _damage_one_tape(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tape, *_) = sorted((cache / pdf_merge.TAPE).rglob("*"), key=lambda p: (p.is_dir(), p))
    tape.write_bytes(tape.read_bytes()[:-10])  # cut short: its checksum no longer holds


def _edit_the_assembly(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_merge, "assembly_digest", lambda: "the assembly code, edited")


@pytest.mark.parametrize(
    ("spoil", "everything"),
    [(_damage_one_tape, False), (_edit_the_assembly, True)],
    ids=["a damaged tape", "tapes of other assembly code"],
)
def test_a_tape_not_to_be_trusted_is_written_again(
    docs: list[Document],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    spoil: Callable[[Path, pytest.MonkeyPatch], None],
    everything: bool,
) -> None:
    seen = _Seen(monkeypatch)
    cache = RenderCache(tmp_path / "cache")
    first = _render(docs[:2], cache)
    parts = len(seen.kept)
    spoil(tmp_path / "cache", monkeypatch)
    seen.clear()
    assert _render(docs[:2], cache) == first
    if everything:  # every part written afresh from its file, and kept anew
        assert len(seen.kept) == parts and not seen.replayed
    else:  # that part written from its file, and kept again; the others replayed
        assert len(seen.kept) == 1 and len(seen.replayed) == parts - 1


def test_a_replay_at_other_numbers_writes_what_the_copier_writes(tmp_path: Path) -> None:
    src = pikepdf.new()
    src.add_blank_page()
    src.Root.Extra = src.make_indirect(
        pikepdf.Dictionary(Name=pikepdf.String("(1 0 R) %d"), Page=src.pages[0].obj)
    )
    kept = io.BytesIO()
    recorder = pdf_tape.Recorder(Writer(kept, "1.7"), {})
    copier = Copier(recorder, src)
    copier.ref(src.Root)
    copier.flush()
    data = recorder.tape({})
    assert recorder.ok

    def fresh(ahead: int) -> Writer:  # a writer with other objects before the part's
        writer = Writer(io.BytesIO(), "1.7")
        for _ in range(ahead):
            writer.put(writer.reserve(), b"<< /Ahead true >>")
        return writer

    direct, replayed = fresh(57), fresh(57)
    copier = Copier(direct, src)
    copier.ref(src.Root)
    copier.flush()
    numbers, _, _ = pdf_tape.replay(data, replayed, {}, lambda code: 0)
    assert numbers[0] == 58 and replayed.packed == direct.packed and replayed.last == direct.last
    assert (replayed.kinds, replayed.seconds, replayed.thirds) == (
        direct.kinds,
        direct.seconds,
        direct.thirds,
    )
    assert any(rb"(\(1 0 R\) %d)" in body for _, body in replayed.packed)  # strings and % kept as they were


def test_the_cross_reference_rows_written_by_columns_are_the_rows_one_by_one() -> None:
    from array import array

    from archiver.export.pdf_writer import _table

    kinds = bytearray([0, 1, 2, 1, 2])
    seconds = array("q", [0, 15, 7, 2**33 + 5, 7])
    thirds = array("H", [65535, 0, 3, 0, 99])
    for wide in (5, 6):
        rows = b"".join(
            bytes([k]) + s.to_bytes(wide, "big") + t.to_bytes(2, "big")
            for k, s, t in zip(kinds, seconds, thirds, strict=True)
        )
        assert _table(kinds, seconds, thirds, wide) == rows


def test_the_assembly_digest_covers_the_modules_that_write_a_part() -> None:
    import archiver.export as package

    folder = Path(package.__file__).parent
    named = {p.name for p in folder.glob("pdf*.py")} | set(pdf_merge.ASSEMBLY_MODULES)
    assert {"pdf_merge.py", "pdf_writer.py", "pdf_tape.py", "pdf_folio.py", "pdf_structure.py"} <= named
    assert all((folder / name).is_file() for name in named)
    sums = [f"{name}:{hashlib.sha256((folder / name).read_bytes()).hexdigest()}" for name in sorted(named)]
    assert pdf_merge.assembly_digest() == key(*sums)
