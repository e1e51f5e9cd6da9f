"""EPUB 3 editions with ebooklib, packed by us so that the container is exact and reproducible."""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from importlib import resources
from typing import Any

from lxml import etree

from archiver.export import (
    ExportError,
    Format,
    cover,
    epub_colophon,
    epub_nav,
    epub_pages,
    xhtml,
    zipped,
)
from archiver.export.cache import RenderCache, key, styles_digest
from archiver.export.edition import Edition
from archiver.export.frame import Frame, Part, as_frame
from archiver.export.labels import colon, label

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


@dataclass(frozen=True)
class EpubOptions:
    """EPUBs reflow to the reader's screen and type: no options."""


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _css() -> str:
    return resources.files("archiver.styles").joinpath("epub.css").read_text(encoding="utf-8")


def _page(title: str, file_name: str, lang: str, body: str) -> Any:
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


def _text_page(part: Part, uid: str, element: Any) -> tuple[Any, Any]:
    """A part as its own page, and its (flat, NCX) table-of-contents entry."""
    from ebooklib import epub

    page = _page(part.title, epub_nav.page_file(part), part.lang, xhtml.fragment(element))
    return page, epub.Link(page.file_name, part.title, uid)


SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"


def _cover_page(part: Part, edition: Edition, element: Any) -> tuple[Any, Any]:
    """The cover image (stores and shelves want one) as the first page; its words are the alt text.

    The image sits in an SVG viewport scaled to the screen with its proportions kept, as
    calibre's cover pages do: an img's max-height has nothing to be a percentage of on most
    readers, so the cover ran off the screen.
    """
    words = ", ".join(w for w in (part.title, cover.subtitle(edition)) if w)
    alt = f"{label('cover', part.lang)}{colon(part.lang)}{words}"
    width, height = cover.SIZE
    root = xhtml.el(None, "section", cls="cover")
    svg = etree.SubElement(
        root,
        f"{{{SVG}}}svg",
        nsmap={None: SVG, "xlink": XLINK},
        attrib={
            "version": "1.1",
            "width": "100%",
            "height": "100%",
            "viewBox": f"0 0 {width} {height}",
            "preserveAspectRatio": "xMidYMid meet",
            "role": "img",
            "aria-label": alt,
        },
    )
    etree.SubElement(svg, f"{{{SVG}}}title").text = alt
    image = etree.SubElement(svg, f"{{{SVG}}}image", width=str(width), height=str(height))
    image.set(f"{{{XLINK}}}href", "../images/cover.png")
    return _exact_page(part.title, epub_nav.page_file(part), part.lang, root, ["svg"]), None


def _exact_page(title: str, file_name: str, lang: str, body: Any, properties: list[str]) -> Any:
    """A page written exactly as built (ebooklib re-parses pages as HTML, which lowercases SVG's
    viewBox and preserveAspectRatio and so breaks the scaling)."""
    root = etree.Element(f"{XHTML}html", nsmap={None: XHTML[1:-1]})
    root.set("lang", lang)
    root.set(XML_LANG, lang)
    head = etree.SubElement(root, f"{XHTML}head")
    etree.SubElement(head, f"{XHTML}title").text = title
    etree.SubElement(head, f"{XHTML}link", href="../styles/epub.css", rel="stylesheet", type="text/css")
    etree.SubElement(root, f"{XHTML}body").append(_in_xhtml(body))
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")
    return _fixed_page(title, file_name, lang, data, properties)


def _fixed_page(title: str, file_name: str, lang: str, data: bytes, properties: list[str]) -> Any:
    """A page whose bytes ebooklib writes as they are."""
    page = _exact()(title=title, file_name=file_name, lang=lang)
    page.data = data
    page.properties.extend(properties)
    return page


@functools.cache
def _exact() -> type:
    """ebooklib's page whose content is bytes given (one class, made when ebooklib is first needed)."""
    from ebooklib import epub

    class Exact(epub.EpubHtml):  # type: ignore[misc]
        data = b""

        def get_content(self, default: Any = None) -> bytes:
            return self.data

    return Exact


def _in_xhtml(element: Any) -> Any:
    """A copy of `element` with its un-namespaced (HTML) elements in the XHTML namespace."""
    out = copy.deepcopy(element)
    for node in out.iter():
        if isinstance(node.tag, str) and not node.tag.startswith("{"):
            node.tag = XHTML + node.tag
    return out


# Part kind -> (spine item, NCX link or None), from the part and its page's element. "contents" is
# the navigation document, written once every page is known; section links keep their stem as id.
PAGES: dict[str, Callable[[Part, Edition, Any], tuple[Any, Any]]] = {
    "cover": _cover_page,
    "contents": lambda part, edition, element: (NAV, None),
    "section": lambda part, edition, element: _text_page(part, part.name, element),
    "article": lambda part, edition, element: _text_page(part, part.id, element),
    "colophon": lambda part, edition, element: _text_page(part, part.id, element),
}
PAGE_BREAK_SOURCE = "pageBreakSource"  # W3C "EPUB page source identification" (epubcheck knows it)
NAV = "nav"  # the navigation document's place in the spine until it is made


def _elements(
    framed: Frame, kept: Mapping[str, epub_pages.KeptPage]
) -> tuple[dict[str, Any], list[epub_nav.PageTarget]]:
    """Each part's page content, and the printed pages marked in it (none for the `kept` pages).

    Articles get ids on their section headings (the nav links to them). When a PDF of the same
    edition was made in this run, each section and article gets a page-break marker where each
    of its printed pages starts.
    """
    printed = framed.context.printed.get(framed.edition.identifier)
    elements: dict[str, Any] = {}
    targets: list[epub_nav.PageTarget] = []
    for part in framed.parts:
        if part.id in kept:
            continue
        element = part.element
        if part.kind == "article":
            element = epub_nav.with_section_ids(element, part.id)
        if printed is not None and part.kind in ("section", "article", "colophon"):
            from archiver.export import page_list  # only beside a printed edition

            element, placed = page_list.mark(element, part.id, printed)
            href = epub_nav.page_file(part)
            targets += [epub_nav.PageTarget(label, f"{href}#{anchor}") for label, anchor in placed]
        elements[part.id] = element
    return elements, targets


def render(source: Frame | Edition, options: EpubOptions | None = None) -> bytes:
    """The EPUB file of an edition, as bytes; the same edition always gives the same bytes."""
    from ebooklib import epub

    framed = as_frame(source)
    edition = framed.edition
    book = epub.EpubBook()
    _metadata(book, edition)
    book.add_item(
        epub.EpubItem(uid="style", file_name="styles/epub.css", media_type="text/css", content=_css())
    )
    cache = framed.context.cache
    book.set_cover("images/cover.png", cover.png(edition, cache), create_page=False)
    printed = framed.context.printed.get(edition.identifier)
    keeps = cache is not None and printed is None  # pages marked for a PDF are made every time
    kept = _kept_pages(framed) if keeps else {}
    colophon = framed.of("colophon")
    if keeps and colophon and colophon[0].id not in kept:  # made of kept entries, then kept whole
        spliced = epub_colophon.page(framed, partial(_page_bytes, book, colophon[0]))
        if spliced is not None:
            kept[colophon[0].id] = epub_pages.KeptPage(spliced, b"", [])
    elements, pages = _elements(framed, kept)
    if pages and printed is not None:  # the print edition's identifier, as its XMP dc:identifier gives it
        book.add_metadata(None, "meta", printed.source, {"property": PAGE_BREAK_SOURCE})
    for part in framed.parts:
        page, link = (
            _kept_page(part, kept[part.id]) if part.id in kept else _made_page(part, edition, elements)
        )
        if page is not NAV:
            book.add_item(page)
        book.spine.append(page)
        if link is not None:
            book.toc.append(link)  # flat: the NCX, for old Kobo firmware, stays one level
    _guide(book, edition)
    book.add_item(epub.EpubNcx())
    sections = {
        p.id: kept[p.id].sections
        if p.id in kept
        else epub_nav.sections(elements[p.id], epub_nav.page_file(p))
        for p in framed.of("article")
    }
    _navigation(book, framed, sections, pages)
    members: dict[str, bytes] = {}
    deflated = {k.page: k.deflated for k in kept.values() if k.deflated}
    keep: dict[str, str] = {}  # member -> the name its page is kept under, for pages made now
    for part in framed.parts if keeps else ():
        made_now = part.id not in kept or not kept[part.id].deflated  # a colophon of kept entries
        name = epub_pages.name(cache, framed, part) if made_now and cache is not None else None
        if name is not None:
            keep[f"EPUB/{epub_nav.page_file(part)}"] = name
    data = _write(book, edition, _deflater(cache, deflated, keep), members)
    made = [p for p in framed.of("article") if p.id not in kept]
    articles = {p.name: partial(_texts, p) for p in made}  # parsed only if checked
    # the pages as zipped (the zip's own CRCs guard the rest); a page kept whole needs no record of its pass
    _check(members.get, articles, framed, record=not keep)
    if cache is not None:
        for part in framed.parts:
            member = f"EPUB/{epub_nav.page_file(part)}"
            if member in keep:
                page = members[member]
                found = epub_pages.KeptPage(page, deflated[page], sections.get(part.id, []))
                epub_pages.keep(cache, keep[member], found)
    return data


def _kept_pages(framed: Frame) -> dict[str, epub_pages.KeptPage]:
    """The pages the render cache holds (articles', the colophon's), by part id."""
    cache = framed.context.cache
    found: dict[str, epub_pages.KeptPage] = {}
    if cache is None:
        return found
    for part in framed.parts:
        name = epub_pages.name(cache, framed, part)
        page = epub_pages.read(cache, name) if name else None
        if page is not None:
            found[part.id] = page
            if part.kind == "article":  # an article's rendering reused (its XHTML is not even read)
                cache.hits += 1
    return found


def _kept_page(part: Part, kept: epub_pages.KeptPage) -> tuple[Any, Any]:
    """A page from the render cache, and its table-of-contents entry."""
    from ebooklib import epub

    page = _fixed_page(part.title, epub_nav.page_file(part), part.lang, kept.page, [])  # numbered as made
    return page, epub.Link(page.file_name, part.title, part.id)


def _page_bytes(book: Any, part: Part, element: Any) -> bytes:
    """The bytes ebooklib writes for a text page of `element` (as `_text_page` makes it) in `book`."""
    page = _page(part.title, epub_nav.page_file(part), part.lang, xhtml.fragment(element))
    page.book = book
    data: bytes = page.get_content()
    return data


def _made_page(part: Part, edition: Edition, elements: dict[str, Any]) -> tuple[Any, Any]:
    return PAGES[part.kind](part, edition, elements[part.id])


def _texts(part: Part) -> list[str]:
    return xhtml.paragraph_texts(part.element)


def _deflater(
    cache: RenderCache | None, known: dict[bytes, bytes], whole: Mapping[str, str]
) -> Callable[[str, bytes], bytes]:
    """Deflate a member, or take its compressed bytes from `known` (kept pages) or the render cache
    (keyed by content and zlib); `known` receives every member's compressed bytes. The members in
    `whole` are pages about to be kept whole (compressed bytes included): not cached apart."""

    def deflated(member: str, data: bytes) -> bytes:
        found = known.get(data)
        if found is None:
            if cache is None or member in whole:
                found = zipped.deflate(data)
            else:
                name = key(zlib.ZLIB_RUNTIME_VERSION, hashlib.sha256(data).hexdigest())
                found = cache.checked("epub-deflated", name, lambda: zipped.deflate(data))
            known[data] = found
        return found

    return deflated


def _navigation(
    book: Any, framed: Frame, sections: dict[str, list[epub_nav.Entry]], pages: list[epub_nav.PageTarget]
) -> None:
    """The navigation document, in the spine but out of the linear reading order (`linear="no"`)."""
    lang = framed.edition.lang
    toc = epub_nav.entries(framed, sections)
    landmarks = [(LANDMARKS.get(g["type"], g["type"]), g["href"], g["title"]) for g in book.guide]
    cache = framed.context.cache
    make = partial(epub_nav.document, framed, toc, landmarks, pages)
    if cache is None:
        data = make()
    else:  # kept under all it is made from: the entries, landmarks and pages, language, rendering version
        name = key(styles_digest(), "epub-nav", lang, repr(toc), repr(landmarks), repr(pages))
        data = cache.checked("epub-nav", name, make)
    nav = _fixed_page(label("contents", lang), "nav.xhtml", lang, data, ["nav"])
    nav.id = NAV
    book.add_item(nav)
    book.spine = [(nav, "no") if item is NAV else item for item in book.spine]


LANDMARKS = {"text": "bodymatter"}  # EPUB 2 guide types whose EPUB 3 landmark differs


def _guide(book: Any, edition: Edition) -> None:
    first = next(p for p in book.spine[1:] if p is not NAV)
    book.guide = [
        {"type": "cover", "href": "text/cover.xhtml", "title": label("cover", edition.lang)},
        {"type": "toc", "href": "nav.xhtml", "title": label("contents", edition.lang)},
        {"type": "bodymatter", "href": first.file_name, "title": edition.title},
    ]


def _write(
    book: Any, edition: Edition, deflated: Callable[[str, bytes], bytes], members: dict[str, bytes]
) -> bytes:
    """The container, zipped once: ebooklib makes the members (package document, NCX, pages), which
    are packed as they come, the package document with its language set."""
    when = edition.modified()
    options = {
        "mtime": when,
        "raise_exceptions": True,
        "epub3_pages": False,
        "epub3_landmark": False,  # the navigation document is ours (epub_nav)
    }
    return pack(made_members(book, options), edition.lang, when, deflated, members)


class _Members:
    """Stands in for the zip ebooklib's writer fills: keeps each member's name and bytes, in order."""

    def __init__(self) -> None:
        self.made: list[tuple[str, bytes]] = []

    def writestr(self, name: str, data: str | bytes, compress_type: Any = None) -> None:
        self.made.append((name, data.encode("utf-8") if isinstance(data, str) else data))  # as zipfile

    def close(self) -> None:
        """Nothing to close: no zip was opened."""


def made_members(book: Any, options: dict[str, Any]) -> list[tuple[str, bytes]]:
    """What ebooklib's `write_epub` would zip, in its order, without writing a zip to read back."""
    from ebooklib import epub

    writer = epub.EpubWriter(None, book, options)
    writer.process()
    out = writer.out = _Members()
    out.writestr("mimetype", "application/epub+zip")
    writer._write_container()  # what EpubWriter.write does, after it opened its zip
    writer._write_opf()
    writer._write_items()
    return out.made


def check(data: bytes, edition: Edition) -> None:
    """Completeness gate: every text block of every article is in its page, typeset."""
    wanted = {
        d.meta.archive_id: lambda d=d: xhtml.paragraph_texts(xhtml.article(d)) for d in edition.documents
    }
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        _check(lambda name: zf.read(name) if name in names else None, wanted)


def _check(
    read: Callable[[str], bytes | None],
    expected: Mapping[str, Callable[[], list[str]]],
    framed: Frame | None = None,
    record: bool = True,
) -> None:
    """Each article page holds its blocks; a page whose exact bytes passed before is not parsed again.

    Without `record`, a pass is not recorded apart (the caller keeps the page whole once it passed).
    """
    cache = framed.context.cache if framed else None
    for archive_id, want in expected.items():
        raw = read(f"EPUB/text/{archive_id}.xhtml")
        if raw is None:
            raise ExportError(f"{archive_id}: article page missing from the EPUB")
        base = cache.article_key(archive_id, "epub-page-passed") if cache else None
        passed = key(base, hashlib.sha256(raw).hexdigest()) if base else None
        if cache and passed and cache.passed("passed", passed):
            continue
        page = etree.fromstring(raw, etree.XMLParser(resolve_entities=False))
        have = set(xhtml.paragraph_texts(page, XHTML))
        missing = [w for w in want() if w not in have]
        if missing:
            raise ExportError(f"{archive_id}: {len(missing)} blocks lost, first: {missing[0][:60]!r}")
        if cache and passed and record:
            cache.record_pass("passed", passed)


def _fix_opf(data: bytes, lang: str) -> bytes:
    """ebooklib leaves xml:lang off <package>; readers use it for the book's language."""
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    root.set(XML_LANG, lang)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return out


def pack(
    made: list[tuple[str, bytes]],
    lang: str,
    when: datetime,
    deflated: Callable[[str, bytes], bytes] = lambda member, data: zipped.deflate(data),
    members: dict[str, bytes] | None = None,
) -> bytes:
    """The container: mimetype first and stored with no extra field, fixed entry times and modes.

    `members`, if given, receives each member's bytes as zipped (for the completeness gate).
    """
    stamp = max(when.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    ordered = [m for m in made if m[0] == "mimetype"] + [m for m in made if m[0] != "mimetype"]

    current = [""]  # the member zipped.pack compresses: the last one it took

    def each() -> Iterator[tuple[str, bytes, bool]]:
        for name, data in ordered:
            if name.endswith(".opf"):
                data = _fix_opf(data, lang)
            if members is not None:
                members[name] = data
            current[0] = name
            yield name, data, name != "mimetype"

    return zipped.pack(each(), stamp, lambda data: deflated(current[0], data))


EXPORTER = Format(
    name="epub",
    suffix=".epub",
    description="EPUB 3 for e-readers: reflowable, accessible, checked with epubcheck",
    Options=EpubOptions,
    render=render,
    check=check,
)
