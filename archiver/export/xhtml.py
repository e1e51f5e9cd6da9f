"""The shared XHTML projection of a Document, used by the EPUB and the PDF exports."""

from __future__ import annotations

from typing import Any

from lxml import etree

from archiver import RULES_VERSION, __version__
from archiver.document.model import (
    Block,
    Break,
    Document,
    Figure,
    Heading,
    ListBlock,
    Paragraph,
    Preformatted,
    Quote,
)
from archiver.export.edition import Edition
from archiver.export.labels import count, format_date, label
from archiver.export.typography import typeset, typeset_marked

BLOCK_TAGS = ("p", "li", "figcaption", "h2", "h3", "h4", "h5", "h6", "pre")
Element = Any


def _el(parent: Element | None, tag: str, text: str | None = None, **attrs: str) -> Element:
    el = etree.Element(tag) if parent is None else etree.SubElement(parent, tag)
    for key, value in attrs.items():
        el.set("class" if key == "cls" else key.replace("_", "-"), value)
    if text is not None:
        el.text = text
    return el


def byline_text(doc: Document) -> str:
    """The byline as printed, else "By A and B" in the article's language."""
    meta = doc.meta
    if meta.byline:
        return meta.byline.text
    if not meta.authors:
        return ""
    lang = meta.language.text
    names = [a.text for a in meta.authors]
    joined = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {label('and', lang)} {names[-1]}"
    return f"{label('by', lang)} {joined}"


def header(parent: Element, doc: Document, t: Any) -> Element:
    """Title, kicker, subtitle, then date · byline · source, as in every edition."""
    meta, lang = doc.meta, doc.meta.language.text
    head = _el(parent, "header", cls="article-head")
    if meta.kicker:
        _el(head, "p", t(meta.kicker.text), cls="kicker")
    _el(head, "h1", t(meta.title.text), cls="title")
    if meta.subtitle:
        _el(head, "p", t(meta.subtitle.text), cls="subtitle")
    facts = _el(head, "p", cls="facts")
    parts: list[Element] = []
    date = doc.published
    if date is not None:
        parts.append(_el(None, "time", format_date(date, lang), datetime=date.value))
    source = meta.source or meta.publisher
    for text in (byline_text(doc), source.text if source else ""):
        if text:
            parts.append(_el(None, "span", t(text)))
    for i, part in enumerate(parts):
        if i:
            _el(facts, "span", " · ", cls="sep", aria_hidden="true")
        facts.append(part)
    if not parts:
        head.remove(facts)
    return head


def _block(parent: Element, block: Block, lang: str, t: Any) -> None:
    match block:
        case Paragraph(text, em):
            _marked(_el(parent, "p"), text, em, lang, t)
        case Heading(text, level):
            _el(parent, f"h{level}", t(text))
        case Quote(blocks):
            quote = _el(parent, "blockquote")
            for inner in blocks:
                _block(quote, inner, lang, t)
        case ListBlock(items, ordered):
            lst = _el(parent, "ol" if ordered else "ul")
            for item in items:
                _el(lst, "li", t(item))
        case Figure(caption, credit):
            fig = _el(parent, "figure", cls="photo")
            cap = _el(fig, "figcaption", t(caption))
            if credit:
                sep = " : " if lang.startswith("fr") else ": "
                credit_el = _el(cap, "span", f"{label('photo', lang)}{sep}{t(credit)}", cls="credit")
                credit_el.tail = None
                cap.text = (cap.text or "") + " "
        case Preformatted(text):
            _el(parent, "pre", text)
        case Break():
            _el(parent, "hr", cls="break")


def _marked(el: Element, text: str, em: tuple[tuple[int, int], ...], lang: str, t: Any) -> None:
    """Fill `el` with typeset text and <em> for the emphasised spans."""
    if not em:
        el.text = t(text)
        return
    typeset_text, spans = typeset_marked(text, em, lang) if t is not _plain else (text, list(em))
    pos, last = 0, None
    for start, end in spans:
        if last is None:
            el.text = typeset_text[pos:start]
        else:
            last.tail = typeset_text[pos:start]
        last = _el(el, "em", typeset_text[start:end])
        pos = end
    if last is not None:
        last.tail = typeset_text[pos:]


def _plain(text: str) -> str:
    return text


def article(doc: Document, typography: bool = True) -> Element:
    """<article> with the header and every body block; text typeset in the article's language."""
    lang = doc.meta.language.text

    def typeset_lang(text: str) -> str:
        return typeset(text, lang)

    t = typeset_lang if typography else _plain

    root = _el(None, "article", lang=lang, id=f"a{doc.meta.archive_id}")
    header(root, doc, t)
    for block in doc.body:
        _block(root, block, lang, t)
    return root


def fragment(el: Element) -> str:
    """Serialize an element (no namespace) as XHTML-compatible markup."""
    text: str = etree.tostring(el, encoding="unicode", method="xml")
    return text


def paragraph_texts(el: Element) -> list[str]:
    """The text of every p, li, figcaption and heading below `el` (for completeness checks)."""
    return [" ".join("".join(e.itertext()).split()) for e in el.iter(*BLOCK_TAGS)]


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


def colophon(edition: Edition) -> Element:
    """Where every article came from: file, checksum, tool, and what was inferred."""
    root = etree.Element("section", {"class": "colophon", "id": "colophon"})
    etree.SubElement(root, "h1").text = label("colophon", edition.lang)
    intro = etree.SubElement(root, "p", lang="en")
    intro.text = typeset(
        f"Made by archiver {__version__} (ingest rules {RULES_VERSION}) from the canonical XML of "
        f"{count(len(edition.documents), 'en')}. Quotes, apostrophes and dashes were set for each "
        "article's language; the archived text keeps the source's own characters.",
        "en",
    )
    for doc in edition.documents:
        m, p = doc.meta, doc.provenance
        etree.SubElement(root, "h2", lang=m.language.text).text = typeset(m.title.text, m.language.text)
        items = etree.SubElement(root, "ul", lang="en")
        facts = [
            f"Original file: {p.file_name} ({p.size} bytes, {p.encoding}, {p.newline} line ends)",
            f"SHA-256: {p.sha256}",
            f"Archive id: {m.archive_id}",
            f"Read as dialect {p.dialect} (confidence {p.dialect_confidence:.2f})",
        ]
        facts += [
            f"Archived {e.when} by {e.tool} {e.tool_version}, rules {e.rules_version}" for e in p.events
        ]
        for text in facts + _inferred(doc):
            etree.SubElement(items, "li").text = text
    return root
