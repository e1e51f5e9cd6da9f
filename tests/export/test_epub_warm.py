"""A warm EPUB export: the container zipped once, and what unchanged articles need read from the cache."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from archiver.document.model import Document
from archiver.export import epub
from archiver.export.edition import gather
from tests.export.conftest import EPOCH


def _through_a_zip(book: Any, options: dict[str, Any]) -> list[tuple[str, bytes]]:
    """The members as ebooklib's own writer zips them, read back (what the export did before)."""
    from ebooklib import epub as ebooklib_epub

    raw = io.BytesIO()
    ebooklib_epub.write_epub(raw, book, {**options, "compresslevel": 0})
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as zf:
        return [(name, zf.read(name)) for name in zf.namelist()]


def test_the_container_is_what_ebooklib_would_have_zipped(
    docs: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    edition = gather(docs, "month")
    once = epub.render(edition)
    monkeypatch.setattr(epub, "made_members", _through_a_zip)
    assert once == epub.render(edition)
    with zipfile.ZipFile(io.BytesIO(once)) as zf:
        assert zf.namelist()[:3] == ["mimetype", "META-INF/container.xml", "EPUB/content.opf"]
        assert zf.testzip() is None
