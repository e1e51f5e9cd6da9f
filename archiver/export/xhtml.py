"""The XHTML projection of one Document (header and body blocks), typeset in its language."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from lxml import etree

from archiver.document.model import (
    Block,
    Break,
    Document,
    Epigraph,
    Figure,
    Heading,
    ListBlock,
    Note,
    Paragraph,
    Preformatted,
    Quote,
)
from archiver.export import footnotes
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


_CALL = "\ue002"  # where a note is called, carried through typesetting (a private-use character)


@dataclass(frozen=True)
class Setter:
    """How an article's blocks are set: in which language, typeset or not, and its note labels."""

    lang: str
    typography: bool = True
    prefix: str = ""  # the article's anchor, which note anchors start with
    labels: Mapping[str, str] = field(default_factory=dict)  # note id -> label as the source gave it

    def t(self, text: str) -> str:
        return typeset(text, self.lang) if self.typography else text

    def within(self, lang: str) -> Setter:
        """The setter for a block in its own language (quotes, dashes and hyphenation follow it)."""
        return replace(self, lang=lang) if lang and lang != self.lang else self

    def marked(
        self, text: str, em: tuple[tuple[int, int], ...], calls: tuple[tuple[int, str], ...]
    ) -> tuple[str, Sequence[tuple[int, int]], list[tuple[int, str]]]:
        """Typeset text, its emphasis spans and its note calls at their new offsets."""
        if not self.typography:
            return text, em, list(calls)
        if not calls:
            done, spans_done = typeset_marked(text, em, self.lang)
            return done, spans_done, []
        ats = [at for at, _ in calls]  # in order; none falls inside an emphasised span
        pieces = [text[start:end] for start, end in zip([0, *ats], [*ats, len(text)], strict=True)]
        # a span moves right by the calls inserted before it (a call at its start comes first)
        spans = tuple((s + bisect_right(ats, s), e + bisect_left(ats, e)) for s, e in em)
        done, new_spans = typeset_marked(_CALL.join(pieces), spans, self.lang)
        return _without_calls(done, new_spans, [note for _, note in calls])


def _without_calls(
    text: str, spans: Sequence[tuple[int, int]], notes: list[str]
) -> tuple[str, list[tuple[int, int]], list[tuple[int, str]]]:
    """The call characters taken out of typeset text: spans shifted, each call's offset recorded."""
    cuts = [i for i, ch in enumerate(text) if ch == _CALL]
    out_calls = [(at - n, note) for n, (at, note) in enumerate(zip(cuts, notes, strict=False))]
    shifted = [(s - bisect_left(cuts, s), e - bisect_left(cuts, e)) for s, e in spans]
    return text.replace(_CALL, ""), shifted, out_calls


def _lang_attr(lang: str) -> dict[str, str]:
    return {"lang": lang} if lang else {}


def _blocks(parent: Element, blocks: Sequence[Block], s: Setter) -> Element:
    for inner in blocks:
        _block(parent, inner, s)
    return parent


def _block(parent: Element, block: Block, s: Setter) -> None:
    match block:
        case Paragraph(text, em, calls, lang):
            typeset_text, spans, points = s.within(lang).marked(text, em, calls)
            p = el(parent, "p", **_lang_attr(lang))
            _fill_mixed(
                p, typeset_text, spans, "em", points, lambda e, n: footnotes.call(e, s.prefix, n, s.labels[n])
            )
        case Heading(text, level):
            el(parent, f"h{level}", s.t(text))
        case Quote(blocks, lang):
            _blocks(el(parent, "blockquote", **_lang_attr(lang)), blocks, s.within(lang))
        case ListBlock(items, ordered):
            lst = el(parent, "ol" if ordered else "ul")
            for item in items:
                el(lst, "li", s.t(item))
        case Figure(caption, credit, credit_label):
            fig = el(parent, "figure", cls="photo")
            cap = el(fig, "figcaption", s.t(caption))
            if credit:
                sep = colon(s.lang)  # French: a narrow no-break space before the colon
                # The source's own word ("Bild: dpa" stays "Bild"), capitalised as it opens the credit.
                word = credit_label[:1].upper() + credit_label[1:] if credit_label else label("photo", s.lang)
                credit_el = el(cap, "span", f"{word}{sep}{s.t(credit)}", cls="credit")
                credit_el.tail = None
                cap.text = (cap.text or "") + " "
        case Preformatted(text, em, lang):
            typeset_text, spans, _ = s.within(lang).marked(text, em, ())
            _fill_mixed(el(parent, "pre", **_lang_attr(lang)), typeset_text, spans, "em")
        case Break():
            el(parent, "hr", cls="break")
        case Epigraph(blocks, attribution, lang):
            inner = s.within(lang)
            quote = el(parent, "blockquote", cls="epigraph", role="doc-epigraph", **_lang_attr(lang))
            quote.set(footnotes.EPUB_TYPE, "epigraph")
            _blocks(quote, blocks, inner)
            if attribution:
                el(quote, "p", inner.t(attribution), cls="attribution")
        case Note(note_id, note_label, blocks):
            box = _blocks(footnotes.aside(parent, s.prefix, note_id), blocks, s)
            footnotes.backlink(box, s.prefix, note_id, note_label)


def article(doc: Document, typography: bool = True) -> Element:
    """<article> with the header and every body block; text typeset in the article's language."""
    lang = doc.meta.language.text
    prefix = f"a{doc.meta.archive_id}"
    labels = {b.id: b.label for b in doc.body if isinstance(b, Note)}
    setter = Setter(lang, typography, prefix, labels)
    # epub:type is declared only where it is used, so that other articles' XHTML stays as it was
    epub_ns = any(isinstance(b, Note | Epigraph) for b in doc.body)
    root = etree.Element("article", nsmap={"epub": footnotes.OPS} if epub_ns else None)
    root.set("lang", lang)
    root.set("id", prefix)
    header(root, doc, setter.t)
    _blocks(root, doc.body, setter)
    if doc.meta.signature:  # a signature, as written: line breaks and spacing kept, no typography
        el(root, "pre", doc.meta.signature.text, cls="signature")
    return root


def _fill_mixed(*args: Any, **kwargs: Any) -> None:
    """xmlio's `fill_mixed`, its module loaded on first use (an export whose pages are kept needs none)."""
    from archiver.document.xmlio import fill_mixed

    fill_mixed(*args, **kwargs)


def fragment(el: Element) -> str:
    """Serialize an element (no namespace) as XHTML-compatible markup."""
    text: str = etree.tostring(el, encoding="unicode", method="xml")
    return text


def paragraph_texts(root: Element, ns: str = "") -> list[str]:
    """The text of every p, li, figcaption, pre and heading below `root`, white space folded.

    `ns` is "{http://www.w3.org/1999/xhtml}" for pages read back from an EPUB.
    """
    return [" ".join("".join(e.itertext()).split()) for e in root.iter(*(ns + t for t in BLOCK_TAGS))]
