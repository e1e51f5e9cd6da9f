"""The chunk planner: which parts of an edition render together as one WeasyPrint document.

A chunk is cut before a section or between two articles. Each chunk is rendered to start on
a right page, so where one would land on a left page, the assembler keeps a blank verso before it: the
edition then has up to one blank page more per chunk than one document would have (10 in
1,341 pages at 1,000 articles). That is the price of a chunk's pages never depending on
where it lands (mirrored margins and running heads differ left and right). The plan depends
on the parts' kinds and order only, never on their text: a changed article leaves every
chunk boundary where it was, and so the other chunks' cached renderings stay valid.

Articles and sections flow on the page (pdf_layouts), so a chunk boundary is the one place
where an article starts a new page that one document would not have started: 28 of 1,000
article starts at about 30 articles a month (11 of them inside a section), 45 of 1,000 at 5 a
month, all at sections. With `article_per_page` every article starts a page anyway.
"""

from __future__ import annotations

from collections.abc import Sequence

from archiver.export.frame import Part

ARTICLES = 40  # articles per chunk at most: ~80 pages, where WeasyPrint still runs at full speed
COLOPHON = 120  # articles per colophon chunk (an entry is a few lines; each chunk starts a page)


def plan(parts: Sequence[Part], size: int = ARTICLES) -> list[tuple[Part, ...]]:
    """The body (sections and articles, in order) cut into chunks of at most `size` articles.

    A new section starts a new chunk once the current one holds half its share, so that
    chunks follow sections where they can; a section head always stays with its first article.
    """
    size = max(1, size)
    chunks: list[tuple[Part, ...]] = []
    current: list[Part] = []
    articles = 0
    for part in parts:
        full = articles >= size or (part.kind == "section" and articles >= max(1, size // 2))
        if current and full:
            chunks.append(tuple(current))
            current, articles = [], 0
        current.append(part)
        articles += part.kind == "article"
    if current:
        chunks.append(tuple(current))
    return chunks


def slices(count: int, size: int = COLOPHON) -> list[tuple[int, int]]:
    """(start, end) of each run of at most `size` items among `count` (the colophon's chunks)."""
    size = max(1, size)
    return [(start, min(count, start + size)) for start in range(0, count, size)]
