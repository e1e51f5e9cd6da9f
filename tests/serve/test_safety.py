"""The server as a door into the archive: traversal, hostile queries, headers, errors, uploads, tokens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from archiver import pipeline
from archiver.serve import Settings, create_app
from archiver.store import Archive
from tests.conftest import FIXTURES, SEED
from tests.export.conftest import EPOCH

TOKEN = "correct horse battery staple"
TRAVERSALS = [
    "/article/../../../../etc/passwd",
    "/article/..%2f..%2f..%2fetc%2fpasswd",
    "/article/%2e%2e%2f%2e%2e%2fcatalog.sqlite.xml",
    "/article/%2Fetc%2Fpasswd.original",
    "/article//etc/passwd.original",
    "/article/..%5c..%5cwindows.xml",
    "/cover/..%2fcatalog.sqlite.png",
    "/static/..%2f..%2fpyproject.toml",
    "/static/%2e%2e/__init__.py",
    "/static/../cli.py",
    "/article/4601388713.original",  # an id prefix is not an id
]
HOSTILE_QUERIES = [
    '"unbalanced',
    "NEAR(",
    "a AND",
    "title:",
    "*",
    "(((",
    "AND OR NOT",
    "^",
    "{a b}:c",
    "a:b:c",
]
ODD_BUT_VALID = ['x" OR "', "body:ferry", "ferry*", "-"]


def test_traversal_never_reaches_a_file(client: TestClient, archive_root: Path) -> None:
    secrets = [Path("/etc/passwd").read_bytes()[:20], b"SQLite format", b"[build-system]", b"import typer"]
    for url in TRAVERSALS:
        response = client.get(url)
        assert response.status_code in (400, 404), url
        assert not any(s in response.content for s in secrets), url


def test_security_headers_on_pages_feeds_errors_and_304(client: TestClient) -> None:
    ok = client.get("/")
    for response in (
        ok,
        client.get("/opds"),
        client.get("/nowhere"),
        client.get("/search?q=NEAR("),
        client.get("/", headers={"If-None-Match": ok.headers["etag"]}),
    ):
        csp = response.headers["content-security-policy"]
        assert "script-src" not in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_search_syntax_is_a_400_with_a_message(client: TestClient, query: str) -> None:
    for url in ("/search", "/api/search", "/opds/search", "/opds2/search"):
        response = client.get(url, params={"q": query})
        assert response.status_code == 400, (url, query, response.text[:200])
        assert "FTS5" in response.text and "Traceback" not in response.text


@pytest.mark.parametrize("query", ODD_BUT_VALID)
def test_odd_but_valid_queries_are_answered(client: TestClient, query: str) -> None:
    for url in ("/search", "/api/search", "/opds/search", "/opds2/search"):
        assert client.get(url, params={"q": query}).status_code == 200, (url, query)


def test_an_unbalanced_quote_says_what_to_do(client: TestClient) -> None:
    response = client.get("/api/search", params={"q": '"unbalanced'})
    assert response.status_code == 400
    assert "a double quote is not closed" in response.json()["error"]
    assert "fts5:" not in response.json()["error"]  # SQLite's own words say nothing to a reader
    near = client.get("/api/search", params={"q": "NEAR("}).json()["error"]
    assert "a parenthesis is not closed" in near


def test_an_internal_error_is_a_500_page_without_a_trace(
    archive_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(Settings(root=archive_root))

    def broken(*args: object) -> int:
        raise RuntimeError("secret detail /home/someone/archive")

    monkeypatch.setattr(type(app.state.library), "count", broken)
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/")
    assert response.status_code == 500
    assert "secret detail" not in response.text and "Traceback" not in response.text
    assert "went wrong" in response.text and response.headers["x-content-type-options"] == "nosniff"


# ------------------------------------------------------------ uploads
@pytest.fixture
def small_archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "arc"
    with Archive(root, create=True) as archive:
        pipeline.ingest(archive, [FIXTURES / "body-only-plain.txt"])
    return root


def uploader(root: Path, allow: bool = True, limit: int = 4096) -> TestClient:
    settings = Settings(root=root, allow_upload=allow, token=TOKEN if allow else None, upload_limit=limit)
    return TestClient(create_app(settings))


def test_uploads_are_off_unless_allowed(small_archive: Path) -> None:
    client = uploader(small_archive, allow=False)
    response = client.post(
        "/api/upload",
        files={"file": ("a.txt", b"Title\n\nText.")},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 403 and "--allow-upload" in response.json()["error"]


def test_missing_and_wrong_tokens(small_archive: Path) -> None:
    client = uploader(small_archive)
    body = {"file": ("a.txt", SEED.read_bytes())}
    assert client.post("/api/upload", files=body).status_code == 401
    assert client.post("/api/upload", files=body, headers={"Authorization": "Bearer nope"}).status_code == 403
    assert client.post("/api/upload", files=body, data={"token": "nope"}).status_code == 403
    with Archive(small_archive) as archive:
        assert archive.catalog.count() == 1  # nothing was archived


def test_an_upload_with_the_token_is_archived_and_served(small_archive: Path) -> None:
    client = uploader(small_archive, limit=64 * 1024)
    response = client.post(
        "/api/upload",
        files={"file": ("../../evil/000_seed.txt", SEED.read_bytes())},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 201, response.text
    outcome = response.json()
    assert outcome["status"] == "new" and outcome["path"] == "000_seed.txt"
    assert client.get(f"/article/{outcome['id']}.original").content == SEED.read_bytes()
    again = client.post("/api/upload", files={"file": ("x.txt", SEED.read_bytes())}, data={"token": TOKEN})
    assert again.status_code == 200 and again.json()["status"] == "unchanged"
    assert not (small_archive.parent / "evil").exists()


def test_oversized_uploads_are_refused_before_they_are_read(small_archive: Path) -> None:
    client = uploader(small_archive, limit=1024)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = client.post("/api/upload", files={"file": ("big.txt", b"word " * 50_000)}, headers=auth)
    assert big.status_code == 413 and "too large" in big.json()["error"]
    assert "the limit is 1 KiB" in big.json()["error"]  # the file's limit, not the wrapping's

    def chunks():  # no Content-Length: the limit holds while streaming
        for _ in range(200):
            yield b"x" * 1024

    streamed = client.post(
        "/api/upload", content=chunks(), headers={**auth, "Content-Type": "multipart/form-data; boundary=b"}
    )
    assert streamed.status_code == 413


def test_malformed_and_empty_uploads_are_400(small_archive: Path) -> None:
    client = uploader(small_archive)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    garbage = client.post(
        "/api/upload",
        content=b"--b\r\nnonsense",
        headers={**auth, "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert garbage.status_code == 400
    raw = client.post("/api/upload", content=b"plain body", headers={**auth, "Content-Type": "text/plain"})
    assert raw.status_code == 400 and "multipart/form-data" in raw.json()["error"]
    nofile = client.post("/api/upload", data={"other": "x"}, headers=auth)
    assert nofile.status_code == 400 and "field named `file`" in nofile.json()["error"]
    empty = client.post("/api/upload", files={"file": ("e.txt", b"")}, headers=auth)
    assert empty.status_code == 400


def test_a_binary_upload_fails_with_the_ingest_problem(small_archive: Path) -> None:
    client = uploader(small_archive)
    response = client.post(
        "/api/upload",
        files={"file": ("photo.jpg", b"\xff\xd8\x00\x00JFIF\x00" * 20)},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 422
    assert json.loads(response.content)["error"]["code"] == "binary"
    assert b"archiver-upload-" not in response.content and b"/tmp" not in response.content  # no server path
    assert "photo.jpg" in response.text


def test_get_on_upload_is_not_allowed(small_archive: Path) -> None:
    assert uploader(small_archive).get("/api/upload").status_code == 405


def test_a_missing_original_is_a_404_that_says_so(small_archive: Path) -> None:
    client = uploader(small_archive, allow=False)
    (entry,) = client.get("/api/articles").json()["articles"]
    (original,) = (small_archive / "originals" / entry["id"]).iterdir()
    original.unlink()
    response = client.get(f"/article/{entry['id']}.original")
    assert response.status_code == 404 and "the original is missing" in response.text
    assert client.get(f"/article/{entry['id']}").status_code == 200  # the XML still serves the page


def test_request_text_shown_back_is_escaped(client: TestClient) -> None:
    hostile = '<script>alert(1)</script>"><img src=x>'
    for url, params in (
        ("/browse/source", {"name": hostile}),
        ("/search", {"q": hostile}),
        ("/search", {"q": "ferry", "source": hostile}),
        ("/api/articles/" + hostile, {}),
    ):
        response = client.get(url, params=params)
        assert response.status_code in (200, 400, 404), url
        assert "<script>" not in response.text and "<img src=x>" not in response.text, url


def test_an_opds_search_error_is_a_sentence_an_e_reader_can_show(client: TestClient) -> None:
    response = client.get("/opds/search", params={"q": '"unbalanced'})
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/plain")
    assert "<" not in response.text and "400 Bad Request:" in response.text


def test_the_reading_room_is_named_after_its_folder(tmp_path: Path) -> None:
    from archiver.serve.run import _title

    assert _title(tmp_path / "archive") == "Archive"
    assert _title(tmp_path / "krantenbank") == "Archive krantenbank"
