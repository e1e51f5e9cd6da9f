"""The print measure, hyphenation guards and article flow, measured on rendered PDFs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from archiver.document.model import Document
from archiver.export import pdf, pdf_hyphens, xhtml
from archiver.export.edition import gather
from archiver.export.frame import frame
from archiver.export.pdf_layouts import FLOW_SHARE, LAYOUTS, PAPER_MM, PageLayout
from archiver.export.typography import typeset
from archiver.ingest import ingest_bytes
from tests.conftest import ROOT, WHEN
from tests.export.typesetting import HYPHENS, Report, measure, text_lines

HARD = ROOT / "tests" / "fixtures" / "typeset-hard-compounds.txt"
EDITIONS = [("A4", "book"), ("A5", "newspaper"), ("Letter", "book")]


def test_every_paper_and_layout_has_a_measure_of_55_to_75() -> None:
    assert set(LAYOUTS) == {(paper, layout) for paper in pdf.PAPERS for layout in pdf.LAYOUTS}
    for (paper, _), chosen in LAYOUTS.items():
        assert chosen.paper == paper
        assert 58 <= chosen.characters <= 72, (paper, chosen.characters)
        assert chosen.inner + chosen.outer + chosen.text_width == pytest.approx(PAPER_MM[paper][0])


def test_the_options_stylesheet_carries_the_layout() -> None:
    css = pdf.PdfOptions(paper="A5", layout="newspaper").stylesheet()
    assert "font-size: 9pt !important" in css and "columns:" not in css  # one column on A5
    assert "columns: 2" in pdf.PdfOptions(paper="A4", layout="newspaper").stylesheet()
    flowing, paged = pdf.PdfOptions().stylesheet(), pdf.PdfOptions(article_per_page=True).stylesheet()
    assert "break-before: auto !important" in flowing and "break-before: auto" not in paged


def test_ragged_right_sets_paragraphs_flush_left() -> None:
    narrow = PageLayout("A5", size=10, inner=40, outer=40, top=15, bottom=15, ragged=True)
    assert "text-align: left !important" in narrow.css()
    assert "text-align" not in LAYOUTS[("A4", "book")].css()


def _guarded(markup: str, lang: str = "en") -> str:
    root = etree.fromstring(f'<article lang="{lang}">{markup}</article>')
    return etree.tostring(pdf_hyphens.guard(root), encoding="unicode")


def test_acronyms_and_names_are_kept_whole_but_german_nouns_hyphenate() -> None:
    text = "<p>" + "Delegates of the UNESCO and Papandreou arrived. " + "filler words " * 10 + "end.</p>"
    out = _guarded(text)
    kept = [s.text for s in etree.fromstring(out).iter("span")]
    # names and acronyms, and the short words between them (never hyphenated), in one span: every
    # span is a structure element of the tagged PDF, so fewer is lighter
    assert kept[0] == "Delegates of the UNESCO and Papandreou"
    assert "arrived" not in kept[0] and all("filler" not in k for k in kept[:1])
    german = _guarded(
        "<p>Die Bundesregierung und die OECD tagten. " + "weitere Worte " * 10 + "Ende.</p>", "de"
    )
    assert "Bundesregierung</span>" not in german and '<span class="nohy"> OECD</span>' not in german
    assert "OECD" in german  # four letters: never hyphenated anyway, so not marked


def test_the_last_line_of_a_paragraph_is_never_a_hyphenated_scrap() -> None:
    words = "considerable " * 12
    out = _guarded(f"<p>{words}conclusion.</p>")
    span = etree.fromstring(out).find(".//span")
    assert span is not None and span.text is not None
    assert span.text.endswith("conclusion") and span.tail == "."
    assert len(span.text) <= pdf_hyphens.LAST_LINE + len(" considerable")
    assert len(span.text) >= pdf_hyphens.LAST_LINE - len("considerable ")


def test_spaces_move_into_inline_elements_and_notes_stay() -> None:
    out = _guarded('<p>one <em>two</em> three <a class="noteref" href="#n">1</a> four</p>')
    expected = '<p>one<em> two</em> three <a class="noteref" href="#n">1</a> four</p>'
    assert out == f'<article lang="en">{expected}</article>'
    out = _guarded("<p>Nothing here but <em>emphasised</em> paragraphs.</p>")
    assert out == (
        '<article lang="en"><p><span class="nohy">Nothing</span> here but<em><span class="nohy">'
        ' emphasised</span></em><span class="nohy"> paragraphs</span>.</p></article>'
    )


def test_the_epub_text_is_not_guarded(docs: list[Document]) -> None:
    for doc in docs:
        assert "nohy" not in etree.tostring(xhtml.article(doc), encoding="unicode")
    printed = pdf.PRINTED["article"](frame(gather(docs[:1])).of("article")[0])
    assert "nohy" in etree.tostring(printed, encoding="unicode")


@pytest.fixture(scope="module")
def hard_doc() -> Document:
    return ingest_bytes(HARD.read_bytes(), HARD.name, WHEN).document


def _render(docs: list[Document], tmp_path: Path, name: str, **options: object) -> Path:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf.render(gather(docs, "month"), pdf.PdfOptions(**options)))  # type: ignore[arg-type]
    return path


def _assert_bars(report: Report, where: str) -> None:
    assert report.chars, where
    assert report.percentile(5) >= 55 and report.percentile(95) <= 75, (where, report.summary())
    assert report.longest_run <= 3, (where, report.summary())  # WeasyPrint has no hyphenate-limit-lines
    assert report.runs_over(2) <= max(1, report.lines // 400), (where, report.summary())
    assert not report.near_empty, (where, report.summary())
    assert not report.stranded, (where, report.summary())


@pytest.mark.parametrize(("paper", "layout"), EDITIONS)
def test_sources_measure(paper: str, layout: str, docs: list[Document], tmp_path: Path) -> None:
    report = measure(_render(docs, tmp_path, "sources", paper=paper, layout=layout))
    _assert_bars(report, f"sources {paper} {layout}")


@pytest.mark.parametrize(("paper", "layout"), EDITIONS)
def test_hard_case_measure(paper: str, layout: str, hard_doc: Document, tmp_path: Path) -> None:
    path = _render([hard_doc], tmp_path, "hard", paper=paper, layout=layout)
    _assert_bars(measure(path), f"hard {paper} {layout}")
    ends = [ln.text.split()[-1] for page in text_lines(path) for ln in page if ln.text.endswith(HYPHENS)]
    assert ends, "the compounds are hyphenated somewhere"
    assert not [word for word in ends if word[0].isupper() and word[1:2].isupper()], ends  # no acronym split


def _article_tops(path: Path) -> list[tuple[int, float]]:
    """(page index, top in points from the page foot) where each article starts: its outline entry's,
    or its section head's for the first article of a section (the head carries it along)."""
    out = []
    with pikepdf.open(path) as doc:
        index = {page.objgen: n for n, page in enumerate(doc.pages)}
        with doc.open_outline() as outline:
            for section in outline.root:
                head = section.destination
                for i, item in enumerate(section.children):
                    dest = (
                        head if i == 0 and head[0].objgen == item.destination[0].objgen else item.destination
                    )
                    out.append((index[dest[0].objgen], float(dest[3])))
    return out


def test_articles_flow_unless_a_third_of_the_page_is_not_left(docs: list[Document], tmp_path: Path) -> None:
    flowing = _render(docs, tmp_path, "flow", paper="A5", layout="book")
    paged = _render(docs, tmp_path, "paged", paper="A5", layout="book", article_per_page=True)
    chosen = LAYOUTS[("A5", "book")]
    foot = chosen.bottom / 25.4 * 72
    third = chosen.text_height * FLOW_SHARE / 25.4 * 72
    tops = _article_tops(flowing)
    assert len(tops) == len(docs)
    assert all(top - foot >= third - 1 for _, top in tops)  # room for a third of a page below each title
    text_top = (PAPER_MM["A5"][1] - chosen.top) / 25.4 * 72
    assert sum(1 for _, top in tops if top < text_top - 30) >= 2  # some start below the top of a page
    paged_tops = _article_tops(paged)
    assert len({page for page, _ in paged_tops}) == len(docs)  # one article per page
    with pikepdf.open(flowing) as a, pikepdf.open(paged) as b:
        assert len(a.pages) < len(b.pages)


def test_every_page_of_a_flowing_edition_has_its_running_head(docs: list[Document], tmp_path: Path) -> None:
    """Left pages name the edition, right pages the first article starting there (or the one going on),
    also where an article starts in the middle of the page; month headings keep space above them."""
    path = _render(docs, tmp_path, "heads", paper="A4", layout="book")
    titles = {typeset(d.meta.title.text, d.meta.language.text) for d in docs}
    with pikepdf.open(path) as doc:
        pages = len(doc.pages)
    heads = []
    for n in range(3, pages + 1):  # after the cover and the contents
        command = ["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"]
        text = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        first = text.strip().splitlines()[0]
        heads.append(first)
        if "Colophon" in first or first.startswith("Made by archiver"):
            break
        assert first == "Archive, 1987–2023" or first in titles, (n, first)
    assert len(heads) >= 4
