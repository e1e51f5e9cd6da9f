"""EPUB 3 editions with ebooklib, then repacked so the container is exact and reproducible."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from importlib import resources
from typing import Any

from lxml import etree

from archiver.document.model import Document
from archiver.export import ExportError, cover, xhtml
from archiver.export.edition import Edition
from archiver.export.labels import count, label
from archiver.export.typography import typeset

A11Y = [
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "visual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
    ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"),
    ("a11y:certifiedBy", "archiver (self-declared, checked with epubcheck and DAISY Ace)"),
]
SUMMARY = (
    "Archived news articles as reflowable text with a table of contents, headings for each "
    "article and section, and the original reading order. The cover image has a text alternative; "
    "photo captions are text (the photos themselves are not in the archive)."
)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _css() -> str:
    return resources.files("archiver.styles").joinpath("epub.css").read_text(encoding="utf-8")


def _page(title: str, file_name: str, lang: str, body: str, css: object) -> Any:
    from ebooklib import epub

    page = epub.EpubHtml(title=title, file_name=file_name, lang=lang)
    page.content = f"<html><body>{body}</body></html>"
    page.add_link(href="../styles/epub.css", rel="stylesheet", type="text/css")  # relative to text/
    return page


def _metadata(book: Any, edition: Edition) -> None:
    docs = edition.documents
    book.set_identifier(edition.identifier)
    book.set_title(edition.title)
    book.set_language(edition.lang)
    add = book.add_metadata
    for lang in edition.languages[1:]:
        add("DC", "language", lang)
    authors = list(dict.fromkeys(a.text for d in docs for a in d.meta.authors))
    for i, name in enumerate(authors[:50]):
        book.add_author(name, uid=f"creator{i:02d}")
    dates = sorted(d.published.value for d in docs if d.published)
    if dates:
        add("DC", "date", dates[0])
    for doc in docs:
        m = doc.meta
        src = m.url or m.source or m.publisher
        add("DC", "source", src.text if src else doc.provenance.file_name)
    add("DC", "publisher", "archiver")
    if len(docs) > 1:
        add(None, "meta", label("archive", edition.lang), {"property": "belongs-to-collection", "id": "coll"})
        add(None, "meta", "series", {"refines": "#coll", "property": "collection-type"})
    for prop, value in A11Y:
        add(None, "meta", value, {"property": prop})
    add(None, "meta", SUMMARY, {"property": "schema:accessibilitySummary"})


def _article_page(doc: Document, css: object) -> tuple[Any, list[str]]:
    """The article's page, and the block texts the completeness gate must find in it."""
    lang = doc.meta.language.text
    root = xhtml.article(doc)
    page = _page(
        typeset(doc.meta.title.text, lang),
        f"text/{doc.meta.archive_id}.xhtml",
        lang,
        xhtml.fragment(root),
        css,
    )
    return page, xhtml.paragraph_texts(root)


def _cover_page(edition: Edition, css: object) -> Any:
    alt = f"{label('cover', edition.lang)}: {edition.title}, {cover.subtitle(edition)}"
    root = xhtml.el(None, "section", cls="cover")
    xhtml.el(root, "img", src="../images/cover.png", alt=alt)
    return _page(edition.title, "text/cover.xhtml", edition.lang, xhtml.fragment(root), css)


def _group_page(index: int, group_label: str, n: int, lang: str, css: object) -> Any:
    root = xhtml.el(None, "section", cls="group")
    xhtml.el(root, "h1", group_label)
    xhtml.el(root, "p", count(n, lang))
    return _page(group_label, f"text/section-{index:02d}.xhtml", lang, xhtml.fragment(root), css)


def build(edition: Edition, options: object = None) -> bytes:
    """The EPUB file of an edition, as bytes; the same edition always gives the same bytes.

    EPUBs reflow, so there are no options; the parameter keeps every exporter's signature alike.
    """
    from ebooklib import epub

    book = epub.EpubBook()
    _metadata(book, edition)
    css = epub.EpubItem(uid="style", file_name="styles/epub.css", media_type="text/css", content=_css())
    book.add_item(css)
    book.set_cover("images/cover.png", cover.png(edition), create_page=False)
    cover_page = _cover_page(edition, css)
    book.add_item(cover_page)
    toc, spine = [], [cover_page, "nav"]
    expected: dict[str, list[str]] = {}
    grouped = edition.grouping != "none" and len(edition.documents) > 1
    for i, group in enumerate(edition.groups, start=1):
        if grouped:
            page = _group_page(i, group.label, len(group.documents), edition.lang, css)
            book.add_item(page)
            spine.append(page)
            toc.append(epub.Link(page.file_name, group.label, f"section-{i:02d}"))
        for doc in group.documents:
            page, expected[doc.meta.archive_id] = _article_page(doc, css)
            book.add_item(page)
            spine.append(page)
            toc.append(epub.Link(page.file_name, page.title, f"a{doc.meta.archive_id}"))
    body = xhtml.fragment(xhtml.colophon(edition))
    colophon = _page(label("colophon", edition.lang), "text/colophon.xhtml", edition.lang, body, css)
    book.add_item(colophon)
    spine.append(colophon)
    toc.append(epub.Link(colophon.file_name, colophon.title, "colophon"))
    book.toc = toc
    book.spine = spine
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav(title=label("contents", edition.lang))
    book.add_item(nav)
    first = next(p for p in spine[2:] if not isinstance(p, str))
    book.guide = [
        {"type": "cover", "href": "text/cover.xhtml", "title": label("cover", edition.lang)},
        {"type": "toc", "href": "nav.xhtml", "title": label("contents", edition.lang)},
        {"type": "bodymatter", "href": first.file_name, "title": edition.title},
    ]
    when = edition.modified()
    raw = io.BytesIO()
    options = {"mtime": when, "raise_exceptions": True, "epub3_pages": False}
    epub.write_epub(raw, book, {**options, "landmark_title": label("guide", edition.lang)})
    data = repack(raw.getvalue(), edition.lang, when)
    _check(data, expected)
    return data


def check(data: bytes, edition: Edition) -> None:
    """Completeness gate: every text block of every article is in its page, typeset."""
    _check(data, {d.meta.archive_id: xhtml.paragraph_texts(xhtml.article(d)) for d in edition.documents})


def _check(data: bytes, expected: dict[str, list[str]]) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for archive_id, want in expected.items():
            try:
                raw = zf.read(f"EPUB/text/{archive_id}.xhtml")
            except KeyError:
                raise ExportError(f"{archive_id}: article page missing from the EPUB") from None
            page = etree.fromstring(raw, etree.XMLParser(resolve_entities=False))
            have = set(xhtml.paragraph_texts(page, XHTML))
            missing = [w for w in want if w not in have]
            if missing:
                raise ExportError(f"{archive_id}: {len(missing)} blocks lost, first: {missing[0][:60]!r}")


def _fix_opf(data: bytes, lang: str) -> bytes:
    """ebooklib leaves xml:lang off <package>; readers use it for the book's language."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    root.set(XML_LANG, lang)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return out


def repack(raw: bytes, lang: str, when: datetime) -> bytes:
    """Rewrite the zip: mimetype first and stored with no extra field, fixed entry times and modes."""
    stamp = max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    src = zipfile.ZipFile(io.BytesIO(raw))
    names = ["mimetype"] + [n for n in src.namelist() if n != "mimetype"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in names:
            data = src.read(name)
            if name.endswith(".opf"):
                data = _fix_opf(data, lang)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            dst.writestr(info, data, compresslevel=9)
    return out.getvalue()
