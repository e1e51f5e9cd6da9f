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
