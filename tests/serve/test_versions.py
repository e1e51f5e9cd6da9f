"""What the reading room shows of versions, undated articles and the whole archive."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html
from starlette.testclient import TestClient

from archiver import pipeline
from archiver.export.edition import file_stem
from archiver.ingest.ids import archive_id
from archiver.serve import Settings, create_app
from archiver.store import Archive
from tests.conftest import SOURCES
from tests.export.conftest import EPOCH

HARBOUR = SOURCES / "harbour-ferry-resumes-2022-05-09.txt"


@pytest.fixture
def two_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, str]:
    """An archive of two samples, one of them archived again after an edit: (root, old id, new id)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    raw = tmp_path / "in"
    raw.mkdir()
    name = raw / HARBOUR.name
    name.write_bytes(HARBOUR.read_bytes())
    (raw / "market-rents-cp1252.txt").write_bytes((SOURCES / "market-rents-cp1252.txt").read_bytes())
    root = tmp_path / "arc"
    with Archive(root, create=True) as archive:
        pipeline.ingest(archive, sorted(raw.iterdir()))
        edited = HARBOUR.read_bytes() + b"\nCorrection: the ferry resumes on Tuesday, not Monday.\n"
        name.write_bytes(edited)
        pipeline.ingest(archive, [name])
    return root, archive_id(HARBOUR.read_bytes()), archive_id(edited)


def _tree(client: TestClient, url: str) -> lxml_html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    return lxml_html.fromstring(response.content)


def test_counts_are_of_articles_not_versions(two_versions: tuple[Path, str, str]) -> None:
    root, _, new = two_versions
    client = TestClient(create_app(Settings(root=root)))
    counts = " ".join(_tree(client, "/").xpath("//ul[@class='counts']//text()")).split()
    assert counts[:2] == ["2", "articles"]
    listed = _tree(client, "/browse/all").xpath("//ol[@class='entries']//h3/a/@href")
    assert len(listed) == 2 and f"/article/{new}" in listed
    newest = next(e for e in client.get("/opds2").json()["navigation"] if e["title"] == "Newest")
    assert newest["properties"]["numberOfItems"] == 2


def test_an_older_version_points_to_the_newest(two_versions: tuple[Path, str, str]) -> None:
    root, old, new = two_versions
    client = TestClient(create_app(Settings(root=root)))
    notice = _tree(client, f"/article/{old}").xpath("//p[@class='notice']")
    assert len(notice) == 1 and notice[0].xpath(".//a/@href") == [f"/article/{new}"]
    assert "version 1" in notice[0].text_content() and "(version 2)" in notice[0].text_content()
    assert not _tree(client, f"/article/{new}").xpath("//p[@class='notice']")


def test_undated_articles_have_a_month_of_their_own(two_versions: tuple[Path, str, str]) -> None:
    root, _, _ = two_versions
    client = TestClient(create_app(Settings(root=root)))
    browse = _tree(client, "/browse")
    assert browse.xpath("//section[h2[@id='months']]//a[@href='/browse/month/undated']")
    undated = _tree(client, "/browse/month/undated")
    titles = undated.xpath("//ol[@class='entries']//h3/a/text()")
    assert titles == ["Market stall rents to rise by a fifth"]
    assert "1 article." in undated.text_content()  # one, not "1 articles"
    months = " ".join(_tree(client, "/").xpath("//ul[@class='counts']//text()")).split()
    assert months[2:4] == ["1", "months"]  # "undated" is no month


def test_editions_say_near_duplicates_are_left_out_and_offer_them(
    two_versions: tuple[Path, str, str],
) -> None:
    root, _, _ = two_versions
    client = TestClient(create_app(Settings(root=root)))
    links = _tree(client, "/browse/all").xpath("//main//a/@href")
    assert "/edition.epub?" in links and "/edition.epub?duplicates=yes" in links
    response = client.get("/edition.epub?duplicates=yes")
    assert response.status_code == 200
    disposition = response.headers["content-disposition"]
    assert disposition.endswith('.epub"') and 'filename="edition.epub"' not in disposition


def test_downloads_have_readable_names(two_versions: tuple[Path, str, str]) -> None:
    root, _, new = two_versions
    client = TestClient(create_app(Settings(root=root)))
    disposition = client.get(f"/article/{new}.epub").headers["content-disposition"]
    with Archive(root) as archive:
        stem = file_stem(archive.document(new))  # the name `archiver export --each` gives it
    assert (
        stem.startswith("2022-05-09_harbour-ferry") and disposition == f'attachment; filename="{stem}.epub"'
    )


def test_a_damaged_document_says_what_to_run(two_versions: tuple[Path, str, str]) -> None:
    root, _, new = two_versions
    (root / "documents" / f"{new}.xml").write_bytes(b"<broken")
    client = TestClient(create_app(Settings(root=root)), raise_server_exceptions=False)
    response = client.get(f"/article/{new}")
    assert response.status_code == 500 and "archiver verify" in response.text
    assert "Traceback" not in response.text and str(root) not in response.text


def test_a_search_with_filters_but_no_words_says_what_to_do(two_versions: tuple[Path, str, str]) -> None:
    root, _, _ = two_versions
    client = TestClient(create_app(Settings(root=root)))
    notice = _tree(client, "/search?q=&language=en").xpath("//p[@class='notice']")
    assert len(notice) == 1 and "Give words to look for" in notice[0].text_content()


def test_the_favicon_is_no_content(two_versions: tuple[Path, str, str]) -> None:
    client = TestClient(create_app(Settings(root=two_versions[0])))
    response = client.get("/favicon.ico")
    assert response.status_code == 204 and response.content == b""
    assert "content-security-policy" in response.headers
