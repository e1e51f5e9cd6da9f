"""The edition frame, built once for every format: cover, contents, sections, articles, colophon."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from archiver import RULES_VERSION, __version__
from archiver.document.model import Document
from archiver.export import cover, xhtml
from archiver.export.cache import Context
from archiver.export.edition import Edition, Group
from archiver.export.labels import count, label
from archiver.export.typography import typeset
from archiver.export.xhtml import Element, el

KINDS = ("cover", "contents", "section", "article", "colophon")


@dataclass(frozen=True)
class Part:
    """One part of an edition, in reading order, as format-neutral XHTML.

    Formats never change `element` (the same frame may feed several formats): they copy it,
    serialize it, or print the part their own way from its kind, title and id. An article's
    XHTML is kept serialized and parsed on each use: an edition holds thousands, and a parsed
    tree takes about four times the memory of its bytes (the PDF's parent process holds the
    frame while its render workers run). With a render cache, an article's XHTML is read from
    it when first asked for: an EPUB whose page of the article is kept never asks.
    """

    kind: str  # one of KINDS
    id: str  # the anchor in a one-document edition: "cover", "contents", "g01", "a<archive id>", "colophon"
    name: str  # the file stem where a format splits the edition: "cover", "section-01", "<archive id>"
    title: str  # typeset, as tables of contents and outlines show it
    lang: str
    source: Element | bytes | Callable[[], Element | bytes]  # `kept`, or what makes it on first use
    document: Document | None = None  # the article, for article parts

    @property
    def kept(self) -> Element | bytes:
        """The XHTML, or its serialization (UTF-8 XML)."""
        return self.source() if callable(self.source) else self.source

    @property
    def element(self) -> Element:
        """The part's XHTML (a new tree each time when kept serialized)."""
        kept = self.kept
        if isinstance(kept, bytes):
            return etree.fromstring(kept, etree.XMLParser(resolve_entities=False, huge_tree=True))
        return kept


@dataclass(frozen=True)
class Frame:
    """An edition as an ordered list of parts: what every format prints, in the order it prints it."""

    edition: Edition
    parts: tuple[Part, ...]
    context: Context = field(default_factory=Context)  # the render cache and worker count formats may use

    @property
    def grouped(self) -> bool:
        """Whether the edition has section heads (a grouping other than none, more than one article)."""
        return any(p.kind == "section" for p in self.parts)

    def of(self, kind: str) -> list[Part]:
        return [p for p in self.parts if p.kind == kind]


def frame(edition: Edition, context: Context | None = None) -> Frame:
    """Build the frame of an edition: every part's XHTML, typeset in its own language.

    With a render cache in `context`, an article's XHTML is read from the cache when its XML,
    the stylesheets and the rendering version are what they were.
    """
    context = context or Context()
    return Frame(edition, tuple(_parts(edition, context)), context)


def as_frame(source: Frame | Edition) -> Frame:
    """The frame itself, or the frame of an edition (exporters accept either)."""
    return source if isinstance(source, Frame) else frame(source)


def _parts(edition: Edition, context: Context) -> Iterator[Part]:
    grouped = edition.grouping != "none" and len(edition.documents) > 1
    yield _cover(edition)
    yield Part(
        "contents",
        "contents",
        "nav",
        label("contents", edition.lang),
        edition.lang,
        once(_contents, edition, grouped),
    )
    done, total = 0, len(edition.documents)
    for i, group in enumerate(edition.groups, start=1):
        if grouped:
            yield _section(i, group, edition.lang)
        for doc in group.documents:
            yield _article(doc, context)
            done += 1
            if done % 50 == 0 or done == total:
                context.stage("typeset", done, total)
    made = once(colophon, edition)  # made when a format asks (an EPUB may have its page kept)
    yield Part("colophon", "colophon", "colophon", label("colophon", edition.lang), edition.lang, made)


def once(make: Callable[..., Element | bytes], *args: Any) -> Callable[[], Element | bytes]:
    """A part's XHTML made on first use, then the same (an EPUB with kept pages needs none)."""
    made: list[Element | bytes] = []  # a closure, not functools.cache: a thousand of those cost 0.05 s

    def kept() -> Element | bytes:
        if not made:
            made.append(make(*args))
        return made[0]

    return kept


def _cover(edition: Edition) -> Part:
    root = el(None, "section", cls="cover")
    el(root, "h1", edition.title)
    for line in cover.subtitle_lines(edition):
        el(root, "p", line)
    el(root, "p", "archiver", cls="maker")
    return Part("cover", "cover", "cover", edition.title, edition.lang, root)


def _contents(edition: Edition, grouped: bool) -> Element:
    lang = edition.lang
    root = el(None, "nav", cls="contents")
    el(root, "h1", label("contents", lang))
    items = el(root, "ol")
    for group in edition.groups:
        if grouped:
            el(items, "li", group.label, cls="group")
        for doc in group.documents:
            entry = el(items, "li", lang=doc.meta.language.text)
            el(
                entry,
                "a",
                typeset(doc.meta.title.text, doc.meta.language.text),
                href=f"#a{doc.meta.archive_id}",
            )
    return root


def _section(index: int, group: Group, lang: str) -> Part:
    root = el(None, "section", cls="group")
    el(root, "h1", group.label)
    el(root, "p", count(len(group.documents), lang))
    return Part("section", f"g{index:02d}", f"section-{index:02d}", group.label, lang, root)


def _article(doc: Document, context: Context) -> Part:
    meta = doc.meta
    lang = meta.language.text
    title = typeset(meta.title.text, lang)
    kept = once(_article_xhtml, doc, context) if context.cache else _article_xhtml(doc, context)
    return Part("article", f"a{meta.archive_id}", meta.archive_id, title, lang, kept, doc)


def _article_xhtml(doc: Document, context: Context) -> bytes:
    """The article's XHTML serialized (see Part), from the render cache when it holds this very rendering."""
    cache = context.cache
    name = cache.article_key(doc.meta.archive_id, "xhtml") if cache else None
    if cache is None or name is None:
        return _serialized(xhtml.article(doc))
    found = cache.get("xhtml", name)
    if found is not None:
        return found
    cache.misses += 1
    data = _serialized(xhtml.article(doc))
    cache.put("xhtml", name, data)
    return data


def _serialized(element: Element) -> bytes:
    data: bytes = etree.tostring(element, encoding="utf-8")
    return data


# How the colophon says where a value came from (origin in the canonical XML -> words).
ORIGIN_WORDS = {
    "layout": "taken from the layout",
    "detected": "detected",
    "derived": "derived",
    "explicit": "given",
}


def _inferred(doc: Document) -> list[str]:
    """One sentence per value that the source did not state outright."""
    m = doc.meta
    values = [("title", m.title), ("language", m.language)] + [("author", a) for a in m.authors]
    values += [(name, v) for name in ("byline", "dateline") if (v := getattr(m, name)) is not None]
    out = [
        f"The {name} was {ORIGIN_WORDS[v.how.origin]} ({v.how.method}, confidence {v.how.confidence:.2f})"
        for name, v in values
        if v.how.origin != "explicit"
    ]
    out += [
        f"The {d.kind} date {d.value} was {ORIGIN_WORDS[d.how.origin]} ({d.how.method})"
        for d in m.dates
        if d.how.origin != "explicit"
    ]
    return out


def _provenance(doc: Document) -> list[str]:
    m, p = doc.meta, doc.provenance
    facts = [
        f"Original file: {p.file_name} ({p.size} bytes, {p.encoding}, {p.newline} line ends)",
        f"SHA-256: {p.sha256}",
        f"Archive id: {m.archive_id}",
        f"Read as dialect {p.dialect} (confidence {p.dialect_confidence:.2f})",
    ]
    facts += [f"Archived {e.when} by {e.tool} {e.tool_version}, rules {e.rules_version}" for e in p.events]
    return facts + _inferred(doc)


def colophon(edition: Edition) -> Element:
    """Where every article came from: file, checksum, tool, and what was inferred."""
    root = colophon_shell(edition)
    for doc in edition.documents:
        colophon_entry(root, doc)
    return root


def colophon_shell(edition: Edition) -> Element:
    """The colophon without its articles' entries: heading and what the edition was made from."""
    root = el(None, "section", cls="colophon", id="colophon")
    el(root, "h1", label("colophon", edition.lang))
    el(
        root,
        "p",
        typeset(
            f"Made by archiver {__version__} (ingest rules {RULES_VERSION}) from the canonical XML of "
            f"{count(len(edition.documents), 'en')}. Quotes, apostrophes and dashes were set for each "
            "article's language; the archived text keeps the source's own characters.",
            "en",
        ),
        lang="en",
    )
    return root


def colophon_entry(root: Element, doc: Document) -> None:
    """One article's entry in the colophon: its title, then its file, checksum and inferences."""
    lang = doc.meta.language.text
    el(root, "h2", typeset(doc.meta.title.text, lang), lang=lang)
    items = el(root, "ul", lang="en")
    for text in _provenance(doc):
        el(items, "li", text)
