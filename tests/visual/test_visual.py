"""Visual regression: fixed pages of the print editions and e-book pages, against approved images."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from archiver.ingest.ids import archive_id
from tests.conftest import SEED, SOURCES
from tests.visual import compare
from tests.visual.conftest import Editions
from tests.visual.render import epub_page, pdf_page

pytestmark = pytest.mark.visual

# (edition, page): the cover, the contents, a section's first page, an article that runs on.
PDF_PAGES = [("book", n) for n in (1, 2, 6, 7)] + [("newspaper", n) for n in (1, 6, 10)]
GERMAN = archive_id((SOURCES / "ARTIKEL_2021-03-03_stadtbibliothek.txt").read_bytes())
EPUB_PAGES = [
    ("nav", "EPUB/nav.xhtml"),
    ("seed", f"EPUB/text/{archive_id(SEED.read_bytes())}.xhtml"),
    ("german", f"EPUB/text/{GERMAN}.xhtml"),
]


@pytest.mark.parametrize(("edition", "page"), PDF_PAGES)
def test_print_page(editions: Editions, edition: str, page: int, update_visual: bool) -> None:
    png = pdf_page(getattr(editions, edition), page)
    compare.assert_looks_approved(f"{edition}-p{page:02d}", png, update_visual)


@pytest.mark.parametrize(("name", "inner"), EPUB_PAGES)
def test_epub_page(editions: Editions, name: str, inner: str, update_visual: bool) -> None:
    compare.assert_looks_approved(f"epub-{name}", epub_page(editions.epub, inner), update_visual)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _first_inked_row(image: Image.Image, below: int) -> int:
    """The first row under `below` with dark pixels (the top of a line of text)."""
    grey = image.convert("L")
    for y in range(below, image.height - 12):
        if min(grey.crop((0, y, image.width, y + 1)).getdata()) < 100:
            return y
    raise AssertionError("the approved page has no text below its first quarter")


def test_a_moved_line_fails_and_leaves_a_diff(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison itself: a few stray pixels pass; one line of text moved down by 3 px fails."""
    approved = Image.open(compare.APPROVED / "newspaper-p10.png").convert("RGB")
    monkeypatch.setattr(compare, "FAILED", tmp_path)
    specks = approved.copy()
    ImageDraw.Draw(specks).point([(5, 5), (7, 9), (100, 300)], fill="black")
    compare.assert_looks_approved("newspaper-p10", _png(specks), update=False)
    moved = approved.copy()
    top = _first_inked_row(approved, below=approved.height // 4)  # a line of text, wherever it is now
    box = (0, top, approved.width, top + 9)
    line = approved.crop(box)
    moved.paste((255, 255, 255), box)
    moved.paste(line, (0, top + 3))
    with pytest.raises(pytest.fail.Exception, match="of the pixels differ"):
        compare.assert_looks_approved("newspaper-p10", _png(moved), update=False)
    assert (tmp_path / "newspaper-p10-diff.png").exists() and (tmp_path / "newspaper-p10.png").exists()
    assert compare.difference(approved, approved.resize((100, 100)))[0] == 1.0  # another size: all differ
