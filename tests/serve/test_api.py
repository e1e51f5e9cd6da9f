"""The JSON API: list, show, search, as its OpenAPI document describes them."""

from __future__ import annotations

from starlette.routing import Route
from starlette.testclient import TestClient

from archiver.ingest.ids import archive_id
from tests.conftest import SEED

SEED_ID = archive_id(SEED.read_bytes())


def test_list_pages_through_every_article(client: TestClient) -> None:
    ids: list[str] = []
    url: str | None = "/api/articles"
    while url:
        data = client.get(url).json()
        assert data["total"] == 9
        ids += [a["id"] for a in data["articles"]]
        url = data["next"].removeprefix("http://testserver") if data["next"] else None
    assert len(ids) == 9 == len(set(ids))
    dated = [a["date"] for a in client.get("/api/articles").json()["articles"]]
    assert dated == sorted(dated)  # date order, as `archiver list`


def test_list_filters(client: TestClient) -> None:
    data = client.get("/api/articles", params={"language": "de"}).json()
    assert [a["language"] for a in data["articles"]] == ["de"]
    assert client.get("/api/articles", params={"month": "April"}).status_code == 400


def test_show_is_the_report_of_archiver_show(client: TestClient) -> None:
    data = client.get(f"/api/articles/{SEED_ID}").json()
    assert data["id"] == SEED_ID and data["version"] == 1
    assert data["links"]["epub"].endswith(f"/article/{SEED_ID}.epub")
    missing = client.get("/api/articles/0000000000000000")
    assert missing.status_code == 404 and missing.json() == {"error": "0000000000000000: no such article"}


def test_search_returns_snippets(client: TestClient) -> None:
    data = client.get("/api/search", params={"q": "ferry", "limit": 5}).json()
    assert data["count"] >= 1 and all("[" in r["snippet"] for r in data["results"])
    assert client.get("/api/search", params={"q": "ferry", "limit": 0}).status_code == 400
    assert client.get("/api/search", params={"q": "  "}).status_code == 400


def test_openapi_documents_every_api_route(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    routes = {
        r.path
        for r in client.app.routes  # type: ignore[attr-defined]
        if isinstance(r, Route)
        and r.path.startswith("/api/")
        and not r.path.startswith(("/api/openapi", "/api/docs"))
    }
    assert routes == set(spec["paths"])
    docs = client.get("/api/docs")
    assert all(path in docs.text for path in spec["paths"])


def test_filters_apply_before_the_limit(client: TestClient) -> None:
    for lang in ("en", "nl", "fr", "de"):
        data = client.get(
            "/api/search", params={"q": "de OR the OR le OR die", "limit": 1, "language": lang}
        ).json()
        assert [r["language"] for r in data["results"]] == [lang]
