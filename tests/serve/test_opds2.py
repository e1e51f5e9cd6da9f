"""OPDS 2.0 feeds: every feed from /opds2 checked against Readium's Web Publication Manifest schemas."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from starlette.testclient import TestClient

from tests.serve.test_opds import path_of

WEBPUB = Path(__file__).parent / "schema" / "webpub"  # readium/webpub-manifest, BSD-3-Clause (LICENSE)
# The link schema refers to OPDS's own link properties (opds-community/drafts, which carries no licence
# to copy it): an open object stands in for it; the properties this server sends are checked below.
OPDS_PROPERTIES = "https://drafts.opds.io/schema/properties.schema.json"
OPDS2 = "application/opds+json"


@cache
def registry() -> Registry:
    resources = []
    for path in WEBPUB.rglob("*.schema.json"):
        # the patterns name their groups as ECMA-262 does, (?<name>…); Python's re writes (?P<name>…)
        schema = json.loads(re.sub(r"\(\?<(?=[A-Za-z])", "(?P<", path.read_text()))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    resources.append(
        (
            OPDS_PROPERTIES,
            Resource.from_contents({"$schema": "http://json-schema.org/draft-07/schema#", "type": "object"}),
        )
    )
    return Registry().with_resources(resources)


def validator(name: str) -> jsonschema.Draft7Validator:
    schema = registry().get_or_retrieve(f"https://readium.org/webpub-manifest/schema/{name}").value.contents
    return jsonschema.Draft7Validator(schema, registry=registry(), format_checker=jsonschema.FormatChecker())


def errors(name: str, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(instance)
    ]


def walk(client: TestClient) -> dict[str, dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    todo = ["/opds2"]
    while todo:
        url = path_of(todo.pop())
        if url in seen:
            continue
        response = client.get(url)
        assert response.status_code == 200 and response.headers["content-type"] == OPDS2, url
        seen[url] = doc = json.loads(response.content)
        todo += [n["href"] for n in doc.get("navigation", [])]
        todo += [link["href"] for link in doc["links"] if link["rel"] == "next"]
    return seen


def test_every_opds2_feed_follows_the_webpub_schemas(client: TestClient) -> None:
    feeds = walk(client)
    assert len(feeds) > 10
    publications = 0
    for url, doc in feeds.items():
        assert doc["metadata"]["title"], url
        assert "self" in {link["rel"] for link in doc["links"]}, url
        assert ("navigation" in doc) != ("publications" in doc), url
        for link in [*doc["links"], *doc.get("navigation", [])]:
            assert not errors("link.schema.json", link), (url, link)
            count = link.get("properties", {}).get("numberOfItems", 1)
            assert isinstance(count, int) and count > 0, (url, link)
        for pub in doc.get("publications", []):
            publications += 1
            assert not errors("metadata.schema.json", pub["metadata"]), (
                url,
                errors("metadata.schema.json", pub["metadata"]),
            )
            for link in [*pub["links"], *pub["images"]]:
                assert not errors("link.schema.json", link), (url, link)
    assert publications >= 9


def test_the_schemas_do_catch_mistakes() -> None:
    assert errors("metadata.schema.json", {"title": "x", "modified": "yesterday"})
    assert errors("metadata.schema.json", {"identifier": "urn:x"})  # no title
    assert errors("link.schema.json", {"rel": "self"})  # no href
