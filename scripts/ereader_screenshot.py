"""Render one article of an EPUB as an e-reader page with headless Chromium (for the docs)."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

# The reading system's own margins and serif, as Kobo and KOReader add them; the book's CSS does the rest.
READER_CSS = "<style>html { padding: 1.6em 1.4em; font-family: serif; font-size: 17px; }</style>"
# Chromium headless, quiet and offline: the visual tests (tests/visual/render.py) start it the same way.
HEADLESS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHROMIUM_FLAGS = [*HEADLESS, "--force-device-scale-factor=1.5"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("epub", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--page", help="the XHTML file inside EPUB/text/ [default: first article]")
    parser.add_argument("--size", default="600,900", help="CSS pixels, e.g. 600,900 (a 6-inch reader)")
    args = parser.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("ereader_screenshot: chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(args.epub) as zf:
            zf.extractall(tmp)
        text = Path(tmp) / "EPUB" / "text"
        pages = sorted(p for p in text.glob("*.xhtml") if p.stem not in {"cover", "colophon"})
        page = text / args.page if args.page else next(p for p in pages if not p.stem.startswith("section"))
        page.write_text(page.read_text(encoding="utf-8").replace("</head>", READER_CSS + "</head>"))
        profile = Path(tmp) / "profile"
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={args.size}"]
        cmd += [f"--screenshot={args.output.resolve()}", page.as_uri()]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
