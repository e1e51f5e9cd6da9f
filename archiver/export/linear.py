"""Keeps PDF rendering linear in the number of pages where WeasyPrint's helpers are not."""

from __future__ import annotations

from typing import Any

_CACHE = "_archiver_page_references"


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
