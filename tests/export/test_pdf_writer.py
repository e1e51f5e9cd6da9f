"""The object-by-object PDF writer: renumbered copies, object streams, streams as stored, a valid file."""

from __future__ import annotations

import hashlib
import io
import subprocess
import zlib
from pathlib import Path

import pikepdf
import pytest

from archiver.export.pdf_writer import PACK, Copier, Writer

XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"/><?xpacket end="w"?>'
)


def _source() -> pikepdf.Pdf:
    """A small document: two pages, a string that looks like a reference, a raw stream, XMP."""
    pdf = pikepdf.new()
    helvetica = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
    )
    for text in (b"BT /F1 12 Tf 72 720 Td (one) Tj ET", b"BT /F1 12 Tf 72 720 Td (two) Tj ET"):
        pdf.add_blank_page()
        pdf.pages[-1].obj.Contents = pdf.make_stream(text)
        pdf.pages[-1].obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=helvetica))
    pdf.pages[0].obj.Note = pikepdf.String("see 1 0 R (and) \\ here")
    pdf.pages[0].obj.Next = pdf.pages[1].obj  # a reference between pages, renumbered
    pdf.pages[1].obj.Back = pdf.pages[0].obj
    pdf.pages[0].obj.Sizes = pikepdf.Array([1, 2.5, True, pikepdf.Name("/N"), None])
    pdf.Root.Metadata = pdf.make_stream(XMP, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
    return pdf


def _write(src: pikepdf.Pdf, drop_second: bool = False) -> bytes:
    """`src`'s pages written with a page tree and catalog of the writer's own."""
    out = io.BytesIO()
    writer = Writer(out, "1.7")
    catalog, pages = writer.reserve(), writer.reserve()
    copier = Copier(writer, src)
    copier.fix(src.Root.Pages, pages)
    kept = list(src.pages)[:1] if drop_second else list(src.pages)
    if drop_second:
        copier.fix(src.pages[1].obj, None)
    refs = [copier.ref(page.obj) for page in kept]
    metadata = copier.inline(src.Root.Metadata)
    copier.flush()
    kids = b" ".join(b"%d 0 R" % n for n in refs if n is not None)
    writer.put(pages, b"<< /Type /Pages /Kids [ %s ] /Count %d >>" % (kids, len(refs)))
    writer.put(catalog, b"<< /Type /Catalog /Pages %d 0 R /Metadata %s >>" % (pages, metadata))
    writer.close(catalog, None)
    return out.getvalue()


def test_a_copy_reads_back_with_its_pages_strings_and_references(tmp_path: Path) -> None:
    data = _write(_source())
    path = tmp_path / "copy.pdf"
    path.write_bytes(data)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout
    with pikepdf.open(path) as pdf:
        first, second = (page.obj for page in pdf.pages)
        assert bytes(first.Note) == b"see 1 0 R (and) \\ here"  # a string is never renumbered
        assert first.Next.objgen == second.objgen and second.Back.objgen == first.objgen
        assert list(first.Sizes)[:3] == [1, pytest.approx(2.5), True] and first.Sizes[4] is None
        assert pdf.pages[1].obj.Contents.read_bytes().endswith(b"(two) Tj ET")
        assert first.Contents.Filter == "/FlateDecode"  # written uncompressed, compressed now
        assert "/Filter" not in pdf.Root.Metadata and pdf.Root.Metadata.read_bytes() == XMP
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert text.split() == ["one", "two"]


def test_small_objects_go_into_object_streams_and_the_id_is_the_digest_of_the_bytes() -> None:
    src = _source()
    for i in range(2 * PACK):
        src.pages[0].obj[f"/Extra{i}"] = src.make_indirect(pikepdf.Dictionary(N=i))
    data = _write(src)
    assert data == _write(src)  # the same input, the same bytes
    with pikepdf.open(io.BytesIO(data)) as pdf:
        packed = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Type") == "/ObjStm"]
        assert len(packed) >= 2 and all(int(o.N) <= PACK for o in packed)
        assert [int(pdf.pages[0].obj[f"/Extra{i}"].N) for i in (0, 2 * PACK - 1)] == [0, 2 * PACK - 1]
        assert bytes(pdf.trailer.ID[0]) == bytes(pdf.trailer.ID[1])
    start = data.rindex(b"startxref")
    xref_at = int(data[start:].split()[1])
    assert bytes.fromhex(data[data.index(b"/ID [ <", xref_at) + 7 :].split(b">")[0].decode()) == (
        hashlib.md5(data[:xref_at], usedforsecurity=False).digest()
    )


def test_a_reference_to_what_is_left_out_becomes_null() -> None:
    data = _write(_source(), drop_second=True)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert len(pdf.pages) == 1 and pdf.pages[0].obj.get("/Next") is None
        assert not any(b"(two)" in zlib.decompress(o.read_raw_bytes()) for o in _flate_streams(pdf))


def _flate_streams(pdf: pikepdf.Pdf) -> list[pikepdf.Stream]:
    return [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Filter") == "/FlateDecode"]


def test_a_reserved_number_never_written_is_an_error() -> None:
    writer = Writer(io.BytesIO(), "1.7")
    catalog = writer.reserve()
    writer.reserve()
    writer.put(catalog, b"<< /Type /Catalog >>")
    with pytest.raises(ValueError, match="never written"):
        writer.close(catalog, None)
