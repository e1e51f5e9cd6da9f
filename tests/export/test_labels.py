"""The words exports print themselves: one per language, and the language's own in an edition."""

from __future__ import annotations

import zipfile
from io import BytesIO

from archiver.export import epub
from archiver.export.edition import gather
from archiver.export.labels import LANGS, WORDS, label
from archiver.ingest import ingest_bytes
from tests.conftest import WHEN
from tests.ingest.test_rst import DOCUTILS


def test_every_word_has_one_spelling_per_language() -> None:
    assert all(len(spellings) == len(LANGS) and all(spellings) for spellings in WORDS.values())
    assert (label("contents", "es-ES"), label("by", "pt-BR"), label("contents", "pl")) == (
        "Índice",
        "Por",
        "Contents",  # a language without words of its own: English
    )


def test_a_spanish_edition_speaks_spanish() -> None:
    quoted = '"Nunca habíamos visto el agua tan cerca", explicó un vecino del barrio de la Almozara.'
    raw = DOCUTILS.replace("Evacuaciones en la ribera\n", f"{quoted}\n\nEvacuaciones en la ribera\n", 1)
    doc = ingest_bytes(raw.encode(), "ebro.rst", WHEN).document
    data = epub.render(gather([doc], "none"))
    with zipfile.ZipFile(BytesIO(data)) as zf:
        nav = zf.read("EPUB/nav.xhtml").decode()
        page = zf.read(f"EPUB/text/{doc.meta.archive_id}.xhtml").decode()
    assert "<title>Índice</title>" in nav
    assert "Por María López Arrieta" in page
    assert "«Nunca habíamos visto el agua tan cerca», explicó" in page
