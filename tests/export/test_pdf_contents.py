"""The PDF contents set in chunks that continue page by page, its numbers stamped at assembly."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from archiver.document.model import Document
from archiver.export import pdf, pdf_contents, pdf_gate
from archiver.export.cache import Context
from archiver.export.edition import gather
from archiver.export.frame import Frame, frame
from archiver.export.pdf_parts import Rendered
from archiver.ingest import ingest_bytes
from tests.conftest import WHEN
from tests.export.conftest import EPOCH
from tests.export.test_pdf_chunks import assert_sound_tree
from tests.export.typesetting import text_lines

WORDS = ["harbour", "ferry", "storm", "council", "bridge", "market", "library", "river", "tram", "orchard"]


@pytest.fixture(scope="module")
def many() -> list[Document]:
    """Sixty short articles whose titles take two lines in the contents (about four pages of it)."""
    docs = []
    for i in range(60):
        title = " ".join(WORDS[(i + j) % len(WORDS)] for j in range(14)).capitalize() + f" {i}"
        raw = f"{title}\n\nDate: 2020-05-{i % 28 + 1:02d}\n\nA short paragraph about item {i}.\n"
        docs.append(ingest_bytes(raw.encode(), f"many-{i:02d}.txt", WHEN).document)
    return docs


def _framed(docs: list[Document]) -> Frame:
    return frame(gather(docs, "none"), Context(None, 1))


def _text(path: Path, pages: int) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", "-l", str(pages), str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page.strip() for page in out.split("\f")[:pages]]


def test_chunks_break_pages_as_one_document_would(
    many: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    framed = _framed(many)
    base = pdf.PdfOptions().stylesheet()
    rendered = Rendered(framed.context)
    try:
        (whole,) = pdf_contents.chunks(framed, base, rendered, 1, 2)
        monkeypatch.setattr(pdf_contents, "ENTRIES", 25)
        parts = pdf_contents.chunks(framed, base, rendered, 1, 2)
        assert len(parts) > 2 and all(c.pages > 0 for c in parts)
        assert sum(c.pages for c in parts) == whole.pages >= 3
        # the same pages, line for line, and the same number columns on them
        assert [t for c in parts for t in _text(c.path, c.pages)] == _text(whole.path, whole.pages)
        at, columns = 0, []
        for c in parts:
            columns += [(at + n.page, n.name, n.right, n.baseline) for n in c.numbers]
            at += c.pages
        assert columns == [(n.page, n.name, n.right, n.baseline) for n in whole.numbers]
        assert [n.name for n in whole.numbers] == [f"a{d.meta.archive_id}" for d in framed.edition.documents]
    finally:
        rendered.close()


def test_a_long_contents_in_chunks_gives_real_numbers_and_a_sound_tree(
    many: list[Document], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(pdf_contents, "ENTRIES", 25)
    data = pdf.render(_framed(many), chunk=30)
    path = tmp_path / "many.pdf"
    path.write_bytes(data)
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert "No syntax or stream encoding errors" in check.stdout
    assert_sound_tree(data)
    with pikepdf.open(io.BytesIO(data)) as p:
        articles = [page + 1 for depth, _, page in pdf_gate._outline(p) if depth == 1]
        last = articles[0] - 1  # the contents' last page
        annots = [a for page in p.pages[1:last] for a in page.obj.get("/Annots", [])]
        links = sum(a.Subtype == "/Link" for a in annots)
    contents = subprocess.run(
        ["pdftotext", "-layout", "-f", "2", "-l", str(last), str(path), "-"], capture_output=True, text=True
    ).stdout
    numbers = [int(n) for n in re.findall(r"\.\s*(\d+)\s*$", contents, re.M)]
    assert numbers == articles[: len(many)] and len(numbers) == len(many)  # then the colophon
    assert links >= len(many)  # every entry still links to its article
    # A wrapped title keeps its leader and number on its last line, and its second line hangs.
    assert not re.findall(r"^[ \u2009]*\.[. \u2009]*\d+ *$", contents, re.M), contents  # dots alone
    words = [ln for ln in text_lines(path)[1] if ln.text[:1].isalpha()][1:]  # title lines, not the heading
    starts = sorted({round(ln.x0) for ln in words})
    assert len(starts) == 2 and starts[1] - starts[0] > 10, starts  # first lines, and hanging lines
