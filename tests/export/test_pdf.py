"""PDF editions against the tools printers trust: qpdf, poppler, pikepdf, fontTools."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from archiver.document.model import Document, Paragraph
from archiver.document.xmlio import to_bytes
from archiver.errors import UnknownName
from archiver.export import ExportError, pdf, pdf_gate
from archiver.export.edition import gather
from archiver.export.fonts import postscript_names as fonts_of_ours
from archiver.export.pdf_render import render_html
from archiver.export.typography import typeset
from archiver.ingest import ingest_bytes
from tests.conftest import FIXTURES, SOURCES, WHEN
from tests.export.conftest import assert_golden
from tests.export.conftest import seed as _seed

MULTI_SCRIPT = """Seven scripts on one page

Latin: Łódź, Øresund, Ærø, Şişli, Čapek, Ősz, Ğ, ß, Œuvre, “quotes” ‘single’ „low“ « guill » – — … ’s.

Русский: Съешь же ещё этих мягких французских булок, да выпей чаю.

Ελληνικά: Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.

العربية: نص حكيم له سر قاطع وذو شأن عظيم.

עברית: דג סקרן שט בים מאוכזב ולפתע מצא חברה.

中文：我能吞下玻璃而不伤身体。日本語：私はガラスを食べられます。

ภาษาไทย: เป็นมนุษย์สุดประเสริฐเลิศคุณค่า
"""


def tool(*args: str, data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run([*args, str(path)], capture_output=True, text=True, check=True).stdout


def fonts(data: bytes, tmp_path: Path) -> list[list[str]]:
    lines = tool("pdffonts", data=data, tmp_path=tmp_path).splitlines()[2:]
    return [line.split() for line in lines]


@pytest.mark.parametrize("which", ["seed", "edition"])
def test_qpdf_pdffonts_pdfinfo(which: str, seed_pdf: bytes, edition_pdf: bytes, tmp_path: Path) -> None:
    data = seed_pdf if which == "seed" else edition_pdf
    assert "No syntax or stream encoding errors" in tool("qpdf", "--check", data=data, tmp_path=tmp_path)
    rows = fonts(data, tmp_path)
    assert rows and all(r[-5:-2] == ["yes", "yes", "yes"] for r in rows), rows  # emb, sub, uni
    ours = set(fonts_of_ours().values())
    assert all(re.match(r"[A-Z]{6}\+", r[0]) and r[0][7:] in ours for r in rows), rows  # our faces, subset
    info = dict(line.split(":", 1) for line in tool("pdfinfo", data=data, tmp_path=tmp_path).splitlines())
    assert info["Tagged"].strip() == "yes" and int(info["Pages"]) > 2
    expected = "Archive, 1987–2023" if which == "edition" else typeset(_seed_title(), "nl")
    assert info["Title"].strip() == expected


def _seed_title() -> str:
    seed = SOURCES / "000_46013887131c49c3.txt"
    return ingest_bytes(seed.read_bytes(), seed.name, WHEN).document.meta.title.text


def test_pdfa_metadata_attachment_and_outline(docs: list[Document], seed_pdf: bytes) -> None:
    doc = _seed(docs)
    with pikepdf.open(io.BytesIO(seed_pdf)) as p:
        meta = p.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "U"
        assert meta["xmp:CreateDate"] == "2024-01-01T00:00:00Z"  # when the file was made (the epoch)
        assert meta["dc:date"] == ["2019-04"]  # the article's date at its real precision
        assert (
            meta["dc:language"] == {"nl"}
            # the article's identifier and what decides the pages: another paper is another rendition
            and meta["dc:identifier"] == f"urn:archiver:{doc.meta.archive_id}:pdf:a4-book"
        )
        assert str(p.Root.Lang) == "nl"
        (intent,) = p.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1" and "sRGB" in str(intent.OutputConditionIdentifier)
        (spec,) = p.Root.AF
        assert spec.AFRelationship == "/Source"
        assert spec.EF.F.read_bytes() == to_bytes(doc)
        assert p.Root.PageLabels.Nums[1].P == "Omslag"
    titles = pdf_gate.outline_titles(seed_pdf)
    assert (1, typeset(doc.meta.title.text, "nl")) in titles
    assert [t for d, t in titles if d == 2] == [
        "Rusland wil zich belangrijke internationale speler tonen",
        "Noord-Korea zoekt verlichting van sancties",
        "Top is ook gebaar naar VS",
    ]


def test_edition_outline_sections_articles_and_attachments(docs: list[Document], edition_pdf: bytes) -> None:
    titles = pdf_gate.outline_titles(edition_pdf)
    articles = [t for depth, t in titles if depth == 2]
    assert sorted(articles) == sorted(typeset(d.meta.title.text, d.meta.language.text) for d in docs)
    assert ("April 2019" in [t for depth, t in titles if depth == 1]) and (1, "Undated") in titles
    with pikepdf.open(io.BytesIO(edition_pdf)) as p:
        assert len(p.Root.AF) == len(docs)
        kept = {name: f.get_file().read_bytes() for name, f in p.attachments.items()}
    assert kept == {f"{d.meta.archive_id}.xml": to_bytes(d) for d in docs}


def test_the_colophon_prints_every_fact_of_every_article_a_line_each(
    docs: list[Document], edition_pdf: bytes
) -> None:
    from archiver.export.frame import _provenance

    text = pdf_gate.pdf_text(edition_pdf)
    colophon = text[text.rindex("Colophon") :]
    lines = [" ".join(line.split()) for line in colophon.splitlines()]
    for doc in docs:
        for fact in _provenance(doc)[:3]:  # file, checksum and id: each a line of its own
            assert " ".join(fact.split()) in lines, fact
    assert not re.search(r"^\s*[•◦]", colophon, re.M)  # lines, not list bullets


def _squash(text: str) -> str:
    return re.sub(r"[\s\-\u00ad]", "", text)  # line-break hyphens read as soft hyphens


def test_every_paragraph_of_the_seed_is_in_the_text_layer(docs: list[Document], seed_pdf: bytes) -> None:
    text = _squash(pdf_gate.pdf_text(seed_pdf))
    paragraphs = [b.text for b in _seed(docs).body if isinstance(b, Paragraph)]
    assert len(paragraphs) == 12
    for para in paragraphs:
        assert _squash(typeset(para, "nl")) in text, para[:50]
    assert "Foto: AFP" in pdf_gate.pdf_text(seed_pdf).replace("FOTO", "Foto")


def test_a_word_broken_by_hyphenation_reads_whole(docs: list[Document]) -> None:
    # 65-character lines hyphenate little of the seed: the German compounds of the hard case join it
    hard = FIXTURES / "typeset-hard-compounds.txt"
    compounds = ingest_bytes(hard.read_bytes(), hard.name, WHEN).document
    data = pdf.render(gather([_seed(docs), compounds]), pdf.PdfOptions(paper="A5", layout="newspaper"))
    text = pdf_gate.pdf_text(data)
    breaks = re.findall(r"(\w+)\u00ad\n(\w+)", text)
    assert len(breaks) >= 8 and "\u2010" not in text and "\u2011" not in text
    joined = text.replace("\u00ad\n", "")  # what a reader's search does with a soft hyphen
    for head, tail in breaks:
        assert head + tail in joined
        assert len(head) >= 3 and len(tail) >= 3  # hyphenate-limit-chars: three letters a side at least
    assert "kernwapenprogramma" in joined.replace("\n", " ")


def test_two_builds_are_identical(docs: list[Document], seed_pdf: bytes) -> None:
    again = pdf.render(gather([_seed(docs)]))
    assert hashlib.sha256(again).hexdigest() == hashlib.sha256(seed_pdf).hexdigest()


def test_every_script_renders_with_a_real_glyph(tmp_path: Path) -> None:
    from fontTools.ttLib import TTCollection, TTFont

    doc = ingest_bytes(MULTI_SCRIPT.encode(), "scripts.txt", WHEN).document
    data = pdf.render(gather([doc]))
    rows = fonts(data, tmp_path)
    ours = fonts_of_ours()  # by their own PostScript names, no system fallback
    assert all(r[0][7:] in set(ours.values()) for r in rows), rows
    families = {face.split("-")[1] for face, name in ours.items() if name in {r[0][7:] for r in rows}}
    assert {"Serif", "Arabic", "Hebrew", "Thai", "CJK"} <= families
    text = pdf_gate.pdf_text(data)
    cmaps: list[dict[int, str]] = []
    for name in ("NotoSerif-Regular.ttf", "NotoNaskhArabic-Regular.ttf", "NotoSerifHebrew-Regular.ttf",
                 "NotoSerifThai-Regular.ttf"):  # fmt: skip
        cmaps.append(TTFont(pdf.font_path(name)).getBestCmap())
    cmaps.append(TTCollection(pdf.font_path("NotoSerifCJK-Regular.ttc")).fonts[0].getBestCmap())
    for ch in {c for c in typeset(MULTI_SCRIPT, "en") if not c.isspace()}:
        assert any(ord(ch) in cmap for cmap in cmaps), f"no face has {ch!r} U+{ord(ch):04X}"
    for line in MULTI_SCRIPT.splitlines()[2:]:
        for ch in line:
            if not ch.isspace() and ch not in "\"'":
                assert ch in text, f"{ch!r} U+{ord(ch):04X} missing from the text layer"


def test_paper_layout_bleed_and_marks(docs: list[Document]) -> None:
    options = pdf.PdfOptions(paper="A5", layout="newspaper", bleed=3, marks=True)
    data = pdf.render(gather([_seed(docs)]), options)
    with pikepdf.open(io.BytesIO(data)) as p:
        page = p.pages[2]
        width, height = (float(v) for v in page.TrimBox[2:])
        trim_w, trim_h = width - float(page.TrimBox[0]), height - float(page.TrimBox[1])
        assert abs(trim_w - 419.53) < 1 and abs(trim_h - 595.28) < 1  # A5 trim
        assert float(page.MediaBox[2]) > width  # bleed and marks outside the trim
    with pytest.raises(UnknownName, match="unknown paper 'A3'; known: A4, A5, Letter"):
        pdf.PdfOptions(paper="A3")


def test_fetcher_refuses_anything_but_our_resources() -> None:
    html = b'<html><head><link rel="stylesheet" href="file:///etc/passwd"></head><body><p>x</p></body></html>'
    with pytest.raises(ExportError, match="only archiver's own resources"):
        render_html(html, pdf.PdfOptions().stylesheet())
    with pytest.raises(ExportError, match="bare file names"):
        pdf.font_path("../../etc/passwd")


def test_the_gate_catches_a_missing_article(docs: list[Document], seed_pdf: bytes) -> None:
    other = next(d for d in docs if d.meta.language.text == "de")
    with pytest.raises(ExportError, match="not in the PDF's text layer"):
        pdf.check(seed_pdf, gather([_seed(docs), other]))


def _facts(data: bytes) -> dict[str, object]:
    """What a PDF edition is made of, as reviewable JSON: pages, outline, labels, fonts, metadata."""
    with pikepdf.open(io.BytesIO(data)) as p:
        fonts = {
            str(font.BaseFont).split("+", 1)[-1]
            for page in p.pages
            for font in (page.Resources.get("/Font") or {}).values()
        }
        return {
            "pages": len(p.pages),
            "page_labels": [page.label for page in p.pages],
            "outline": ["  " * (depth - 1) + title for depth, title in pdf_gate.outline_titles(data)],
            "fonts": sorted(fonts),
            "lang": str(p.Root.Lang),
            "xmp_keys": sorted(p.open_metadata()),
            "info_keys": sorted(str(k) for k in p.docinfo),
            "attachments": sorted(p.attachments),
        }


def test_golden_pdf_facts(edition_pdf: bytes, update_golden: bool) -> None:
    text = json.dumps(_facts(edition_pdf), ensure_ascii=False, indent=2) + "\n"
    assert_golden("pdf/edition.json", text.encode(), update_golden)


def test_the_gate_reads_only_the_pages_titles_are_on(docs: list[Document], edition_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(edition_pdf)) as p:
        entries = pdf_gate._outline(p)
        starts = [page for depth, _, page in entries if depth == 2]  # articles flow: some share a page
        pages = sorted(set(starts))
        assert len(starts) == len(docs) and 0 not in pages and 1 not in pages  # not the cover or contents
        text = pdf_gate._pages_text(p, pages)
    assert "Colophon" not in text and "Inhoud" not in text and "Contents" not in text
    assert all(w in " ".join(text.split()) for w in ("Stadtbibliothek", "Canicule", "Riverside"))


def test_each_pagination_has_its_own_identifier(docs: list[Document]) -> None:
    edition = gather(docs, "month")
    names = {
        pdf.PdfOptions(paper=paper, layout=layout, pdfx=pdfx).rendition(edition)
        for paper in ("A4", "A5")
        for layout in ("book", "newspaper")
        for pdfx in (False, True)
    }
    assert len(names) == 4  # paper and layout decide the pages; PDF/X prints the same pages
    assert all(n.startswith(edition.identifier + ":pdf:") for n in names)


def test_the_gate_reads_outline_actions_and_stops_at_a_loop() -> None:
    p = pikepdf.new()
    for _ in range(3):
        p.add_blank_page()
    first = p.make_indirect(
        pikepdf.Dictionary(Title=pikepdf.String("Één"), Dest=[p.pages[1].obj, pikepdf.Name.Fit])
    )
    action = pikepdf.Dictionary(S=pikepdf.Name.GoTo, D=[p.pages[2].obj, pikepdf.Name.Fit])
    second = p.make_indirect(pikepdf.Dictionary(Title=pikepdf.String("Two"), A=action, Prev=first))
    child = p.make_indirect(pikepdf.Dictionary(Title=pikepdf.String("Under two")))
    first.Next, second.First, second.Next = second, child, first  # the last entry points back: a loop
    p.Root.Outlines = p.make_indirect(pikepdf.Dictionary(First=first, Last=second))
    assert pdf_gate._outline(p) == [(1, "Één", 1), (1, "Two", 2), (2, "Under two", -1)]
