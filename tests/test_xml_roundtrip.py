"""Reading canonical XML back gives the same Document, and writing it again the same bytes."""

from __future__ import annotations

from archiver.document.xmlio import from_bytes, to_bytes
from tests.conftest import GOLDEN


def test_every_golden_round_trips() -> None:
    paths = sorted(GOLDEN.glob("*.xml"))
    assert len(paths) >= 10
    for path in paths:
        data = path.read_bytes()
        assert to_bytes(from_bytes(data)) == data, path.name
