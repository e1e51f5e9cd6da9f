"""The XHTML projection of one document, against golden files: header, blocks, typography."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.export import xhtml
from archiver.ingest import ingest_bytes
from tests.conftest import SOURCES, WHEN
from tests.export.conftest import assert_golden


def _xhtml(path: Path) -> bytes:
    """The article exactly as serialized, with a line break after each block, so diffs read well."""
    root = xhtml.article(ingest_bytes(path.read_bytes(), path.name, WHEN).document)
    root.text = root.text or "\n"
    for block in root:
        block.tail = block.tail or "\n"
    return xhtml.fragment(root).encode() + b"\n"


@pytest.mark.parametrize("path", sorted(SOURCES.iterdir()), ids=lambda p: p.name)
def test_golden_article_xhtml(path: Path, update_golden: bool) -> None:
    assert_golden(f"xhtml/{path.name}.xhtml", _xhtml(path), update_golden)


def test_typography_is_presentation_only() -> None:
    seed = SOURCES / "000_46013887131c49c3.txt"
    doc = ingest_bytes(seed.read_bytes(), seed.name, WHEN).document
    plain = xhtml.paragraph_texts(xhtml.article(doc, typography=False))
    typeset = xhtml.paragraph_texts(xhtml.article(doc))
    assert any("collega's" in t for t in plain) and any("collega’s" in t for t in typeset)
    assert len(plain) == len(typeset)


def _article(raw: bytes, name: str = "article.txt") -> object:
    return xhtml.article(ingest_bytes(raw, name, WHEN).document)


def test_dateline_and_url_are_printed_in_the_article_header() -> None:
    raw = (
        b"Title: De eerste schaatsers\nURL: https://example.org/nieuws/2019/schaatsers\n\n"
        b"LEEUWARDEN - Op de Froskepolle in Leeuwarden stonden gisteren de eerste schaatsers op het ijs.\n"
    )
    head = _article(raw).find("header")  # type: ignore[attr-defined]
    assert head.findtext("p[@class='dateline']") == "LEEUWARDEN"
    link = head.find("p[@class='url']/a")
    assert link.get("href") == link.text == "https://example.org/nieuws/2019/schaatsers"


def test_a_url_that_is_not_a_web_address_is_printed_but_not_linked() -> None:
    raw = b"Title: Brief\nURL: javascript:alert(1)\n\nDe brief kwam gisteren aan, zei de gemeente.\n"
    line = _article(raw).find("header/p[@class='url']")  # type: ignore[attr-defined]
    assert line.text == "javascript:alert(1)" and line.find("a") is None


def test_credits_keep_the_sources_word() -> None:
    raw = (
        b"Titel: Bibliothek\n\nDie Bibliothek ist wieder offen, sagte die Stadt am Montag.\n\n"
        b"Die neue Leiterin im Lesesaal. Bild: dpa\n\nDer Umbau hat zwei Jahre gedauert.\n"
    )
    credit = _article(raw, "bibliothek.txt").find(".//span[@class='credit']")  # type: ignore[attr-defined]
    assert credit.text == "Bild: dpa"


def test_a_signature_is_printed_as_a_signature_after_the_body() -> None:
    raw = (
        b"From: jan@rug.nl (Jan de Vries)\nNewsgroups: nl.regio.groningen\nSubject: Toren dicht\n\n"
        b"De toren is dicht tot juni, zegt de gemeente.\n\n-- \nJan de Vries  | jan@rug.nl\n"
    )
    root = _article(raw)
    last = list(root)[-1]  # type: ignore[call-overload]
    assert (last.tag, last.get("class"), last.text) == ("pre", "signature", "Jan de Vries  | jan@rug.nl")
    assert [p.text for p in root.iter("p") if p.get("class") is None] == [  # type: ignore[attr-defined]
        "De toren is dicht tot juni, zegt de gemeente."
    ]
