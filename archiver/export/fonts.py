"""The typefaces the PDF uses: chosen by file, declared in print.css, and nothing else."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from archiver.export import ExportError

# Debian packages: fonts-noto-core (Noto Serif and the Arabic, Hebrew and Thai faces),
# fonts-noto-cjk (Noto Serif CJK), fonts-dejavu-core (the cover image).
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/dejavu"),
)
FONT_URL = re.compile(r'url\("archiver-font:([^"]+)"\)')
# A fontconfig configuration with no font directories: the only fonts WeasyPrint's font map can
# reach are the @font-face files it adds itself, so there is no fallback to system fonts.
PRIVATE_CONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""
# Code points no font needs to draw: separators, controls, format characters (soft hyphen,
# joiners, bidi marks) and variation selectors are invisible or handled by the shaper.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
VARIATION_SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0), range(0x180B, 0x1810))


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


FACE_RULE = re.compile(r"@font-face\s*\{([^}]*)\}")


@functools.cache
def postscript_names() -> dict[str, str]:
    """WeasyPrint's name of each declared face ("Archiver-Serif-Bold") -> the font's own PostScript
    name ("NotoSerif-Bold"), so that a preflight report says which typeface a PDF really uses."""
    css = resources.files("archiver.styles").joinpath("print.css").read_text(encoding="utf-8")
    names: dict[str, str] = {}
    for rule in FACE_RULE.findall(css):
        family, file = re.search(r'font-family:\s*"([^"]+)"', rule), FONT_URL.search(rule)
        if family is None or file is None:
            continue
        styled = family.group(1) + (" Bold" if re.search(r"font-weight:\s*(bold|700)", rule) else "")
        styled += " Italic" if re.search(r"font-style:\s*italic", rule) else ""
        with contextlib.suppress(FontMissing, OSError, KeyError):
            names[styled.replace(" ", "-")] = _postscript_name(file.group(1))
    return names


def _postscript_name(file: str) -> str:
    from fontTools.ttLib import TTCollection, TTFont

    path = str(font_path(file))
    face = TTCollection(path, lazy=True).fonts[0] if path.endswith(".ttc") else TTFont(path, lazy=True)
    name = face["name"].getDebugName(6)
    if not name:
        raise KeyError(file)
    return str(name)


@functools.cache
def declared_fonts() -> tuple[str, ...]:
    """The font files print.css declares in its @font-face rules, in the order it declares them."""
    css = resources.files("archiver.styles").joinpath("print.css").read_text(encoding="utf-8")
    return tuple(dict.fromkeys(FONT_URL.findall(css)))


@functools.cache
def _cmap(name: str) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    path = str(font_path(name))
    face = TTCollection(path, lazy=True).fonts[0] if path.endswith(".ttc") else TTFont(path, lazy=True)
    return frozenset(face.getBestCmap())


def _invisible(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char) in INVISIBLE_CATEGORIES or any(code in r for r in VARIATION_SELECTORS)


def without_glyph(chars: Iterable[str]) -> set[str]:
    """The visible characters that none of the declared fonts has (faces load only as needed)."""
    todo = {c for c in set(chars) if not c.isspace() and not _invisible(c)}
    for name in declared_fonts():
        if not todo:
            break
        cmap = _cmap(name)
        todo = {c for c in todo if ord(c) not in cmap}
    return todo


@contextmanager
def private_fontconfig() -> Iterator[None]:
    """FONTCONFIG_FILE names a configuration without system fonts while the block runs.

    Fontconfig reads FONTCONFIG_FILE whenever a configuration is loaded, so a WeasyPrint
    FontConfiguration created inside this block knows no font but the ones it is given.
    """
    with tempfile.TemporaryDirectory(prefix="archiver-fonts-") as folder:
        conf = Path(folder) / "fonts.conf"
        conf.write_text(PRIVATE_CONFIG.format(cache=Path(folder) / "cache"), encoding="utf-8")
        old = os.environ.get("FONTCONFIG_FILE")
        os.environ["FONTCONFIG_FILE"] = str(conf)
        try:
            yield
        finally:
            if old is None:
                del os.environ["FONTCONFIG_FILE"]
            else:
                os.environ["FONTCONFIG_FILE"] = old
