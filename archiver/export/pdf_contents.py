"""The PDF edition's contents, rendered a few pages at a time, its page numbers stamped at assembly.

A contents of thousands of entries as one WeasyPrint document is slow, holds every page in
memory, and its numbers would tie it to the length of every article. So the entries are set a
chunk at a time: a chunk keeps the pages it filled but its last, and the next chunk starts with
the first entry that reached that last page (the page is set again with what follows it, so page
breaks fall as in one document). Each entry ends in an empty number column (figure spaces
after the leader, as wide as the edition's longest page number); while laying a chunk out,
archiver notes where each column ends and which entries each page holds, in the chunk's
catalog, and the numbers are stamped into the columns at assembly, as folios are. A chunk's
bytes depend on its entries, the side it starts on and the options alone: a changed article
re-renders the one chunk that lists it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import astuple, dataclass, field, replace
from pathlib import Path
from typing import Any

from archiver.export import xhtml
from archiver.export.cache import RenderCache
from archiver.export.frame import Frame
from archiver.export.pdf_parts import NO_FOLIOS, Job, Rendered, part_html

ENTRIES = 160  # entries a chunk sets: about four A4 pages, of which the last is set again
# Two dots a pattern: WeasyPrint fills a leader with whole patterns, so the gap left before the dots is
# up to one pattern wide (six dots left up to ~3 em); two cost no more time than six at 160 entries.
LEADER = r'leader(".\2009.\2009")'
NUMBERS = "/ArchiverNumbers"  # a chunk's catalog: page, link target, column's right edge, baseline, …
SPANS = "/ArchiverSpans"  # … and each entry's first and last page
SAMPLE = "1234567890"
COLUMN_EM = 0.6  # a figure space's width in em (Noto Serif: 0.559), rounded up


def number_css(digits: int) -> str:
    """Each entry's leader, then an en space and a column of `digits` figure spaces for its number.

    The column hangs into the entry's right padding (as wide as the column and a little more), so
    the title's lines wrap short of it and the leader and number end the last line.
    """
    column = r"\2007" * digits
    room = f"{0.5 + COLUMN_EM * digits + 0.5:.2f}em"
    return (
        f' nav.contents a::after, nav.contents span.last::after {{ content: {LEADER} "\\2002" "{column}"'
        f" !important; margin-right: -{room} !important; }}"
        " nav.contents a.split::after { content: none !important; }"
        f" nav.contents li {{ padding-right: {room} !important; }}"
    )


def _last_word(entry: Any) -> Any:
    """The entry's last word in a span that carries the leader and number (print.css keeps it on one
    line with them), so a wrapped title never leaves its leader on a line of its own."""
    for link in entry.iter("a"):
        text = link.text or ""
        if len(link) or not text.strip():
            continue
        head, _, last = text.rstrip().rpartition(" ")
        link.text = head
        link.set("class", "split")
        # the space goes inside the span: WeasyPrint sets an inline element after a space badly
        xhtml.el(
            link, "span", f" {last}" if head else last, cls="last", **{"data-href": link.get("href", "")}
        )
    return entry


def chunk_css(base: str, side: str, digits: int, first: bool) -> str:
    """A contents chunk: the options' CSS, no folios (stamped later), starting on `side`.

    A chunk that continues the contents starts as a page of one document would: the body's
    top margin, which only the first page has, is left out.
    """
    css = f"{base}{NO_FOLIOS}{number_css(digits)} html {{ break-before: {side}; }}"
    return css if first else f"{css} body {{ margin-top: 0 !important; }}"


def sample_html(framed: Frame) -> bytes:
    """One contents entry without a title whose number column shows SAMPLE (the stamp's template)."""
    nav = xhtml.el(None, "nav", cls="contents")
    item = xhtml.el(xhtml.el(nav, "ol"), "li")
    xhtml.el(item, "a", "")
    return _html(framed, [nav])


def sample_css(base: str) -> str:
    """The sample's CSS: its number column holds the digits, nothing else shows."""
    hide = " @page { marks: none; @top-left { content: none; } @top-right { content: none; } }"
    return f'{base}{NO_FOLIOS}{hide} nav.contents a::after {{ content: "{SAMPLE}" !important; }}'


def _html(framed: Frame, elements: Sequence[Any]) -> bytes:
    """A chunk's document: the edition's print page around `elements` (no verso: chunks give a side)."""
    edition, grouped = framed.edition, "grouped" if framed.grouped else "ungrouped"
    return part_html(edition.lang, edition.title, grouped, elements, verso=False)


def entry_name(n: int) -> str:
    """The link target a contents chunk gives its entry `n`: its place, never the article's version.

    An article's anchor is its archive id, which a new version changes; the chunk that lists it
    would then render again for a change of the article's text. So the chunk links to its entries'
    places, and the assembly points each link and number at the article's anchor (`Chunk.targets`).
    """
    return f"entry-{n}"


def _chunk_html(framed: Frame, head: Sequence[Any], items: Sequence[Any], first: int) -> bytes:
    """The contents' heading (first chunk only) and some of its entries, numbered for the layout notes."""
    (contents,) = framed.of("contents")
    nav = xhtml.el(None, "nav", cls=contents.element.get("class"))
    for element in head:
        nav.append(copy.deepcopy(element))
    listing = xhtml.el(nav, "ol")
    for n, item in enumerate(items, start=first):
        entry = copy.deepcopy(item)
        for link in entry.iter("a"):
            if link.get("href", "").startswith("#"):
                link.set("href", f"#{entry_name(n)}")
        entry = _last_word(entry)
        entry.set("data-entry", str(n))
        listing.append(entry)
    return _html(framed, [nav])


def _targets(items: Sequence[Any], first: int, end: int) -> dict[str, str]:
    """Entry name (`entry_name`) -> the anchor its entry links to, for entries `first` to `end`."""
    return {
        entry_name(n): link.get("href")[1:]
        for n in range(first, end)
        for link in items[n].iter("a")
        if link.get("href", "").startswith("#")
    }


def notes(document: Any) -> dict[str, list[Any]]:
    """Where each number column ends and which pages each entry spans, from a laid-out chunk.

    Also declares every link target on the first page, so that WeasyPrint keeps the links to
    the articles (their pages come at assembly, which points the links at them).
    """
    numbers: list[Any] = []
    spans: dict[int, list[int]] = {}
    targets: set[str] = set()
    for index, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            tag = getattr(box, "element_tag", "")
            if tag == "li":
                n = int(box.element.get("data-entry", -1))
                if n >= 0:
                    span = spans.setdefault(n, [index, index])
                    span[1] = index
            elif tag in ("a::after", "span::after") and _is_column(getattr(box, "text", "")):
                href = box.element.get("href") or box.element.get("data-href", "")
                right = box.position_x + box.width
                numbers += [index, href, round(right, 3), round(box.position_y + box.baseline, 3)]
                targets.add(href[1:])
    for name in targets:
        document.pages[0].anchors.setdefault(name, (0, 0, 0, 0))
    flat = [value for n in sorted(spans) for value in (n, *spans[n])]
    return {NUMBERS: numbers, SPANS: flat}


def _is_column(text: str) -> bool:
    """Whether a text box is an entry's number column (an en space, then figure spaces)."""
    return text.startswith("\u2002") and len(text) > 1 and not text[1:].strip("\u2007")


@dataclass(frozen=True)
class Number:
    """A number column to stamp: its page in the chunk, the article it refers to, its end."""

    page: int
    name: str  # the named destination of the article (its anchor)
    right: float
    baseline: float


@dataclass(frozen=True)
class Chunk:
    """A rendered contents chunk: its file, how many of its pages stay, the numbers on them (named by
    their articles' anchors), and the anchor each of its links' targets stands for (`entry_name`)."""

    path: Path
    pages: int
    numbers: tuple[Number, ...]
    targets: dict[str, str] = field(default_factory=dict)


def _facts(path: Path) -> tuple[int, list[Number], dict[int, tuple[int, int]]]:
    """A rendered chunk's page count, number columns, and each entry's first and last page."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        raw = list(pdf.Root.get(NUMBERS, []))
        numbers = [
            Number(int(raw[i]), str(raw[i + 1])[1:], float(raw[i + 2]), float(raw[i + 3]))
            for i in range(0, len(raw), 4)
        ]
        flat = [int(x) for x in pdf.Root.get(SPANS, [])]
        spans = {flat[i]: (flat[i + 1], flat[i + 2]) for i in range(0, len(flat), 3)}
        return len(pdf.pages), numbers, spans


def _kept_facts(
    path: Path, cache: RenderCache | None
) -> tuple[int, list[Number], dict[int, tuple[int, int]]]:
    """`_facts`, read once per chunk (the file is named by its job) and then kept in `cache`."""
    if cache is None:
        return _facts(path)

    def make() -> bytes:
        pages, numbers, spans = _facts(path)
        return json.dumps([pages, [astuple(n) for n in numbers], sorted(spans.items())]).encode()

    pages, numbers, spans = json.loads(cache.checked("pdf-contents-facts", path.name, make))
    return pages, [Number(*n) for n in numbers], {int(n): (a, b) for n, (a, b) in spans}


def chunks(framed: Frame, base: str, rendered: Rendered, start: int, digits: int) -> list[Chunk]:
    """The contents as chunks, the first starting at page index `start` (after the cover)."""
    (contents,) = framed.of("contents")
    children = list(contents.element)
    head = [c for c in children if c.tag != "ol"]
    items = [item for c in children if c.tag == "ol" for item in c]
    out: list[Chunk] = []
    first, at = 0, start
    while first < len(items) or not out:
        end = min(len(items), first + ENTRIES)
        side = "left" if at % 2 == 1 else "right"  # an odd index is an even page number: a left page
        job = Job(
            _chunk_html(framed, head if first == 0 else [], items[first:end], first),
            chunk_css(base, side, digits, first == 0),
            notes="contents",
        )
        (path,) = rendered.files([job])  # in a worker: this process need not load WeasyPrint
        pages, numbers, spans = _kept_facts(path, rendered.context.cache)
        keep, following = pages, end
        if end < len(items):
            cut = min(n for n, (_, last) in spans.items() if last == pages - 1)
            if spans[cut][0] > 0:  # else one entry fills every page: keep them all
                keep, following = spans[cut][0], cut
        targets = _targets(items, first, end)
        named = tuple(replace(n, name=targets.get(n.name, n.name)) for n in numbers if n.page < keep)
        out.append(Chunk(path, keep, named, targets))
        first, at = following, at + keep
    return out


class NumberStamps:
    """The contents numbers' template: the sample entry's digits, set by this edition's stylesheet."""

    def __init__(self, framed: Frame, base: str, rendered: Rendered) -> None:
        import pikepdf

        from archiver.export.pdf_folio import NUMBER_FONT, Template, untagged

        path = rendered.one(Job(sample_html(framed), sample_css(base)), untagged)
        self.source = pikepdf.open(path)
        self.template = Template.of(self.source.pages[0], NUMBER_FONT)

    def streams(self, numbers: Sequence[tuple[Number, int]]) -> list[bytes]:
        """The content that sets each (column, page number) right-aligned in its column."""
        t = self.template
        return [t.stream(str(n), col.right - t.width(str(n)), col.baseline) for col, n in numbers]

    def width(self, digits: str) -> float:
        return self.template.width(digits)

    def close(self) -> None:
        self.source.close()
