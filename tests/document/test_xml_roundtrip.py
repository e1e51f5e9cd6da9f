"""Reading canonical XML back gives the same Document, and writing it again the same bytes."""

from __future__ import annotations

from archiver.document.xmlio import from_bytes, to_bytes
from tests.conftest import INGEST_GOLDEN as GOLDEN


def test_every_golden_round_trips() -> None:
    paths = sorted(GOLDEN.glob("*.xml"))
    assert len(paths) >= 10
    for path in paths:
        data = path.read_bytes()
        assert to_bytes(from_bytes(data)) == data, path.name


def test_the_field_table_covers_every_metadata_field() -> None:
    """One table drives model, XML, report and ingest: no field may be left out of it."""
    from dataclasses import fields
    from importlib import resources

    from archiver.document.model import FIELD_NAMES, FIELDS, Fields
    from archiver.ingest.found import Found

    attributes = {f.name for f in fields(Fields)} - {"identifiers"}
    assert set(FIELD_NAMES) == attributes
    assert attributes <= {f.name for f in fields(Found)}  # Found is Fields plus bookkeeping
    grammar = resources.files("archiver.document").joinpath("schema/article.rng").read_text()
    for spec in FIELDS:
        assert f'<element name="{spec.element}">' in grammar, spec


def test_verse_with_emphasis_keeps_its_white_space() -> None:
    """A <pre> whose lines are all <em> is mixed content: indenting it would change the verse."""
    from dataclasses import replace

    from archiver.document.model import Preformatted

    doc = from_bytes((GOLDEN / "struct-veerpont.txt.xml").read_bytes())
    text = "    _De veerman wacht,_\n    _en wacht alleen._".replace("_", "")
    verse = Preformatted(text, ((4, 21), (26, 42)))
    assert text[4:21] == "De veerman wacht," and text[26:42] == "en wacht alleen."
    again = from_bytes(to_bytes(replace(doc, body=[verse])))
    assert again.body == [verse]
