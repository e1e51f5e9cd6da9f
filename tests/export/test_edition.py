"""Grouping documents into an edition: sections in order, labels, titles, file names."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver import pipeline, recipes
from archiver.errors import UnknownName
from archiver.export.edition import file_stem, gather, slug
from archiver.store import Archive, Selection
from tests.conftest import SOURCES


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    arc = Archive(tmp_path_factory.mktemp("ed") / "arc", create=True)
    pipeline.ingest(arc, sorted(SOURCES.iterdir()))
    return arc


def test_groups_by_month_in_date_order_and_by_source(archive: Archive) -> None:
    docs = [archive.document(e.id) for e in archive.entries()]
    months = gather(docs, "month")
    assert [g.key for g in months.groups] == sorted(g.key for g in months.groups)
    assert months.groups[-1].label == "Undated"
    sources = gather(docs, "source")
    assert sources.groups[-1].label == "Unknown source"
    assert gather(docs, "none").groups[0].label == ""
    with pytest.raises(UnknownName, match="unknown grouping 'weekday'; known: month, source, none"):
        gather(docs, "weekday")


def test_readable_file_names(archive: Archive) -> None:
    seed = archive.document(archive.find("46013887131c49c3").id)
    assert file_stem(seed) == "2019-04_de-noord-koreaanse-dictator-kim-jong-un-en-de-ru_a0c17ae2"
    assert slug("Stadtbibliothek öffnet – Archiv, 1999–2023") == "stadtbibliothek-offnet-archiv-1999-2023"


def test_export_each_writes_one_file_per_article(archive: Archive, tmp_path: Path) -> None:
    paths = recipes.export(
        archive, recipes.export_job("epub", each=True), Selection(lang="de"), tmp_path
    ).paths
    assert [p.name for p in paths] == [
        "2021-03-03_stadtbibliothek-offnet-nach-dem-umbau-wieder_57be0aad.epub"
    ]
    assert paths[0].read_bytes()[:2] == b"PK"


def test_a_language_tag_is_named_in_its_own_language_and_in_english() -> None:
    from archiver.export.labels import language_name

    assert language_name("nl") == "Nederlands (Dutch)"
    assert language_name("en") == "English"
    assert language_name("pt-BR") == "Português (Brasil)"
    assert language_name("xx") == "xx"  # unknown: the tag as it is


def test_an_editions_title_is_typeset_in_its_language() -> None:
    from archiver.ingest import ingest_bytes
    from tests.conftest import WHEN

    raw = (
        "Titolo: L'acqua alta a Venezia\nData: 12 novembre 2019\n\nLa marea ha raggiunto i 187 centimetri "
        "martedì sera, il livello più alto dal 1966, e l'acqua ha invaso la basilica di San Marco.\n"
    )
    doc = ingest_bytes(raw.encode(), "acqua.txt", WHEN).document
    assert doc.meta.title.text == "L'acqua alta a Venezia"  # the archive keeps the source's characters
    assert gather([doc], "none").title == "L’acqua alta a Venezia"  # what the cover and heads print
    assert gather([doc], "none", 'Il "Mose" e la laguna').title == "Il «Mose» e la laguna"
    assert file_stem(doc).endswith("_l-acqua-alta-a-venezia_" + doc.meta.archive_id[:8])
