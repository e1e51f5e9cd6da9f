"""The XHTML projection of one Document (header and body blocks), typeset in its language."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lxml import etree

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
from archiver.document.xmlio import fill_mixed
from archiver.export.labels import colon, format_date, label
from archiver.export.typography import typeset, typeset_marked

BLOCK_TAGS = ("p", "li", "figcaption", "h2", "h3", "h4", "h5", "h6", "pre")
_WEB_URL = re.compile(r"^https?://[^\s<>\"]{1,2000}$")
Element = Any


def el(parent: Element | None, tag: str, text: str | None = None, **attrs: str) -> Element:
    """A new (X)HTML element; `cls` is the class attribute, `aria_hidden` becomes aria-hidden."""
    new = etree.Element(tag) if parent is None else etree.SubElement(parent, tag)
    for key, value in attrs.items():
        new.set("class" if key == "cls" else key.replace("_", "-"), value)
    if text is not None:
        new.text = text
    return new


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
    head = el(parent, "header", cls="article-head")
    if meta.kicker:
        el(head, "p", t(meta.kicker.text), cls="kicker")
    el(head, "h1", t(meta.title.text), cls="title")
    if meta.subtitle:
        el(head, "p", t(meta.subtitle.text), cls="subtitle")
    facts = el(head, "p", cls="facts")
    parts: list[Element] = []
    date = doc.published
    if date is not None:
        parts.append(el(None, "time", format_date(date, lang), datetime=date.value))
    source = meta.source or meta.publisher
    for text in (byline_text(doc), source.text if source else ""):
        if text:
            parts.append(el(None, "span", t(text)))
    for i, part in enumerate(parts):
        if i:
            el(facts, "span", " · ", cls="sep", aria_hidden="true")
        facts.append(part)
    if not parts:
        head.remove(facts)
    if meta.dateline and not (date is not None and date.raw == meta.dateline.text):  # a bare date is shown
        el(head, "p", t(meta.dateline.text), cls="dateline")
    if meta.url:
        _url(head, meta.url.text)
    return head


def _url(head: Element, url: str) -> None:
    """Where the article was published, as written (for CC BY sources it is the credit); linked if web."""
    line = el(head, "p", cls="url")
    if _WEB_URL.match(url):
        el(line, "a", url, href=url)
    else:
        line.text = url


def _block(parent: Element, block: Block, lang: str, t: Any, t_marked: Any) -> None:
    match block:
        case Paragraph(text, em):
            typeset_text, spans = t_marked(text, em)
            fill_mixed(el(parent, "p"), typeset_text, spans, "em")
        case Heading(text, level):
            el(parent, f"h{level}", t(text))
        case Quote(blocks):
            quote = el(parent, "blockquote")
            for inner in blocks:
                _block(quote, inner, lang, t, t_marked)
        case ListBlock(items, ordered):
            lst = el(parent, "ol" if ordered else "ul")
            for item in items:
                el(lst, "li", t(item))
        case Figure(caption, credit, credit_label):
            fig = el(parent, "figure", cls="photo")
            cap = el(fig, "figcaption", t(caption))
            if credit:
                sep = colon(lang)  # French: a narrow no-break space before the colon
                # The source's own word ("Bild: dpa" stays "Bild"), capitalised as it opens the credit.
                word = credit_label[:1].upper() + credit_label[1:] if credit_label else label("photo", lang)
                credit_el = el(cap, "span", f"{word}{sep}{t(credit)}", cls="credit")
                credit_el.tail = None
                cap.text = (cap.text or "") + " "
        case Preformatted(text, em):
            typeset_text, spans = t_marked(text, em)
            fill_mixed(el(parent, "pre"), typeset_text, spans, "em")
        case Break():
            el(parent, "hr", cls="break")


def article(doc: Document, typography: bool = True) -> Element:
    """<article> with the header and every body block; text typeset in the article's language."""
    lang = doc.meta.language.text

    def t(text: str) -> str:
        return typeset(text, lang) if typography else text

    def t_marked(text: str, em: tuple[tuple[int, int], ...]) -> tuple[str, Sequence[tuple[int, int]]]:
        return typeset_marked(text, em, lang) if typography else (text, em)

    root = el(None, "article", lang=lang, id=f"a{doc.meta.archive_id}")
    header(root, doc, t)
    for block in doc.body:
        _block(root, block, lang, t, t_marked)
    if doc.meta.signature:  # a signature, as written: line breaks and spacing kept, no typography
        el(root, "pre", doc.meta.signature.text, cls="signature")
    return root


def fragment(el: Element) -> str:
    """Serialize an element (no namespace) as XHTML-compatible markup."""
    text: str = etree.tostring(el, encoding="unicode", method="xml")
    return text


def paragraph_texts(root: Element, ns: str = "") -> list[str]:
    """The text of every p, li, figcaption, pre and heading below `root`, white space folded.

    `ns` is "{http://www.w3.org/1999/xhtml}" for pages read back from an EPUB.
    """
    return [" ".join("".join(e.itertext()).split()) for e in root.iter(*(ns + t for t in BLOCK_TAGS))]
