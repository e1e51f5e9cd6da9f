"""The EPUB colophon page spliced from kept entries is the page made whole, byte for byte."""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from archiver.document.model import Document
from archiver.document.xmlio import to_bytes
from archiver.export import epub, epub_colophon
from archiver.export.cache import Context, RenderCache, key, styles_digest
from archiver.export.edition import gather
from archiver.export.frame import Frame, colophon, frame


def _framed(docs: list[Document], root: Path) -> tuple[Frame, Any]:
    from ebooklib import epub as ebooklib_epub

    cache = RenderCache(root)
    cache.digests = {d.meta.archive_id: hashlib.sha256(to_bytes(d)).hexdigest() for d in docs}
    framed = frame(gather(docs, "month"), Context(cache))
    (part,) = framed.of("colophon")
    return framed, partial(epub._page_bytes, ebooklib_epub.EpubBook(), part)


def _kept(root: Path) -> dict[str, str]:
    return epub_colophon._entries(
        RenderCache(root).recorded(epub_colophon.KIND, key(styles_digest(), "epub-colophon"))
    )


@pytest.mark.parametrize("few", [0, 100])  # the page made whole and cut, or made entry by entry
def test_the_spliced_page_is_the_page_made_whole(
    docs: list[Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    monkeypatch.setattr(epub_colophon, "FEW", few)
    framed, write = _framed(docs, tmp_path)
    whole = write(colophon(framed.edition))
    assert epub_colophon.page(framed, write) == whole
    kept = _kept(tmp_path)
    cache = framed.context.cache
    assert cache is not None
    assert set(kept) == set(cache.digests.values())  # one entry per article, by its XML's checksum
    assert all(v.lstrip().startswith(b"<h2") for v in kept.values())
    monkeypatch.setattr(epub_colophon, "FEW", 100)
    assert epub_colophon.page(framed, write) == whole  # every entry kept: spliced


def test_one_changed_article_writes_one_entry(
    docs: list[Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    framed, write = _framed(docs, tmp_path)
    epub_colophon.page(framed, write)
    made: list[str] = []
    entry = epub_colophon._entry

    def counted(doc: Document, write: Any) -> bytes:
        made.append(doc.meta.archive_id)
        return entry(doc, write)

    monkeypatch.setattr(epub_colophon, "_entry", counted)
    changed = docs[1]
    cache = framed.context.cache
    assert cache is not None
    cache.digests[changed.meta.archive_id] = "0" * 64  # as if its XML had changed
    assert epub_colophon.page(framed, write) == write(colophon(framed.edition))
    assert made == [changed.meta.archive_id]
    assert "0" * 64 in _kept(tmp_path)


def test_without_a_checksum_for_every_article_nothing_is_spliced(
    docs: list[Document], tmp_path: Path
) -> None:
    framed, write = _framed(docs, tmp_path)
    cache = framed.context.cache
    assert cache is not None
    del cache.digests[docs[0].meta.archive_id]
    assert epub_colophon.page(framed, write) is None


def test_damaged_entries_are_not_trusted() -> None:
    whole = epub_colophon._dumps({"a": b"<h2>A</h2>\n", "b": b"<h2>B</h2>\n"})
    assert epub_colophon._entries(whole) == {"a": b"<h2>A</h2>\n", "b": b"<h2>B</h2>\n"}
    for data in (whole[:-1], whole + b"x", b'[["a", -1]]\n', b"{}\n", b"not json\n", b'[["a"]]\n'):
        assert epub_colophon._entries(data) == {}


def test_one_articles_own_colophon_is_made_whole(docs: list[Document], tmp_path: Path) -> None:
    framed, write = _framed(docs[:1], tmp_path)
    assert epub_colophon.page(framed, write) is None
    assert _kept(tmp_path) == {}  # nothing written for an --each export's thousand editions
