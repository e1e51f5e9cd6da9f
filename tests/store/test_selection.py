"""Selecting articles from the catalog: reduced-precision dates overlap a range; filters."""

from __future__ import annotations

import pytest

from archiver import pipeline
from archiver.store import Archive, Selection, date_span
from tests.conftest import SOURCES


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    arc = Archive(tmp_path_factory.mktemp("sel") / "arc", create=True)
    pipeline.ingest(arc, sorted(SOURCES.iterdir()))
    return arc


def test_date_span() -> None:
    assert date_span("2019-04") == ("2019-04-01", "2019-04-30")
    assert date_span("2020-02") == ("2020-02-01", "2020-02-29")
    assert date_span("2019") == ("2019-01-01", "2019-12-31")
    assert date_span("2019-04-25") == ("2019-04-25", "2019-04-25")


@pytest.mark.parametrize(
    ("date_from", "date_to", "seed_inside"),
    [
        ("2019-04-10", None, True),  # April 2019 may be after the 10th: it overlaps
        (None, "2019-04-10", True),
        ("2019-04-30", "2019-04-30", True),
        ("2019-05", None, False),
        (None, "2019-03-31", False),
        ("2019", "2019", True),
    ],
)
def test_month_precise_date_overlaps_a_range(
    archive: Archive, date_from: str | None, date_to: str | None, seed_inside: bool
) -> None:
    chosen = Selection(date_from=date_from, date_to=date_to).entries(archive)
    assert any(e.external_id == "46013887131c49c3" for e in chosen) == seed_inside
    assert all(e.date for e in chosen)  # undated articles are left out of any date range


def test_language_source_and_query(archive: Archive) -> None:
    assert {e.language for e in Selection(lang="nl").entries(archive)} == {"nl"}
    assert [e.source for e in Selection(source="rheinische").entries(archive)] == ["Rheinische Lokalzeitung"]
    assert [e.external_id for e in Selection(query="Vladivostok").entries(archive)] == ["46013887131c49c3"]


def test_export_does_not_know_the_store() -> None:
    from pathlib import Path

    export = Path(__file__).resolve().parent.parent / "archiver" / "export"
    offenders = [p.name for p in export.glob("*.py") if "archiver.store" in p.read_text(encoding="utf-8")]
    assert offenders == []  # writers take Documents; choosing them is the store's job
