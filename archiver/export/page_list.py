"""Printed pages in the e-book: where each PDF page starts, recorded while rendering, marked in the EPUB.

Every printed block (a section head, an article's title, paragraphs, list items, captions,
subheadings) carries `data-block="<part id>:<n>"` in the PDF's HTML, n counting the part's
blocks in document order. While WeasyPrint still holds the laid-out pages, `page_starts` notes
for each page the block it starts in and how many of that block's characters (spaces not
counted) lie on earlier pages. The assembler turns a chunk's page indexes into the edition's;
the EPUB of the same edition counts the same blocks and puts a page-break marker there.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from archiver.export.xhtml import BLOCK_TAGS, Element

ATTRIBUTE = "data-block"
BLOCKS = ("h1", *BLOCK_TAGS)
STARTS = "/ArchiverStarts"  # a chunk's catalog key: page index, block, offset, for every page
OPS = "http://www.idpf.org/2007/ops"
NOT_COUNTED = "\u00ad\u2011"  # soft hyphens and the hyphen print.css sets at a line-end break


@dataclass(frozen=True)
class PageStart:
    """Where a printed page starts: its label, the block, and the block's characters before it."""

    label: str
    block: str  # "<part id>:<n>"
    offset: int


@dataclass(frozen=True)
class PrintedPages:
    """The page starts of a PDF edition, and the identifier of that PDF (its dc:identifier)."""

    source: str
    starts: tuple[PageStart, ...]


def blocks(root: Element) -> list[Element]:
    """The part's blocks in document order, notes left out (print moves them to the page foot)."""
    return [
        e
        for e in root.iter(*BLOCKS)
        if not any(isinstance(a.tag, str) and a.tag.endswith("aside") for a in e.iterancestors())
    ]


def numbered(root: Element, part_id: str) -> Element:
    """`root` with each block's `data-block`; changed and returned (give it a copy)."""
    for n, block in enumerate(blocks(root)):
        block.set(ATTRIBUTE, f"{part_id}:{n}")
    return root


def _counted(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace() and ch not in NOT_COUNTED)


def _walk(box: Any, block: Any, counts: dict[int, int], order: list[Any]) -> None:
    """Count each block's characters on a page, and note the blocks in the order they appear."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.MarginBox | boxes.FootnoteAreaBox):
        return  # running heads and footnotes are not the page's flow
    element = getattr(box, "element", None)
    if element is not None and element.get(ATTRIBUTE) is not None and box.element_tag == element.tag:
        block = element
        if id(block) not in counts:
            counts[id(block)] = 0
            order.append(block)
    if isinstance(box, boxes.TextBox) and block is not None:
        counts[id(block)] += _counted(box.text)
    for child in getattr(box, "children", ()):
        _walk(child, block, counts, order)


def page_starts(document: Any) -> dict[str, list[Any]]:
    """The prepare hook of a render: STARTS, a flat list of (page index, block, offset) per page."""
    before: dict[int, int] = {}  # id(block) -> its characters on earlier pages
    flat: list[Any] = []
    for index, page in enumerate(document.pages):
        counts: dict[int, int] = {}
        order: list[Any] = []
        _walk(page._page_box, None, counts, order)
        if order:
            first = order[0]
            flat += [index, first.get(ATTRIBUTE), before.get(id(first), 0)]
        for block in order:
            before[id(block)] = before.get(id(block), 0) + counts[id(block)]
    return {STARTS: flat} if flat else {}


def read(catalog: Any) -> list[tuple[int, str, int]]:
    """A rendered chunk's page starts, from its catalog."""
    values = list(catalog.get(STARTS, []))
    return [(int(values[i]), str(values[i + 1]), int(values[i + 2])) for i in range(0, len(values) - 2, 3)]


def dumps(pages: PrintedPages) -> bytes:
    """The page starts as JSON (the render cache keeps them beside a PDF file)."""
    rows = [[p.label, p.block, p.offset] for p in pages.starts]
    return json.dumps({"source": pages.source, "starts": rows}, sort_keys=True).encode()


def loads(data: bytes) -> PrintedPages:
    """Page starts kept by `dumps`."""
    found = json.loads(data)
    starts = tuple(PageStart(str(a), str(b), int(c)) for a, b, c in found["starts"])
    return PrintedPages(found["source"], starts)


# -- the EPUB side ---------------------------------------------------------------------------


def marker(anchor: str, label: str) -> Element:
    """An empty page-break marker (`<span epub:type="pagebreak" …></span>`, never self-closing)."""
    span = etree.Element("span", nsmap={"epub": OPS})
    span.set(f"{{{OPS}}}type", "pagebreak")
    span.set("role", "doc-pagebreak")
    span.set("id", anchor)
    span.set("aria-label", label)
    span.text = ""
    return span


def _slots(element: Element) -> Iterator[tuple[Element, bool]]:
    """Where text sits below `element`, in reading order: (element, False) its text, (child, True) a tail."""
    yield element, False
    for child in element:
        if isinstance(child.tag, str):
            yield from _slots(child)
        yield child, True


def _place(found: Sequence[Element], span: Element, offset: int) -> None:
    """Put `span` before the word that follows `offset` counted characters of the first block.

    Past the block's end the count reads on into the blocks after it (the PDF's colophon sets
    an article's facts as lines of one paragraph where the EPUB has a list).
    """
    block = found[0]
    if offset <= 0:
        span.tail, block.text = block.text, None
        block.insert(0, span)
        return
    seen = 0
    for holder, tail in (slot for b in found for slot in _slots(b)):
        text = (holder.tail if tail else holder.text) or ""
        for i, ch in enumerate(text):
            if seen >= offset and not ch.isspace():
                at = i
                while at > 0 and not text[at - 1].isspace():  # not inside a word: before it
                    at -= 1
                _split(holder, tail, text, at, span)
                return
            seen += _counted(ch)
    found[-1].append(span)  # the page starts after the last word (counts differ a little)


def _split(holder: Element, tail: bool, text: str, at: int, span: Element) -> None:
    span.tail = text[at:]
    if tail:
        holder.tail = text[:at]
        holder.addnext(span)
    else:
        holder.text = text[:at]
        holder.insert(0, span)


def mark(root: Element, part_id: str, pages: PrintedPages) -> tuple[Element, list[tuple[str, str]]]:
    """A copy of a part's element with a marker where each of its printed pages starts.

    Returns the copy and, in page order, each marker's (label, id).
    """
    mine = [p for p in pages.starts if p.block.rsplit(":", 1)[0] == part_id]
    if not mine:
        return root, []
    out = copy.deepcopy(root)
    found = blocks(out)
    placed = []
    for page in reversed(mine):  # from the end, so that earlier offsets stay where they were
        n = int(page.block.rsplit(":", 1)[1])
        if n >= len(found):
            continue
        anchor = f"page-{page.label}"
        _place(found[n:], marker(anchor, page.label), page.offset)
        placed.append((page.label, anchor))
    return out, placed[::-1]


def starts(
    indexed: Sequence[tuple[int, str, int]], labels: dict[int, str] | None = None
) -> tuple[PageStart, ...]:
    """Page starts by edition page index, labelled as printed (index + 1 unless `labels` says)."""
    labels = labels or {}
    return tuple(PageStart(labels.get(i, str(i + 1)), block, offset) for i, block, offset in sorted(indexed))
