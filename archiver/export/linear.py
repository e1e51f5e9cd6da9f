"""Keeps PDF rendering linear in pages and in paragraph length where WeasyPrint and pydyf are not."""

from __future__ import annotations

import unicodedata
from typing import Any

from archiver.export.xhtml import Element, el

_CACHE = "_archiver_page_references"
RUN = 4000  # characters in one text run at most; the samples' longest paragraph has about 600


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    """pydyf's PDF.page_references, computed once per page count instead of on every read."""
    kids = pdf.pages["Kids"]  # pydyf only ever appends (number, 0, "R") triples
    cached = pdf.__dict__.get(_CACHE)
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__[_CACHE] = cached
    refs: tuple[bytes, ...] = cached[1]
    return refs


def install() -> None:
    """Patch pydyf once per process (same values, so the same bytes).

    WeasyPrint's PDF tagging reads pdf.page_references for every structure element, and pydyf
    rebuilds that tuple of every page each time: a 1,200-page article made 60 million of them.
    """
    import pydyf

    current = pydyf.PDF.__dict__.get("page_references")
    if isinstance(current, property) and current.fget is not _page_references:  # else: changed upstream
        pydyf.PDF.page_references = property(_page_references)


def _cut(text: str, start: int) -> int:
    """Where the run that starts at `start` ends: after a space, else not inside a character cluster."""
    space = text.rfind(" ", start + RUN // 2, start + RUN)
    if space >= 0:
        return space + 1
    cut = start + RUN
    while cut > start + 1 and unicodedata.category(text[cut])[0] == "M":  # keep marks with their base
        cut -= 1
    return cut


def _pieces(text: str) -> list[str]:
    out, start = [], 0
    while len(text) - start > RUN:
        cut = _cut(text, start)
        out.append(text[start:cut])
        start = cut
    out.append(text[start:])
    return out


def short_runs(root: Element) -> Element:
    """Split text runs longer than RUN into <span>s; `root` is changed and returned.

    WeasyPrint re-encodes and re-slices the rest of a text run for every line it breaks, so a
    paragraph costs the square of its length: one 3.5 MB hard-wrapped block rendered at 339 ms
    of CPU per page, 190 ms once split. Same words, same break opportunities, same pages.
    """
    for node in list(root.iter()):
        if node.text and len(node.text) > RUN:
            first, *rest = _pieces(node.text)
            node.text = first
            for i, piece in enumerate(rest):
                node.insert(i, el(None, "span", piece))
        if node is not root and node.tail and len(node.tail) > RUN:
            first, *rest = _pieces(node.tail)
            node.tail = first
            parent = node.getparent()
            for i, piece in enumerate(rest, start=parent.index(node) + 1):
                parent.insert(i, el(None, "span", piece))
    return root
