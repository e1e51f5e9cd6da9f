"""OPDS 1.2 feeds valid against the Atom RELAX NG grammar, walked by a feed reader down to a download."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
from lxml import etree
from starlette.testclient import TestClient

from archiver.ingest.ids import archive_id
from tests.conftest import SEED
from tests.export.conftest import EPOCH

SCHEMA = Path(__file__).parent / "schema" / "atom.rng"  # atom.rnc in XML syntax (schema/LICENSE)
ATOM = "{http://www.w3.org/2005/Atom}"
NS = {"a": "http://www.w3.org/2005/Atom", "os": "http://a9.com/-/spec/opensearch/1.1/"}
ACQUISITION = "http://opds-spec.org/acquisition/open-access"
OPDS_KIND = "application/atom+xml;profile=opds-catalog;kind="


@cache
def atom_grammar() -> etree.RelaxNG:
    """RFC 4287's grammar."""
    return etree.RelaxNG(etree.parse(SCHEMA))


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def feed(client: TestClient, url: str) -> etree._Element:
    response = client.get(path_of(url))
    assert response.status_code == 200, (url, response.text[:200])
    assert response.headers["content-type"].startswith("application/atom+xml;profile=opds-catalog;kind=")
    return etree.fromstring(response.content)


def walk(client: TestClient) -> dict[str, etree._Element]:
    """Every feed reachable from the root through subsection and next links."""
    seen: dict[str, etree._Element] = {}
    todo = ["/opds"]
    while todo:
        url = path_of(todo.pop())
        if url in seen:
            continue
        seen[url] = doc = feed(client, url)
        for link in doc.iter(f"{ATOM}link"):
            if link.get("rel") in ("subsection", "next"):
                todo.append(link.get("href"))
    return seen


def test_every_feed_from_the_root_is_valid_atom(client: TestClient) -> None:
    feeds = walk(client)
    assert {"/opds", "/opds/months", "/opds/sources", "/opds/languages", "/opds/newest"} <= set(feeds)
    assert any(u.startswith("/opds/month?value=2019-04") for u in feeds)
    grammar = atom_grammar()
    for url, doc in feeds.items():
        assert grammar.validate(doc), f"{url}: {grammar.error_log.last_error}"


def test_the_grammar_rejects_a_broken_feed(client: TestClient) -> None:
    broken = feed(client, "/opds/newest")
    broken.remove(broken.find(f"{ATOM}id"))  # an Atom feed needs its id
    assert not atom_grammar().validate(broken)


def test_acquisition_entries_carry_epub_pdf_and_cover_links(client: TestClient) -> None:
    doc = feed(client, "/opds/newest")
    entries = doc.findall(f"{ATOM}entry")
    assert len(entries) == 4  # the test client's page size
    for entry in entries:
        links = {(link.get("rel"), link.get("type")) for link in entry.findall(f"{ATOM}link")}
        assert (ACQUISITION, "application/epub+zip") in links
        assert (ACQUISITION, "application/pdf") in links
        assert ("http://opds-spec.org/image", "image/png") in links
        assert ("http://opds-spec.org/image/thumbnail", "image/png") in links
        assert entry.findtext("{http://purl.org/dc/terms/}language")


def test_navigation_links_say_what_kind_of_feed_they_lead_to(client: TestClient) -> None:
    root = feed(client, "/opds")
    kinds = {e.findtext(f"{ATOM}title"): e.find(f"{ATOM}link").get("type") for e in root.iter(f"{ATOM}entry")}
    assert kinds["Newest"] == OPDS_KIND + "acquisition"
    assert kinds["By month"] == OPDS_KIND + "navigation"
    months = feed(client, "/opds/months")
    counts = [e.findtext(f"{ATOM}content") for e in months.iter(f"{ATOM}entry")]
    assert sum(int(c.split()[0]) for c in counts) == 9  # every article under some month
    undated = [e for e in months.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "undated"]
    assert len(undated) == 1 and undated[0].findtext(f"{ATOM}content").split()[0] == "1"  # market-rents
    link = path_of(undated[0].find(f"{ATOM}link").get("href"))
    assert [e.findtext(f"{ATOM}title") for e in feed(client, link).iter(f"{ATOM}entry")] == [
        "Market stall rents to rise by a fifth"
    ]


def _entry_ids(client: TestClient, url: str | None) -> list[str]:
    """The ids of every entry from `url` on, following rel="next" links to the last page."""
    ids: list[str] = []
    while url:
        doc = feed(client, url)
        ids += [e.findtext(f"{ATOM}id") for e in doc.iter(f"{ATOM}entry")]
        nxt = doc.find(f"{ATOM}link[@rel='next']")
        url = path_of(nxt.get("href")) if nxt is not None else None
    return ids


def test_pages_follow_next_links_to_every_article_once(client: TestClient) -> None:
    ids = _entry_ids(client, "/opds/newest")
    assert len(ids) == 9 and len(set(ids)) == 9
    second = feed(client, "/opds/newest?page=2")
    previous = second.find(f"{ATOM}link[@rel='previous']")
    assert previous is not None and path_of(previous.get("href")) == "/opds/newest?page=1"
    assert feed(client, "/opds/newest?page=1").find(f"{ATOM}link[@rel='previous']") is None
    assert feed(client, "/opds/newest?page=3").findtext("os:totalResults", namespaces=NS) == "9"


def test_search_is_offered_both_ways(client: TestClient) -> None:
    root = feed(client, "/opds")
    searches = {link.get("type"): link.get("href") for link in root.findall(f"{ATOM}link[@rel='search']")}
    assert searches[OPDS_KIND + "acquisition"].endswith("/opds/search?q={searchTerms}")
    description = client.get(path_of(searches["application/opensearchdescription+xml"]))
    assert description.headers["content-type"] == "application/opensearchdescription+xml"
    template = etree.fromstring(description.content).find(
        f"os:Url[@type='{OPDS_KIND}acquisition']", namespaces=NS
    )
    assert template is not None and "{searchTerms}" in template.get("template")
    hits = feed(client, path_of(template.get("template").replace("{searchTerms}", "ferry")))
    titles = [e.findtext(f"{ATOM}title") for e in hits.iter(f"{ATOM}entry")]
    assert titles and any("erry" in t for t in titles)
    assert atom_grammar().validate(hits)


def test_hostile_search_in_a_feed_is_400(client: TestClient) -> None:
    response = client.get("/opds/search", params={"q": 'NEAR("a" b'})
    assert response.status_code == 400
    assert "FTS5" in response.text and "Traceback" not in response.text


def test_a_feed_reader_walks_from_the_root_to_the_export_bytes(
    client: TestClient, archive_root: Path, tmp_path: Path
) -> None:
    """feedparser follows Newest, picks the seed article, and its EPUB equals `archiver export`'s."""
    root = feedparser.parse(client.get("/opds").content)
    assert not root.bozo, root.get("bozo_exception")
    newest = next(e for e in root.entries if e.title == "Newest")
    url = path_of(next(link.href for link in newest.links if link.rel == "subsection"))
    seed = None
    while seed is None and url:
        page = feedparser.parse(client.get(url).content)
        seed = next(
            (e for e in page.entries if e.id == f"urn:archiver:{archive_id(SEED.read_bytes())}"), None
        )
        url = next((path_of(link.href) for link in page.feed.links if link.rel == "next"), "")
    assert seed is not None, "the seed article is not in the Newest feed"
    epub = next(link.href for link in seed.links if link.get("type") == "application/epub+zip")
    downloaded = client.get(path_of(epub))
    assert downloaded.status_code == 200
    article_id = seed.id.removeprefix("urn:archiver:")
    env = {**os.environ, "ARCHIVER_HOME": str(archive_root), "SOURCE_DATE_EPOCH": EPOCH}
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "export", "epub", article_id, "--each", "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (exported,) = tmp_path.glob("*.epub")
    assert downloaded.content == exported.read_bytes()


def test_opds2_lists_the_same_articles_as_json(client: TestClient) -> None:
    atom = feed(client, "/opds/newest")
    response = client.get("/opds2/newest")
    assert response.headers["content-type"] == "application/opds+json"
    doc = json.loads(response.content)
    assert [p["metadata"]["identifier"] for p in doc["publications"]] == [
        e.findtext(f"{ATOM}id") for e in atom.iter(f"{ATOM}entry")
    ]
    assert {link["rel"] for link in doc["links"]} >= {"self", "search", "next"}
    search = next(link for link in doc["links"] if link["rel"] == "search")
    assert search["templated"] and "{searchTerms}" in search["href"]
    first = doc["publications"][0]
    assert {link["type"] for link in first["links"]} >= {"application/epub+zip", "application/pdf"}
    nav = json.loads(client.get("/opds2").content)["navigation"]
    assert [n["title"] for n in nav] == ["Newest", "By month", "By source", "By language"]


def test_search_feeds_are_paged(client: TestClient) -> None:
    everything = client.get("/api/search", params={"q": "de OR the OR le", "limit": 100}).json()["count"]
    assert everything > 4  # more hits than one page of the test client
    ids = _entry_ids(client, "/opds/search?q=de+OR+the+OR+le")
    assert len(ids) == everything == len(set(ids))


def test_languages_are_named_as_readers_name_them(client: TestClient) -> None:
    languages = feed(client, "/opds/languages")
    titles = {
        e.findtext(f"{ATOM}title"): e.find(f"{ATOM}link").get("href") for e in languages.iter(f"{ATOM}entry")
    }
    assert titles["Nederlands (Dutch)"].endswith("/opds/language?value=nl")
    assert titles["English"].endswith("/opds/language?value=en")
    assert feed(client, "/opds/language?value=fr").findtext(f"{ATOM}title") == "Français (French)"
