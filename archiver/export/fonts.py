"""The typefaces the PDF uses, chosen by file from the Debian font packages the setup installs."""

from __future__ import annotations

from pathlib import Path

from archiver.export import ExportError

# Debian packages: fonts-noto-core (Noto Serif and the Arabic, Hebrew and Thai faces),
# fonts-noto-cjk (Noto Serif CJK), fonts-dejavu-core (mono for preformatted text).
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/dejavu"),
)


class FontMissing(ExportError):
    """A typeface the stylesheet names is not installed."""


def font_path(name: str) -> Path:
    """The file of a font named in print.css (a bare file name, nothing else)."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise FontMissing(f"font {name!r}: only bare file names are allowed")
    for folder in FONT_DIRS:
        path = folder / name
        if path.is_file():
            return path
    raise FontMissing(f"font {name} is not installed (make setup installs fonts-noto-core, fonts-noto-cjk)")
