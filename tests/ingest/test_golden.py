"""Golden files: each raw input (sources/ and tests/fixtures/) against its expected canonical XML."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.document.validate import errors_of_bytes
from archiver.document.xmlio import to_bytes
from archiver.ingest import ingest_bytes
from tests.conftest import FIXTURES, SOURCES, WHEN
from tests.conftest import INGEST_GOLDEN as GOLDEN

INPUTS = sorted(SOURCES.iterdir()) + sorted(FIXTURES.glob("*.txt"))


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_golden(path: Path, update_golden: bool) -> None:
    result = ingest_bytes(path.read_bytes(), path.name, WHEN)
    xml = to_bytes(result.document)
    assert errors_of_bytes(xml) == []
    assert result.problems == []
    golden = GOLDEN / (path.name + ".xml")
    if update_golden or not golden.exists():
        golden.write_bytes(xml)
        if not update_golden:
            pytest.fail(f"{golden.name} was missing and has been written; review it and run again")
    assert xml == golden.read_bytes(), f"{path.name}: output differs from {golden.name} (--update-golden)"
