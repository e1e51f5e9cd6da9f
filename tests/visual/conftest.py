"""The visual suite's editions: sources/ as the A4 book, the A5 newspaper and the EPUB, made once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from archiver import pipeline
from archiver.export import epub, pdf
from archiver.export.edition import gather
from archiver.export.frame import frame
from archiver.store import Archive
from tests.conftest import SOURCES

EPOCH = "1704067200"


@dataclass(frozen=True)
class Editions:
    """The files the suite looks at."""

    book: Path  # A4, one column
    newspaper: Path  # A5, two columns
    epub: bytes  # made after the A4 book, so it carries its page-list too


@pytest.fixture(scope="session")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Editions:
    folder = tmp_path_factory.mktemp("visual")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        with Archive(folder / "arc", create=True) as archive:
            pipeline.ingest(archive, sorted(SOURCES.iterdir()))
            docs = [archive.document(e.id) for e in archive.entries()]
        framed = frame(gather(docs, "month"))
        book, newspaper = folder / "book.pdf", folder / "newspaper.pdf"
        book.write_bytes(pdf.render(framed, pdf.PdfOptions()))
        newspaper.write_bytes(pdf.render(frame(gather(docs, "month")), pdf.PdfOptions("A5", "newspaper")))
        return Editions(book, newspaper, epub.render(framed))


@pytest.fixture
def update_visual(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-visual"))
