"""An EPUB's article and colophon pages kept whole in the render cache: page, compressed bytes, sections.

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

from archiver.export.cache import RenderCache, key, styles_digest
from archiver.export.epub_nav import Entry
from archiver.export.frame import Frame, Part

KIND = "epub-page"


@dataclass(frozen=True)
class KeptPage:
    """An article's page as zipped: the XHTML ebooklib wrote, deflated, and its navigation entries."""

    page: bytes
    deflated: bytes
    sections: list[Entry]


def name(cache: RenderCache, framed: Frame, part: Part) -> str | None:
    """The name a part's page is kept under: an article's, or the colophon's (which tells of every
    article: it is kept under all their checksums); None for a page that is not kept."""
    if part.kind == "article":
        return cache.article_key(part.name, KIND, part.title, part.lang, zlib.ZLIB_RUNTIME_VERSION)
    if part.kind != "colophon":
        return None
    digests = [cache.digests.get(d.meta.archive_id) for d in framed.edition.documents]
    if None in digests:
        return None
    return key(
        styles_digest(), KIND, part.title, part.lang, zlib.ZLIB_RUNTIME_VERSION, *filter(None, digests)
    )


def read(cache: RenderCache, name: str) -> KeptPage | None:
    """The page kept under `name`, or None (never kept, damaged, or of another form)."""
    data = cache.recorded(KIND, name)
    if data is None:
        return None
    head, _, rest = data.partition(b"\n")
    try:
        fields = json.loads(head)
        size = fields["page"]
        return KeptPage(rest[:size], rest[size:], [_entry(e) for e in fields["sections"]])
    except (ValueError, TypeError, KeyError, IndexError):
        return None


def keep(cache: RenderCache, name: str, page: KeptPage) -> None:
    """Keep a page (an article's after the completeness gate passed it)."""
    head = json.dumps({"page": len(page.page), "sections": [_raw(e) for e in page.sections]})
    cache.put(KIND, name, head.encode("utf-8") + b"\n" + page.page + page.deflated)


def _raw(entry: Entry) -> list[Any]:
    return [entry.title, entry.href, entry.lang, entry.cls, [_raw(c) for c in entry.children]]


def _entry(raw: list[Any]) -> Entry:
    title, href, lang, cls, children = raw
    return Entry(title, href, lang, cls, [_entry(c) for c in children])
