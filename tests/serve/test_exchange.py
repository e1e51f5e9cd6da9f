"""The exchange formats in the reading room: JSON-LD in the article page; JSON-LD and NITF downloads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html
from starlette.testclient import TestClient

from archiver import recipes
from archiver.export import jsonld
from archiver.ingest.ids import archive_id
from archiver.serve.http import SECURITY_HEADERS
from archiver.serve.pages import ld_json
from archiver.store import Archive, Selection
from tests.conftest import SEED
from tests.export.test_jsonld import unknown_terms
from tests.export.test_nitf import SCHEMA

SEED_ID = archive_id(SEED.read_bytes())
LD = "application/ld+json"


def embedded(client: TestClient, id: str) -> dict[str, object]:
    response = client.get(f"/article/{id}")
    assert response.status_code == 200
    tree = lxml_html.fromstring(response.content)
    (block,) = tree.xpath("//head/script")
    assert block.get("type") == LD and not block.get("src")
    data: dict[str, object] = json.loads(block.text)
    return data


def test_the_article_page_embeds_the_exported_newsarticle(client: TestClient, archive_root: Path) -> None:
    data = embedded(client, SEED_ID)
    with Archive(archive_root) as archive:
        expected = jsonld.article(archive.document(SEED_ID))
    base = "http://testserver"
    assert data == {
        **expected,
        "mainEntityOfPage": f"{base}/article/{SEED_ID}",
        "image": f"{base}/cover/{SEED_ID}.png",
    }
    assert data["datePublished"] == "2019-04"
    assert unknown_terms(data) == []
    assert client.get(str(data["image"]).removeprefix(base)).headers["content-type"] == "image/png"


def test_every_article_page_embeds_valid_json_ld(client: TestClient) -> None:
    ids = [a["id"] for a in client.get("/api/articles?page=1").json()["articles"]]
    ids += [a["id"] for a in client.get("/api/articles?page=2").json()["articles"]]
    assert len(ids) == 8
    for id in ids:
        assert unknown_terms(embedded(client, id)) == [], id


def test_the_data_block_cannot_be_closed_from_inside() -> None:
    text = str(ld_json({"headline": "</script><script>alert(1)</script> & <!--"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"headline": "</script><script>alert(1)</script> & <!--"}


def test_the_csp_is_unchanged_and_still_allows_no_script(client: TestClient) -> None:
    response = client.get(f"/article/{SEED_ID}")
    csp = response.headers["content-security-policy"]
    assert csp == SECURITY_HEADERS["content-security-policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp  # scripts fall back to 'none'


@pytest.mark.parametrize(
    ("fmt", "media", "name"), [("jsonld", LD, "jsonld"), ("nitf", "application/xml", "nitf.xml")]
)
def test_downloads_are_the_export(
    client: TestClient, archive_root: Path, tmp_path: Path, fmt: str, media: str, name: str
) -> None:
    response = client.get(f"/article/{SEED_ID}.{fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media
    with Archive(archive_root) as archive:
        job = recipes.export_job(fmt, each=True, jobs=1)
        (path,) = recipes.export(archive, job, Selection(ids=[SEED_ID]), tmp_path).paths
    stem = path.name.split(".")[0]  # as export names it; NITF as .nitf.xml, beside the canonical .xml
    assert response.headers["content-disposition"] == f'attachment; filename="{stem}.{name}"'
    assert stem.endswith(f"_{SEED_ID[:8]}")
    assert response.content == path.read_bytes()
    again = client.get(f"/article/{SEED_ID}.{fmt}", headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304


def test_the_nitf_download_is_valid(client: TestClient) -> None:
    xsd = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert xsd.validate(etree.fromstring(client.get(f"/article/{SEED_ID}.nitf").content)), xsd.error_log


def test_the_page_and_the_api_link_both_downloads(client: TestClient) -> None:
    tree = lxml_html.fromstring(client.get(f"/article/{SEED_ID}").content)
    links = tree.xpath("//aside[@class='downloads']//a/@href")
    assert f"/article/{SEED_ID}.jsonld" in links and f"/article/{SEED_ID}.nitf" in links
    shown = client.get(f"/api/articles/{SEED_ID}").json()["links"]
    assert shown["jsonld"].endswith(f"/article/{SEED_ID}.jsonld")
    assert shown["nitf"].endswith(f"/article/{SEED_ID}.nitf")
    for url in (shown["jsonld"], shown["nitf"]):
        assert client.get(url.removeprefix("http://testserver")).status_code == 200
