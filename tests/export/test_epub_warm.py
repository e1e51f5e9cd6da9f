"""A warm EPUB export: the container zipped once, and what unchanged articles need read from the cache."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from archiver import pipeline, recipes
from archiver.document.model import Document
from archiver.document.xmlio import from_bytes, to_bytes
from archiver.export import cache, epub, epub_pages, labels, records
from archiver.export.cache import FOLDER, RenderCache, key, styles_digest
from archiver.export.edition import gather
from archiver.export.frame import Part
from archiver.store import Archive, Selection
from tests.conftest import SOURCES
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


def test_a_record_reads_back_equal_to_parsing(docs: list[Document], tmp_path: Path) -> None:
    cache = RenderCache(tmp_path / "cache")
    for doc in docs:
        xml = to_bytes(doc)
        digest = hashlib.sha256(xml).hexdigest()
        assert records.load(cache, digest) is None
        records.keep(cache, digest, from_bytes(xml))
        back = records.load(cache, digest)
        assert back == from_bytes(xml) == doc
        assert back is not None and to_bytes(back) == xml
    assert cache.hits == cache.misses == 0  # records are not renderings


def test_a_record_of_another_shape_is_not_trusted(docs: list[Document], tmp_path: Path) -> None:
    cache = RenderCache(tmp_path / "cache")
    digest = "ab" * 32
    cache.put(records.KIND, records.name(digest), b'["Document",["[","Unknown"]]')
    assert records.load(cache, digest) is None
    cache.put(records.KIND, records.name(digest), b'["Paragraph","text",["("],["("],""]')
    assert records.load(cache, digest) is None  # a record, but not of a document


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    arc = Archive(tmp_path / "arc", create=True)
    pipeline.ingest(arc, sorted(SOURCES.iterdir()))
    return arc


def _export(
    archive: Archive, out: Path, monkeypatch: pytest.MonkeyPatch, cache: bool = True
) -> tuple[bytes, int]:
    """The EPUB edition's bytes, and how many archived documents were parsed to make it."""
    parsed: list[str] = []

    def counted(data: bytes, name: str = "document") -> Document:
        parsed.append(name)
        return from_bytes(data, name)

    monkeypatch.setattr(recipes, "from_bytes", counted)
    recipes.export(archive, recipes.export_job("epub", cache=cache), Selection(), out)
    return out.read_bytes(), len(parsed)


def test_a_warm_export_parses_no_document_and_one_change_parses_one(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    n = len(list(archive.entries()))
    cold, parsed = _export(archive, tmp_path / "cold.epub", monkeypatch)
    assert parsed == n
    warm, parsed = _export(archive, tmp_path / "warm.epub", monkeypatch)
    assert (warm, parsed) == (cold, 0)
    entry = next(iter(archive.entries()))
    path = archive.xml_path(entry.id)
    path.write_bytes(path.read_bytes().replace(b"</title>", b" (herzien)</title>", 1))
    changed, parsed = _export(archive, tmp_path / "changed.epub", monkeypatch)
    assert parsed == 1 and changed != cold
    plain, parsed = _export(archive, tmp_path / "plain.epub", monkeypatch, cache=False)
    assert (plain, parsed) == (changed, n)


def test_a_warm_export_takes_every_article_page_whole_from_the_cache(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    cold, _ = _export(archive, tmp_path / "cold.epub", monkeypatch)
    opened: list[str] = []
    element = Part.element

    def counted(part: Part) -> Any:
        opened.append(part.kind)
        return element.fget(part)  # type: ignore[attr-defined]

    monkeypatch.setattr(Part, "element", property(counted))
    read: list[str] = []
    get = RenderCache.get

    def reading(self: RenderCache, kind: str, name: str) -> bytes | None:
        read.append(kind)
        return get(self, kind, name)

    monkeypatch.setattr(RenderCache, "get", reading)
    warm, _ = _export(archive, tmp_path / "warm.epub", monkeypatch)
    assert warm == cold
    assert "xhtml" not in read  # nor its XHTML read from the cache
    assert "article" not in opened  # no article's XHTML parsed, written, checked or compressed again
    assert "colophon" not in opened  # kept too, under every article's checksum


def test_a_damaged_page_record_is_made_again(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    cold, _ = _export(archive, tmp_path / "cold.epub", monkeypatch)
    kept = sorted((archive.root / FOLDER / epub_pages.KIND).rglob("*"))
    files = [p for p in kept if p.is_file()]
    assert len(files) == len(list(archive.entries())) + 1  # every article page and the colophon
    for path in files:  # a record whose checksum holds but whose form is wrong, and a truncated one
        cache = RenderCache(archive.root / FOLDER)
        cache.put(epub_pages.KIND, path.name, b'{"page": 10}\nshort')
    files[0].write_bytes(files[0].read_bytes()[:-5])
    again, _ = _export(archive, tmp_path / "again.epub", monkeypatch)
    assert again == cold


def test_a_warm_export_writes_its_dates_without_babel(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(labels, "_WORDS", {})
    cold, _ = _export(archive, tmp_path / "cold.epub", monkeypatch)
    kept = RenderCache(archive.root / FOLDER).recorded(recipes.WORDS, key(recipes.WORDS, styles_digest()))
    assert kept is not None and "month|" in kept.decode()  # the section heads' months, as babel wrote them

    def no_babel(*args: Any) -> str:
        raise AssertionError("babel asked again")

    monkeypatch.setattr(labels, "_WORDS", {})  # a new process: only the cache remembers
    monkeypatch.setattr(labels, "_format_month", no_babel)
    monkeypatch.setattr(labels, "_format_date", no_babel)
    for path in (archive.root / FOLDER / "xhtml").rglob("*"):  # every header's date is written again
        if path.is_file():
            path.unlink()
    warm, _ = _export(archive, tmp_path / "warm.epub", monkeypatch)
    assert warm == cold
    assert labels.learned() is None  # nothing new to keep


def test_renderer_versions_are_those_importlib_metadata_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib.metadata import version

    assert cache.versions(cache.RENDERERS) == {name: version(name) for name in cache.RENDERERS}
    (tmp_path / "Ebook_Lib-9.9.dist-info").mkdir()  # an earlier folder on the path wins, as imports do
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cache.versions(("ebook-lib", "not-installed-here")) == {
        "ebook-lib": "9.9",
        "not-installed-here": "-",
    }
