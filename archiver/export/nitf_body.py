"""The NITF body: our body blocks as NITF 3.6 block content (p, hl2, bq, ol/ul, pre, hr, note)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

from lxml import etree

from archiver.document.model import (
    Block,
    Break,
    Epigraph,
    Figure,
    Heading,
    ListBlock,
    Note,
    Paragraph,
    Preformatted,
    Quote,
)
from archiver.export.plain import credit_line

NS = "http://iptc.org/std/NITF/2006-10-18/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Elements that hold a block's text (the completeness gate reads these).
LEAVES = ("hl1", "hl2", "p", "li", "pre", "credit", "byline", "dateline", "tagline")
Labels = dict[str, str]  # note id -> the label its calls print ("1", "*")


def add(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    """A new NITF element under `parent` (attributes as given; `lang` becomes xml:lang)."""
    new = etree.SubElement(parent, f"{{{NS}}}{tag}")
    for key, value in attrs.items():
        new.set(XML_LANG if key == "lang" else key, value)
    if text is not None:
        new.text = text
    return new


def _put(container: Any, text: str) -> None:
    if len(container):
        container[-1].tail = (container[-1].tail or "") + text
    else:
        container.text = (container.text or "") + text


def _call(container: Any, note: str, labels: Labels) -> None:
    add(container, "a", labels.get(note, "*"), href=f"#{note}", **{"class": "noteref"})


def inline(
    p: Any, text: str, em: Sequence[tuple[int, int]], calls: Sequence[tuple[int, str]], labels: Labels
) -> None:
    """Text into `p`, with <em> spans and note calls (<a href="#n1">1</a>) where the offsets say."""
    cuts = sorted({0, len(text)} | {x for span in em for x in span} | {at for at, _ in calls})
    at: dict[int, list[str]] = {}
    for offset, note in calls:
        at.setdefault(offset, []).append(note)
    open_span: tuple[int, int] | None = None
    open_em: Any = None
    for start, end in pairwise(cuts):
        inside = open_span is not None and open_span[0] < start < open_span[1]
        for note in at.pop(start, []):
            _call(open_em if inside else p, note, labels)
        span = next((s for s in em if s[0] <= start and end <= s[1]), None)
        if span != open_span:
            open_span, open_em = span, (add(p, "em") if span is not None else None)
        _put(open_em if open_em is not None else p, text[start:end])
    for note in at.pop(len(text), []):
        _call(p, note, labels)


def _lang(lang: str) -> dict[str, str]:
    return {"lang": lang} if lang else {}


def _paragraph(parent: Any, b: Paragraph, labels: Labels) -> None:
    inline(add(parent, "p", **_lang(b.lang)), b.text, b.em, b.notes, labels)


def _heading(parent: Any, b: Heading, labels: Labels) -> None:
    add(parent, "hl2", b.text, **({"class": f"level-{b.level}"} if b.level > 2 else {}))


def _quote(parent: Any, b: Quote, labels: Labels) -> None:
    content(add(add(parent, "bq", **_lang(b.lang)), "block"), b.blocks, labels)


def _epigraph(parent: Any, b: Epigraph, labels: Labels) -> None:
    bq = add(parent, "bq", **{"class": "epigraph"}, **_lang(b.lang))
    content(add(bq, "block"), b.blocks, labels)
    if b.attribution:
        add(bq, "credit", b.attribution)


def _list(parent: Any, b: ListBlock, labels: Labels) -> None:
    items = add(parent, "ol" if b.ordered else "ul")
    for item in b.items:
        add(items, "li", item)


def _figure(parent: Any, b: Figure, labels: Labels) -> None:
    """A caption without its photo: a figure block (NITF's media needs a reference to the object)."""
    nested = parent.tag == f"{{{NS}}}block"  # a block holds no block: the caption joins the quote's
    block = parent if nested else add(parent, "block", **{"class": "figure"})
    add(block, "p", b.caption, **{"class": "caption"})
    if b.credit:
        add(block, "p", credit_line(b), **{"class": "credit"})


def _pre(parent: Any, b: Preformatted, labels: Labels) -> None:
    add(parent, "pre", b.text, **_lang(b.lang))


def _note(parent: Any, b: Note, labels: Labels) -> None:
    content(add(add(parent, "note", noteclass="end", id=b.id), "body.content"), b.blocks, labels)


# Block type -> how it is written into NITF block content.
WRITERS: dict[type, Callable[[Any, Any, Labels], None]] = {
    Paragraph: _paragraph,
    Heading: _heading,
    Quote: _quote,
    Epigraph: _epigraph,
    ListBlock: _list,
    Figure: _figure,
    Preformatted: _pre,
    Break: lambda parent, b, labels: add(parent, "hr"),
    Note: _note,
}


def content(parent: Any, blocks: Sequence[Block], labels: Labels | None = None) -> None:
    """Write blocks into a NITF container (body.content, block, note's body.content)."""
    if labels is None:
        labels = {b.id: b.label for b in blocks if isinstance(b, Note)}
    for block in blocks:
        WRITERS[type(block)](parent, block, labels)
