"""The web pages: accessible structure, typeset articles, browsing, search with highlighted hits."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html
from starlette.testclient import TestClient

from archiver.export.typography import typeset
from archiver.ingest.ids import archive_id
from archiver.serve import Settings, create_app
from tests.conftest import SEED
from tests.serve.conftest import headings_in_order

SEED_ID = archive_id(SEED.read_bytes())


def page(client: TestClient, url: str, status: int = 200) -> lxml_html.HtmlElement:
    response = client.get(url)
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    # nothing needs JavaScript, and the CSP forbids it; an article's JSON-LD is a data block, never run
    assert set(re.findall(r"<script[^>]*>", response.text)) <= {'<script type="application/ld+json">'}
    assert headings_in_order(response.text), url
    tree = lxml_html.fromstring(response.content)
    assert tree.get("lang") == "en"
    assert tree.find(".//main") is not None and tree.find(".//nav") is not None
    return tree


def test_home_counts_the_archive_and_links_the_opds_root(client: TestClient) -> None:
    tree = page(client, "/")
    opds = tree.xpath("//link[@rel='alternate'][@type='application/atom+xml;profile=opds-catalog']/@href")
    assert opds == ["/opds"]
    counts = " ".join(tree.xpath("//ul[@class='counts']//text()")).split()
    assert counts[:2] == ["9", "articles"]
    newest = tree.xpath("//ol[@class='entries']/li")
    assert len(newest) == 9 and all(li.get("lang") for li in newest)


def test_browse_lists_months_by_year_sources_and_languages(client: TestClient) -> None:
    tree = page(client, "/browse")
    months = tree.xpath("//section[h2[@id='months']]//a/@href")
    assert "/browse/month/2019-04" in months
    assert tree.xpath("//section[h2[@id='months']]/h3/text()")[:2] == ["2023", "2022"]
    languages = tree.xpath("//section[h2[@id='languages']]//a")
    assert [a.get("hreflang") for a in languages] == ["de", "en", "fr", "nl"]
    assert [a.text for a in languages] == [
        "Deutsch (German)",
        "English",
        "Français (French)",
        "Nederlands (Dutch)",
    ]
    sources = tree.xpath("//section[h2[@id='sources']]//a/@href")
    assert "/browse/source?name=Riverside%20Community%20Newsletter" in sources


def test_a_month_lists_its_articles_with_edition_links(client: TestClient) -> None:
    tree = page(client, "/browse/month/2019-04")
    assert [a.get("href") for a in tree.xpath("//ol[@class='entries']//h3/a")] == [f"/article/{SEED_ID}"]
    assert "/edition.epub?month=2019-04" in tree.xpath("//main//a/@href")


def test_language_pages_are_paged(archive_root: Path) -> None:
    client = TestClient(create_app(Settings(root=archive_root, page_size=3)))
    first = page(client, "/browse/language/en")  # four English samples on pages of three
    assert len(first.xpath("//ol[@class='entries']/li")) == 3
    assert first.xpath("//a[@rel='next']/@href") == ["?page=2"]
    second = page(client, "/browse/language/en?page=2")
    assert len(second.xpath("//ol[@class='entries']/li")) == 1
    assert second.xpath("//a[@rel='prev']/@href") == ["?page=1"] and not second.xpath("//a[@rel='next']")
    page(client, "/browse/language/en?page=0", status=400)


def test_source_with_spaces_and_unknown_values(client: TestClient) -> None:
    tree = page(client, "/browse/source?name=The Northern Rail Review")
    assert len(tree.xpath("//ol[@class='entries']/li")) == 1
    page(client, "/browse/source?name=Nobody", status=404)
    page(client, "/browse/month/2019-13", status=400)


def test_article_page_is_typeset_like_the_epub_with_report_and_provenance(client: TestClient) -> None:
    from archiver.document.model import Paragraph

    tree = page(client, f"/article/{SEED_ID}")
    article = tree.find(".//article")
    assert article.get("lang") == "nl"
    assert article.findtext(".//h1")
    response = client.get(f"/api/articles/{SEED_ID}")
    assert response.status_code == 200
    from archiver.store import Archive

    with Archive(client.app.state.settings.root) as archive:  # type: ignore[attr-defined]
        doc = archive.document(SEED_ID)
    first = next(b for b in doc.body if isinstance(b, Paragraph))
    shown = " ".join("".join(article.xpath("./p[not(@class)]")[0].itertext()).split())
    assert shown == " ".join(typeset(first.text, "nl").split())
    how = tree.xpath("//section[h2[@id='how']]//th[@scope='row']/text()")
    assert "title" in how and "language" in how
    provenance = " ".join(tree.xpath("//section[h2[@id='provenance']]//text()"))
    assert "date-prefix" in provenance and "sha256" in provenance
    downloads = tree.xpath("//aside//a/@href")
    assert [d.rsplit(".", 1)[1] for d in downloads] == ["epub", "pdf", "xml", "original", "jsonld", "nitf"]


def test_search_marks_hits_and_filters(client: TestClient) -> None:
    tree = page(client, "/search?q=ferry")
    marks = tree.xpath("//p[@class='snippet']/mark/text()")
    assert marks and all(m.lower().startswith("ferr") for m in marks)
    assert page(client, "/search?q=ferry&language=nl").xpath("//ol[@class='entries']/li") == []
    everything = page(client, "/search?q=de")
    dutch = page(client, "/search?q=de&language=nl")
    assert 0 < len(dutch.xpath("//ol/li")) < len(everything.xpath("//ol/li"))
    n = len(dutch.xpath("//ol/li"))  # the total counts what the filter keeps
    assert dutch.xpath("string(//main//h2)") == f"{n} result{'' if n == 1 else 's'}"
    assert all(li.get("lang") == "nl" for li in dutch.xpath("//ol/li"))


def test_search_pages_its_hits(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from archiver.serve import pages

    everything = [a.get("href") for a in page(client, "/search?q=de").xpath("//ol/li//h3/a")]
    assert len(everything) >= 3
    monkeypatch.setattr(pages, "SEARCH_PAGE", 2)
    client.app.state.memory.clear()  # type: ignore[attr-defined]  # pages kept at 20 hits a page
    first = page(client, "/search?q=de")
    assert first.xpath("//ol/li//h3/a/@href") == everything[:2]
    assert first.xpath("string(//main//h2)") == f"Results 1–2 of {len(everything)}"
    (more,) = first.xpath("//nav[@class='pages']//a[@rel='next']/@href")
    second = page(client, more)
    assert second.xpath("//ol/li//h3/a/@href") == everything[2:4]
    assert second.xpath("//nav[@class='pages']//a[@rel='prev']/@href")


def test_search_snippet_text_is_escaped(client: TestClient) -> None:
    from archiver.serve.pages import highlighted

    assert str(highlighted("a <b> [c] & [d]")) == "a &lt;b&gt; <mark>c</mark> &amp; <mark>d</mark>"


def test_page_etag_gives_304(client: TestClient) -> None:
    for url in ("/", f"/article/{SEED_ID}", "/opds/newest", f"/article/{SEED_ID}.xml", "/api/articles"):
        first = client.get(url)
        etag = first.headers["etag"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_article_header_shows_the_source_url_as_a_link(client: TestClient) -> None:
    trains = next(
        a["id"]
        for a in client.get("/api/articles", params={"language": "en"}).json()["articles"]
        if a["source"] == "The Northern Rail Review"
    )
    tree = page(client, f"/article/{trains}")
    assert tree.xpath("//div[@class='article']//a/@href") == [
        "https://example.org/2023/11/02/night-trains-alps"
    ]
    assert "2023" in tree.xpath("string(//article//time/@datetime)")
