"""Pages kept in memory and in the render cache: fresh whenever anything that decides their bytes changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from archiver import pipeline
from archiver.serve import Settings, create_app, generations, pages
from archiver.serve.memo import Kept, PageMemory
from archiver.store import Archive
from tests.serve.test_pages import SEED_ID


@pytest.fixture
def root(archive_root: Path, tmp_path: Path) -> Path:
    """A copy of the samples' archive for one test: its documents and catalog are changed."""
    copy = tmp_path / "arc"
    shutil.copytree(archive_root, copy)
    return copy


def _client(root: Path, base_url: str = "http://testserver") -> TestClient:
    return TestClient(create_app(Settings(root=root)), base_url=base_url)


def test_an_article_page_is_made_once_and_then_comes_from_memory(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _client(root) as client:
        first = client.get(f"/article/{SEED_ID}")
        assert first.status_code == 200
        memory: PageMemory = client.app.state.memory  # type: ignore[attr-defined]
        assert len(memory) == 1 and memory.size == len(first.content)

        def fails(*args: object) -> bytes:
            raise AssertionError("made again")

        monkeypatch.setattr(pages, "_article_page", fails)
        again = client.get(f"/article/{SEED_ID}")
        assert (again.content, again.headers["etag"]) == (first.content, first.headers["etag"])
        assert memory.hits >= 1


def test_another_process_finds_the_page_in_the_render_cache(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _client(root) as client:
        first = client.get(f"/article/{SEED_ID}")
    kept = list((root / "cache" / pages.PAGE_KIND).rglob("*"))
    assert [p for p in kept if p.is_file()]  # written beside the export renderings

    def fails(*args: object) -> bytes:
        raise AssertionError("typeset again")

    monkeypatch.setattr(pages, "_article_page", fails)
    with _client(root) as other:  # a new app: empty memory, as a second worker has
        again = other.get(f"/article/{SEED_ID}")
    assert again.status_code == 200 and again.content == first.content


def test_a_changed_document_changes_the_page_and_its_etag(root: Path) -> None:
    with _client(root) as client:
        first = client.get(f"/article/{SEED_ID}")
        xml = root / "documents" / f"{SEED_ID}.xml"
        text = xml.read_text(encoding="utf-8")
        assert "Poetin" in text
        xml.write_text(text.replace("Poetin", "Poetien"), encoding="utf-8")  # as `archiver repair` might
        second = client.get(f"/article/{SEED_ID}", headers={"if-none-match": first.headers["etag"]})
        assert second.status_code == 200 and second.headers["etag"] != first.headers["etag"]
        assert "Poetien" in second.text and "Poetien" not in first.text


@pytest.mark.parametrize("what", ["serve", "render"])
def test_new_templates_or_render_version_change_the_etag(
    root: Path, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    from archiver.export import cache

    with _client(root) as client:
        before = {url: client.get(url).headers["etag"] for url in (f"/article/{SEED_ID}", "/opds/newest")}
        if what == "serve":  # what a change of a template or of the server's code does
            monkeypatch.setattr(pages, "SERVE_VERSION", "another")
            monkeypatch.setattr(generations, "SERVE_VERSION", "another")
        else:
            monkeypatch.setattr(cache, "RENDER_VERSION", "another")
        after = {url: client.get(url, headers={"if-none-match": before[url]}) for url in before}
    assert after[f"/article/{SEED_ID}"].status_code == 200
    assert after[f"/article/{SEED_ID}"].headers["etag"] != before[f"/article/{SEED_ID}"]
    changed = after["/opds/newest"].status_code == 200  # a feed has no typesetting in it
    assert changed == (what == "serve")


def test_the_serve_digest_covers_every_template(tmp_path: Path) -> None:
    here = Path(generations.__file__).parent
    copy = tmp_path / "serve"
    shutil.copytree(here, copy, ignore=shutil.ignore_patterns("__pycache__", "static"))
    assert generations._serve_digest(copy) == generations._serve_digest(here)
    article = copy / "templates" / "article.html"
    article.write_text(article.read_text() + "\n")
    assert generations._serve_digest(copy) != generations._serve_digest(here)


def test_another_base_url_is_another_page(root: Path) -> None:
    with _client(root) as client, _client(root, "http://reading.example:8443") as other:
        here, there = client.get(f"/article/{SEED_ID}"), other.get(f"/article/{SEED_ID}")
        assert here.headers["etag"] != there.headers["etag"]
        assert "http://reading.example:8443/article/" in there.text and "reading.example" not in here.text
        for url in ("/opds/newest", "/api/articles"):
            a, b = client.get(url), other.get(url)
            assert a.headers["etag"] != b.headers["etag"] and "reading.example" in b.text


def test_made_up_hosts_cannot_fill_the_disk(root: Path) -> None:
    from archiver.serve.library import PAGE_BASES

    shutil.rmtree(root / "cache" / pages.PAGE_KIND, ignore_errors=True)  # other tests' pages
    with _client(root) as client:
        tags = {
            client.get(f"/article/{SEED_ID}", headers={"host": f"h{n}.example"}).headers["etag"]
            for n in range(9)
        }
    assert len(tags) == 9  # each base URL its own page (its JSON-LD names it)
    kept = [p for p in (root / "cache" / pages.PAGE_KIND).rglob("*") if p.is_file()]
    assert len(kept) == PAGE_BASES


def test_an_ingest_changes_the_lists_and_feeds_at_once(root: Path, tmp_path: Path) -> None:
    with _client(root) as client:
        urls = ("/", "/opds/newest", "/opds2/newest", "/api/articles", "/search?q=tram")
        before = {url: client.get(url) for url in urls}
        assert all(r.status_code == 200 for r in before.values())
        assert all(
            client.get(u, headers={"if-none-match": r.headers["etag"]}).status_code == 304
            for u, r in before.items()
        )
        new = tmp_path / "tram-line-opens-2024-02-01.txt"
        new.write_text("Tram line opens\n\nThe new tram line to the harbour opened on Thursday morning.\n")
        with Archive(root) as archive:
            assert pipeline.ingest(archive, [new])[0].status == "new"
        for url, old in before.items():
            fresh = client.get(url, headers={"if-none-match": old.headers["etag"]})
            assert fresh.status_code == 200 and fresh.headers["etag"] != old.headers["etag"], url
            assert "Tram line opens" in fresh.text, url


def test_a_bad_search_is_never_kept(root: Path) -> None:
    with _client(root) as client:
        for _ in range(2):
            response = client.get('/search?q="unbalanced')
            assert response.status_code == 400
        assert len(client.app.state.memory) == 0  # type: ignore[attr-defined]


def test_the_memory_is_bounded_in_bytes_oldest_out_first() -> None:
    memory = PageMemory(limit=800)
    for n in range(10):
        memory.put(f"k{n}", Kept(bytes(100), "text/plain"))
        memory.get("k0")  # used again and again: kept
    assert memory.size <= 800 and len(memory) == 8
    assert memory.get("k0") is not None and memory.get("k1") is None and memory.get("k9") is not None
    memory.put("huge", Kept(bytes(500), "text/plain"))  # over an eighth of the limit: not kept
    assert memory.get("huge") is None and memory.size <= 800
