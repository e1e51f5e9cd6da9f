"""Renders for the visual suite: PDF pages with poppler, EPUB pages with headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from scripts.ereader_screenshot import HEADLESS

DPI = 50
SIZE = "480,720"  # CSS pixels: a small e-reader
# The reading system's margins and serif (as scripts/ereader_screenshot.py adds them); greyscale
# anti-aliasing so that the pixels do not depend on the screen's sub-pixel order.
READER_CSS = "<style>html { padding: 1.4em 1.2em; font-family: serif; font-size: 16px; }</style>"
FLAGS = [*HEADLESS, "--disable-lcd-text", "--font-render-hinting=none", "--force-device-scale-factor=1"]


def pdf_page(pdf: Path, page: int) -> bytes:
    """One page of a PDF as a PNG at DPI."""
    done = subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-png", str(pdf)],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return done.stdout


def browser() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def epub_page(epub: bytes, inner: str) -> bytes:
    """One XHTML file of an EPUB (a path inside it) as a reader's screen, with the book's own CSS."""
    chromium = browser()
    assert chromium, "chromium is not installed (scripts/system-deps.sh installs it)"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        book = folder / "book.epub"
        book.write_bytes(epub)
        with zipfile.ZipFile(book) as zf:
            zf.extractall(folder / "book")
        page = folder / "book" / inner
        page.write_text(page.read_text(encoding="utf-8").replace("</head>", READER_CSS + "</head>"))
        shot = folder / "shot.png"
        cmd = [chromium, *FLAGS, f"--user-data-dir={folder / 'profile'}", f"--window-size={SIZE}"]
        cmd += [f"--screenshot={shot}", page.as_uri()]
        subprocess.run(cmd, capture_output=True, check=True, timeout=120)
        return shot.read_bytes()
