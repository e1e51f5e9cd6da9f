"""Export fixtures: the samples archived once per session, their editions, and golden files."""

from __future__ import annotations

import pytest

from archiver import pipeline
from archiver.document.model import Document
from archiver.export import epub, pdf
from archiver.export.edition import gather
from archiver.store import Archive
from tests.conftest import GOLDEN, SOURCES

EPOCH = "1704067200"  # = tests.conftest.WHEN, so dcterms:modified and zip times are fixed


@pytest.fixture(scope="session")
def docs(tmp_path_factory: pytest.TempPathFactory) -> list[Document]:
    """Every sample in sources/, archived, in catalog (date) order."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        with Archive(tmp_path_factory.mktemp("export") / "arc", create=True) as archive:
            pipeline.ingest(archive, sorted(SOURCES.iterdir()))
            return [archive.document(e.id) for e in archive.entries()]


def seed(docs: list[Document]) -> Document:
    return next(d for d in docs if d.provenance.file_name.startswith("000_"))


@pytest.fixture(scope="session")
def seed_pdf(docs: list[Document]) -> bytes:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return pdf.render(gather([seed(docs)]))


@pytest.fixture(scope="session")
def edition_pdf(docs: list[Document]) -> bytes:
    """The PDF edition of sources/, grouped by month (rendered once: it takes seconds)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return pdf.render(gather(docs, "month"))


@pytest.fixture(scope="session")
def edition_epub(docs: list[Document]) -> bytes:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return epub.render(gather(docs, "month"))


def assert_golden(name: str, data: bytes, update: bool) -> None:
    """Compare with tests/golden/<name>; --update-golden (or a missing file) rewrites it."""
    golden = GOLDEN / name
    if update or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(data)
        if not update:
            pytest.fail(f"{name} was missing and has been written; review it and run again")
    assert data == golden.read_bytes(), f"output differs from tests/golden/{name} (--update-golden)"
