"""An article part keeps its XHTML serialized: a new tree each use, the same with or without a cache."""

from __future__ import annotations

import hashlib
from pathlib import Path

from lxml import etree

from archiver.document.model import Document
from archiver.document.xmlio import to_bytes
from archiver.export import xhtml
from archiver.export.cache import Context, RenderCache
from archiver.export.edition import gather
from archiver.export.frame import frame


def test_an_article_part_keeps_bytes_and_gives_a_new_tree_each_time(docs: list[Document]) -> None:
    framed = frame(gather(docs, "month"))
    for part in framed.of("article"):
        assert isinstance(part.kept, bytes)
        first, second = part.element, part.element
        assert first is not second
        assert etree.tostring(first) == etree.tostring(second)
        assert xhtml.fragment(first) == xhtml.fragment(xhtml.article(part.document))  # type: ignore[arg-type]
        first.set("class", "changed by a careless format")  # a format that changes its copy
        assert part.element.get("class") != "changed by a careless format"
    assert not isinstance(framed.of("colophon")[0].kept, bytes)  # one per edition: kept parsed


def test_kept_bytes_are_the_same_from_the_cache_and_without_it(docs: list[Document], tmp_path: Path) -> None:
    cache = RenderCache(tmp_path / "cache")
    for doc in docs:
        cache.digests[doc.meta.archive_id] = hashlib.sha256(to_bytes(doc)).hexdigest()
    edition = gather(docs, "month")
    plain = [p.kept for p in frame(edition).of("article")]
    made = [p.kept for p in frame(edition, Context(cache, 1)).of("article")]
    read = [p.kept for p in frame(edition, Context(cache, 1)).of("article")]
    assert cache.hits >= len(docs)  # the third frame read every article from the cache
    assert plain == made == read
