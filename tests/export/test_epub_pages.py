"""Print pages in the e-book: an EPUB made beside a PDF of the same edition marks where its pages start."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from archiver import recipes
from archiver.document.model import Document
from archiver.export import epub, page_list, pdf
from archiver.export.edition import gather
from archiver.export.frame import frame
from archiver.ingest import ingest_bytes
from archiver.store import Archive, Selection
from tests.conftest import SEED, WHEN
from tests.export.conftest import EPOCH
from tests.export.test_epub import OPF, OPS_TYPE, XHTML, _nav, _opf, epubcheck

PAGEBREAK = "//*[@role='doc-pagebreak']"


def _long_article() -> Document:
    """A report of a few printed pages (the seed's paragraphs four times): pages start inside paragraphs."""
    paragraphs = [p.strip() for p in SEED.read_text(encoding="utf-8").split("\n\n")[1:] if p.strip()]
    text = "Een lange reportage over de top in Vladivostok\n\nDatum: 2019-05-02\n\n" + "\n\n".join(
        paragraphs * 4
    )
    return ingest_bytes(text.encode("utf-8"), "long-report.txt", WHEN).document


@pytest.fixture(scope="module")
def pair(docs: list[Document]) -> tuple[bytes, bytes]:
    """The A5 newspaper PDF of sources/ and a long report, and the EPUB made after it from the same frame."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        framed = frame(gather([*docs, _long_article()], "month"))
        printed = pdf.render(framed, pdf.PdfOptions(paper="A5", layout="newspaper"))
        return printed, epub.render(framed)


def _words(text: str, n: int = 3) -> list[str]:
    return re.findall(r"\w+", text)[:n]


def _after(marker: etree._Element) -> str:
    """The text that follows a marker in its block."""
    texts = [marker.tail or ""]
    for sibling in marker.itersiblings():
        texts += [*sibling.itertext(), sibling.tail or ""]
    return "".join(texts)


def test_every_body_page_is_marked_where_it_starts(pair: tuple[bytes, bytes], tmp_path: Path) -> None:
    printed, book = pair
    path = tmp_path / "edition.pdf"
    path.write_bytes(printed)
    info = subprocess.run(["pdfinfo", path], capture_output=True).stdout
    pages = int(re.search(rb"Pages:\s+(\d+)", info)[1])
    nav = _nav(book)
    (plist,) = [n for n in nav.iter(f"{XHTML}nav") if n.get(OPS_TYPE) == "page-list"]
    links = [(a.text, a.get("href")) for a in plist.iter(f"{XHTML}a")]
    labels = [label for label, _ in links]
    assert labels == [str(n) for n in range(int(labels[0]), pages + 1)]  # from the first body page on
    inside = 0
    with zipfile.ZipFile(io.BytesIO(book)) as zf:
        for label, href in links:
            file, anchor = href.split("#")
            page = etree.fromstring(zf.read(f"EPUB/{file}"))
            (marker,) = page.xpath("//*[@id=$id]", id=anchor)
            assert marker.get(OPS_TYPE) == "pagebreak" and marker.get("aria-label") == label
            assert marker.get("role") == "doc-pagebreak" and not len(marker) and not marker.text
            pdf_text = subprocess.run(
                ["pdftotext", "-f", label, "-l", label, "-layout", path, "-"], capture_output=True, text=True
            ).stdout
            lines = [" ".join(line.split()) for line in pdf_text.splitlines() if line.strip()]
            head = " ".join(lines[:4])  # the running head (if any) and the first lines
            words = _words(_after(marker), 2)
            # compared without spaces: a word broken inside by overflow-wrap (a checksum) spans two lines
            assert words and "".join(words) in "".join(_words(head, 40)), (label, words, head)
            parent = marker.getparent()
            inside += parent.tag == f"{XHTML}p" and bool((parent.text or "").strip())
    assert inside >= 2  # pages that start inside a paragraph are marked there, not at its start


def test_the_page_source_is_the_pdf_and_epubcheck_is_silent(
    pair: tuple[bytes, bytes], tmp_path: Path
) -> None:
    import pikepdf

    printed, book = pair
    with pikepdf.open(io.BytesIO(printed)) as doc, doc.open_metadata() as xmp:
        identifier = xmp["dc:identifier"]
    meta = _opf(book).find(f"{OPF}metadata")
    (source,) = [m.text for m in meta.findall(f"{OPF}meta") if m.get("property") == "pageBreakSource"]
    assert source == identifier and source.startswith("urn:archiver:edition:")
    assert epubcheck(book, tmp_path) == []


def test_without_a_pdf_nothing_changes(edition_epub: bytes) -> None:
    nav = _nav(edition_epub)
    assert not [n for n in nav.iter(f"{XHTML}nav") if n.get(OPS_TYPE) == "page-list"]
    with zipfile.ZipFile(io.BytesIO(edition_epub)) as zf:
        assert not any(b"pagebreak" in zf.read(n) for n in zf.namelist() if n.endswith(".xhtml"))
    props = [m.get("property") for m in _opf(edition_epub).iter(f"{OPF}meta")]
    assert "pageBreakSource" not in props


def test_a_page_that_starts_inside_a_word_is_marked_before_the_word() -> None:
    p = etree.fromstring("<p>Een lange <em>zin</em> met verminderde kracht.</p>")
    pages = page_list.PrintedPages("urn:x", (page_list.PageStart("12", "a1:0", 19),))  # "verminder|de"
    marked, placed = page_list.mark(p, "a1", pages)
    assert placed == [("12", "page-12")]
    assert etree.tostring(marked, encoding="unicode").startswith(
        '<p>Een lange <em>zin</em> met <span xmlns:epub="http://www.idpf.org/2007/ops" epub:type="pagebreak"'
    )
    assert "".join(marked.itertext()) == "".join(p.itertext())  # the text is untouched


def test_export_with_two_formats_gives_the_epub_the_pdf_pages(tmp_path: Path) -> None:
    from archiver import pipeline
    from archiver.ingest.ids import archive_id
    from tests.conftest import SEED

    with Archive(tmp_path / "arc", create=True) as archive:
        pipeline.ingest(archive, [SEED])
        first, *more = recipes.export_jobs(["epub", "pdf"], ["paper=A5"])
        done = recipes.export(archive, first, Selection(), tmp_path / "out", also=more)
        again = recipes.export(archive, first, Selection(), tmp_path / "again", also=more)
        each = recipes.export_jobs(["epub", "pdf"], each=True)
        one, two = [recipes.export(archive, each[0], Selection(), tmp_path / d, also=each[1:]) for d in "xy"]
    assert sorted(p.suffix for p in done.paths) == [".epub", ".pdf"]
    book = next(p for p in done.paths if p.suffix == ".epub").read_bytes()
    assert [m for m in _opf(book).iter(f"{OPF}meta") if m.get("property") == "pageBreakSource"]
    assert [p.read_bytes() for p in done.paths] == [p.read_bytes() for p in again.paths]
    assert [p.parent.name for p in one.paths] == ["pdf", "epub"]
    assert [p.read_bytes() for p in one.paths] == [p.read_bytes() for p in two.paths]  # the second from cache
    assert two.cached and not two.rendered
    with zipfile.ZipFile(one.paths[1]) as zf:  # the article's page carries the PDF's page starts
        assert b'epub:type="pagebreak"' in zf.read(f"EPUB/text/{archive_id(SEED.read_bytes())}.xhtml")


def test_the_command_line_takes_several_formats(tmp_path: Path) -> None:
    from tests.cli.test_cli import run
    from tests.conftest import SEED

    root = tmp_path / "arc"
    assert run("ingest", SEED, archive=root).returncode == 0
    both = run("export", "--format", "pdf", "-f", "epub", "a0c1", "-o", tmp_path / "out", archive=root)
    assert both.returncode == 0, both.stderr
    assert "2 pdf+epub files written" in both.stderr
    assert sorted(p.suffix for p in (tmp_path / "out").iterdir()) == [".epub", ".pdf"]
    named = run("export", "-f", "pdf", "-f", "epub", "-o", tmp_path / "one.epub", archive=root)
    assert named.returncode == 2 and "names a folder" in named.stderr
    assert run("export", archive=root).returncode == 2  # no format at all
    unknown = run("export", "-f", "epub", "-f", "pdf", "-O", "colour=red", archive=root)
    assert unknown.returncode == 2 and "colour" in unknown.stderr
