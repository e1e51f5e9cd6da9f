"""The seed article must come out exactly as the core issue says."""

from __future__ import annotations

from archiver.document.model import Figure, Heading, Paragraph
from archiver.ingest import ingest_bytes
from tests.conftest import SEED, WHEN


def _seed():  # type: ignore[no-untyped-def]
    return ingest_bytes(SEED.read_bytes(), SEED.name, WHEN)


def test_seed_metadata() -> None:
    result = _seed()
    meta = result.document.meta
    assert result.problems == []
    (date,) = meta.dates
    assert (date.value, date.precision, date.how.origin) == ("2019-04", "month", "explicit")
    assert (meta.language.text, meta.language.how.origin) == ("nl", "detected")
    assert meta.language.how.confidence >= 0.9
    assert meta.title.how.origin == "derived" and meta.title.how.method.startswith("first-sentence")
    assert meta.title.text.startswith("De Noord-Koreaanse dictator Kim Jong-un")
    assert [(i.scheme, i.value) for i in meta.identifiers] == [("external", "46013887131c49c3")]
    assert result.document.provenance.dialect == "date-prefix"


def test_seed_body() -> None:
    body = _seed().document.body
    assert sum(isinstance(b, Paragraph) for b in body) == 12
    assert [b.text for b in body if isinstance(b, Heading)] == [
        "Rusland wil zich belangrijke internationale speler tonen",
        "Noord-Korea zoekt verlichting van sancties",
        "Top is ook gebaar naar VS",
    ]
    (figure,) = [b for b in body if isinstance(b, Figure)]
    assert figure.credit == "AFP"
    assert figure.caption == (
        "Poetin en Kim troffen elkaar voor het eerst in levenden lijve. De Russische president "
        "ontmoette Kims vader, Kim Jong-il, voor het laatst in 2002."
    )
    first = body[0]
    assert isinstance(first, Paragraph) and first.text.startswith("De Noord-Koreaanse dictator")
    assert "date" not in first.text[:10]


def test_seed_keeps_source_characters() -> None:
    """Typography is for export: the canonical text keeps straight quotes and apostrophes."""
    texts = _seed().document.text_blocks()
    assert any("\"Wij, ik en mijn collega's, zijn tevreden" in t for t in texts)
    assert any("Oekraïne-conflict" in t for t in texts)
