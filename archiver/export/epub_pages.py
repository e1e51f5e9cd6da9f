"""An EPUB's article pages kept whole in the render cache: the page, its compressed bytes, its sections.

A page is kept once the completeness gate passed it, under the article's key (its XML's checksum,
the stylesheets, the rendering version, ebooklib's and zlib's versions), its title and language.
A warm export then neither parses the article's XHTML, nor has ebooklib write the page again, nor
compresses or checks it: the kept bytes are the bytes those steps made. Pages marked with a
printed edition's page breaks depend on the PDF beside them and are never kept.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any

from archiver.export.cache import RenderCache
from archiver.export.epub_nav import Entry
from archiver.export.frame import Part

KIND = "epub-page"


@dataclass(frozen=True)
class KeptPage:
    """An article's page as zipped: the XHTML ebooklib wrote, deflated, and its navigation entries."""

    page: bytes
    deflated: bytes
    sections: list[Entry]


def _name(cache: RenderCache, part: Part) -> str | None:
    return cache.article_key(part.name, KIND, part.title, part.lang, zlib.ZLIB_RUNTIME_VERSION)


def read(cache: RenderCache, part: Part) -> KeptPage | None:
    """The article's kept page, or None (never kept, damaged, or of another form)."""
    name = _name(cache, part)
    data = cache.recorded(KIND, name) if name else None
    if data is None:
        return None
    head, _, rest = data.partition(b"\n")
    try:
        fields = json.loads(head)
        size = fields["page"]
        return KeptPage(rest[:size], rest[size:], [_entry(e) for e in fields["sections"]])
    except (ValueError, TypeError, KeyError, IndexError):
        return None


def keep(cache: RenderCache, part: Part, page: KeptPage) -> None:
    """Keep an article's page (after the completeness gate passed it)."""
    name = _name(cache, part)
    if name is None:
        return
    head = json.dumps({"page": len(page.page), "sections": [_raw(e) for e in page.sections]})
    cache.put(KIND, name, head.encode("utf-8") + b"\n" + page.page + page.deflated)


def _raw(entry: Entry) -> list[Any]:
    return [entry.title, entry.href, entry.lang, entry.cls, [_raw(c) for c in entry.children]]


def _entry(raw: list[Any]) -> Entry:
    title, href, lang, cls, children = raw
    return Entry(title, href, lang, cls, [_entry(c) for c in children])
