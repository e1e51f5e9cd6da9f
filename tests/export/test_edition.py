"""Selecting and grouping articles: reduced-precision dates overlap a range."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver import pipeline
from archiver.export.edition import Selection, build, date_span, file_stem, slug
from archiver.store import Archive
from tests.conftest import SOURCES


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    arc = Archive(tmp_path_factory.mktemp("ed") / "arc", create=True)
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


def test_groups_by_month_in_date_order_and_by_source(archive: Archive) -> None:
    docs = [archive.document(e.id) for e in archive.entries()]
    months = build(docs, "month")
    assert [g.key for g in months.groups] == sorted(g.key for g in months.groups)
    assert months.groups[-1].label == "Undated"
    sources = build(docs, "source")
    assert sources.groups[-1].label == "Unknown source"
    assert build(docs, "none").groups[0].label == ""
    with pytest.raises(ValueError, match="unknown grouping"):
        build(docs, "weekday")


def test_readable_file_names(archive: Archive) -> None:
    seed = archive.document(archive.find("46013887131c49c3").id)
    assert file_stem(seed) == "2019-04_de-noord-koreaanse-dictator-kim-jong-un-en-de-ru_a0c17ae2"
    assert slug("Stadtbibliothek öffnet – Archiv, 1999–2023") == "stadtbibliothek-offnet-archiv-1999-2023"


def test_export_each_writes_one_file_per_article(archive: Archive, tmp_path: Path) -> None:
    paths = pipeline.export(archive, "epub", Selection(lang="de"), tmp_path, each=True)
    assert [p.name for p in paths] == [
        "2021-03-03_stadtbibliothek-offnet-nach-dem-umbau-wieder_57be0aad.epub"
    ]
    assert paths[0].read_bytes()[:2] == b"PK"
