"""Notes, epigraphs and block languages in the XHTML, the EPUB (footnotes) and the PDF (page-foot notes)."""

from __future__ import annotations

import copy
import io
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from archiver.document.model import Block, Document, Epigraph, Note, Paragraph
from archiver.export import epub, footnotes, linear, xhtml
from archiver.export.edition import gather
from archiver.export.pdf_parts import part_html
from archiver.export.pdf_render import render_html
from archiver.ingest import ingest_bytes
from tests.conftest import FIXTURES, SEED, WHEN
from tests.export.conftest import assert_golden
from tests.export.test_epub import epubcheck
from tests.export.test_xhtml import _xhtml

VEERPONT = FIXTURES / "struct-veerpont.txt"
NACHT = FIXTURES / "struct-unmatched" / "een-nacht-op-den-ijssel.txt"
OPS_TYPE = footnotes.EPUB_TYPE


def _doc(path: Path) -> Document:
    return ingest_bytes(path.read_bytes(), path.name, WHEN).document


def _with_body(blocks: list[Block]) -> Document:
    return replace(_doc(SEED), body=blocks)


def test_golden_xhtml_of_an_essay_with_notes_and_an_epigraph(update_golden: bool) -> None:
    assert_golden(f"xhtml/{VEERPONT.name}.xhtml", _xhtml(VEERPONT), update_golden)


def test_footnotes_link_both_ways() -> None:
    root = xhtml.article(_doc(VEERPONT))
    calls = [a for a in root.iter("a") if a.get("role") == "doc-noteref"]
    asides = {a.get("id"): a for a in root.iter("aside")}
    assert [a.text for a in calls] == ["1", "2"]
    for call in calls:
        assert call.get(OPS_TYPE) == "noteref"
        box = asides[call.get("href")[1:]]
        assert box.get(OPS_TYPE) == "footnote" and box.get("role") == "doc-footnote"
        back = box.find("p/a[@role='doc-backlink']")
        assert back.get("href") == f"#{call.get('id')}" and back.text == call.text
    assert "".join(calls[0].getparent().itertext()).count("langen boom1 werd") == 1  # label right after


def test_call_keeps_its_place_through_typography_and_emphasis() -> None:
    text = 'Hij zei "ja" en ging naar zee, naar verre landen.'
    note = Note("n1", "*", (Paragraph("Zie 't boek."),))
    em = (text.index("verre"), text.index("verre") + 5)
    doc = _with_body([Paragraph(text, (em,), ((12, "n1"),)), note])
    p = xhtml.article(doc).find("p")
    assert p.text == "Hij zei “ja”"
    call, em = list(p)
    assert (call.tag, call.text, call.tail) == ("a", "*", " en ging naar zee, naar ")
    assert (em.tag, em.text, em.tail) == ("em", "verre", " landen.")
    aside = xhtml.article(doc).find("aside")
    assert "".join(aside.itertext()) == "* Zie ’t boek."


def test_block_language_sets_attribute_and_typography() -> None:
    motto = Epigraph((Paragraph('"Heil dir, o Meer!"'),), "HEINE.", "de")
    doc = _with_body([motto, Paragraph('Hij zei "ja".', lang="")])
    root = xhtml.article(doc)
    quote = root.find("blockquote")
    assert quote.get("lang") == "de" and quote.get("class") == "epigraph"
    assert quote.get(OPS_TYPE) == "epigraph" and quote.get("role") == "doc-epigraph"
    assert [p.text for p in quote] == ["„Heil dir, o Meer!“", "HEINE."]  # German quotes, as written
    assert root.findall("p")[-1].text == "Hij zei “ja”."  # the article's own language again
    assert root.findall("p")[-1].get("lang") is None


def test_for_print_moves_each_note_to_its_call() -> None:
    root = footnotes.for_print(xhtml.article(_doc(VEERPONT)))
    assert root.find(".//aside") is None
    notes = root.findall(".//span[@class='footnote']")
    assert [n.get("data-label") for n in notes] == ["1", "2"]
    assert "".join(notes[0].itertext()).startswith("Een boom is hier eene lange stok")
    paragraph = notes[0].getparent()
    assert paragraph.tag == "p" and (notes[0].tail or "").startswith(" werd voortgeduwd.")
    assert not list(root.iter("a"))  # neither the calls nor the back links are left


def test_pdf_sets_each_note_at_the_foot_of_the_page_that_calls_it(tmp_path: Path) -> None:
    doc = _doc(VEERPONT)
    filler = [b for b in doc.body if isinstance(b, Paragraph) and b.text.startswith("Men zeide")] * 12
    doc = replace(doc, body=doc.body[:3] + filler + doc.body[3:])  # the two calls on different pages
    element = footnotes.for_print(linear.short_runs(copy.deepcopy(xhtml.article(doc))))
    pdf = tmp_path / "notes.pdf"
    pdf.write_bytes(render_html(part_html("nl", "notes", "ungrouped", [element], verso=False), ""))
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True)
    texts = pages.stdout.decode().split("\f")
    found = []
    for call, note in (("boom1 werd", "1 Een boom is hier"), ("brug2.", "2 Die brug werd")):
        (page,) = [t for t in texts if call in t]
        assert note in page and page.index(call) < page.index(note)
        found.append(texts.index(page))
    assert found[0] < found[1]


@pytest.fixture(scope="module")
def struct_epub() -> bytes:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1704067200")
        return epub.render(gather([_doc(VEERPONT), _doc(NACHT), _doc(SEED)], "none"))


def test_epubcheck_reports_nothing_for_notes_and_epigraphs(struct_epub: bytes, tmp_path: Path) -> None:
    assert epubcheck(struct_epub, tmp_path) == []


def test_golden_epub_page_of_an_essay(struct_epub: bytes, update_golden: bool) -> None:
    doc = _doc(VEERPONT)
    with zipfile.ZipFile(io.BytesIO(struct_epub)) as zf:
        page = zf.read(f"EPUB/text/{doc.meta.archive_id}.xhtml")
    root = etree.fromstring(page)
    ns = "{http://www.w3.org/1999/xhtml}"
    assert root.find(f".//{ns}aside").get("{http://www.idpf.org/2007/ops}type") == "footnote"
    assert root.find(f".//{ns}blockquote").get("lang") == "en"
    assert_golden(f"epub/{VEERPONT.stem}.xhtml", page, update_golden)
