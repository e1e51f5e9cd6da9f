"""The edition frame: one ordered list of parts that every format prints, built once."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from archiver.document.model import Document
from archiver.export import epub, pdf, xhtml
from archiver.export.edition import gather
from archiver.export.frame import KINDS, as_frame, frame
from tests.export.conftest import seed


def test_parts_in_reading_order(docs: list[Document]) -> None:
    parts = frame(gather(docs, "month"))
    kinds = [p.kind for p in parts.parts]
    assert kinds[:2] == ["cover", "contents"] and kinds[-1] == "colophon"
    assert set(kinds) <= set(KINDS) and parts.grouped
    assert kinds[2] == "section"  # a section head before its articles
    assert [p.document for p in parts.of("article")] == gather(docs, "month").documents
    assert len({p.id for p in parts.parts}) == len(parts.parts)
    assert [p.title for p in parts.of("section")] == [g.label for g in parts.edition.groups]


def test_one_article_or_no_grouping_has_no_sections(docs: list[Document]) -> None:
    assert not frame(gather([seed(docs)])).of("section")
    assert not frame(gather(docs, "none")).grouped


def test_article_parts_are_the_typeset_projection(docs: list[Document]) -> None:
    part = frame(gather([seed(docs)])).of("article")[0]
    doc = seed(docs)
    assert part.id == f"a{doc.meta.archive_id}" and part.name == doc.meta.archive_id and part.lang == "nl"
    assert xhtml.fragment(part.element) == xhtml.fragment(xhtml.article(doc))
    assert "…" in part.title  # typeset, as tables of contents show it


def test_formats_share_the_frame_and_leave_it_unchanged(docs: list[Document]) -> None:
    parts = frame(gather(docs, "month"))
    assert as_frame(parts) is parts
    before = [etree.tostring(p.element) for p in parts.parts]
    html = b"".join(b.job.html for b in pdf._body(parts, pdf.PdfOptions(), pdf.ARTICLES)).decode()
    data = epub.render(parts)
    assert [etree.tostring(p.element) for p in parts.parts] == before
    article = parts.of("article")[0]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        page = zf.read(f"EPUB/text/{article.name}.xhtml").decode()
    words = article.element.find("p").text[:40]
    assert words in html and words in page
    assert html.count('<h2 class="group"') == len(parts.of("section"))  # print: run-in section heads
