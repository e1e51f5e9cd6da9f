"""Epigraphs: a short quotation at the head of a text or section, then a line saying who said it."""

from __future__ import annotations

import re
from collections.abc import Callable

from archiver.document.model import Block, Epigraph

# "WORDSWORTH.", "HEINE.", "W. SHAKESPEARE." far indented, or "— Heine", "-- Goethe, Faust" anywhere.
_DASHED = re.compile(r"(?:—|–|--|-) {0,3}(\S.{0,80})")  # of the stripped line
_INDENT = 4  # spaces before a capitals attribution at least (the 1869 essays indent 20 and more)
MAX_LINES = 12  # a longer quotation is a quote, not a motto
MAX_CHARS = 800
MAX_WORDS = 8  # in an attribution
LEAD_BLOCKS = 2  # an epigraph starts within the first few blocks of the text, or after a heading line


MAX_LINE = 120  # characters in a heading or attribution line; longer lines are not looked at


def is_caps(line: str, max_words: int) -> bool:
    """A short line whose letters are all capitals (at least three of them)."""
    if len(line) > MAX_LINE:
        return False
    words = line.split()
    if not 1 <= len(words) <= max_words:
        return False
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and not any(c.islower() for c in letters)


def attribution(block: list[str]) -> str | None:
    """The attribution line as written (stripped), or None if the block is not one."""
    if len(block) != 1 or len(block[0]) > MAX_LINE:
        return None
    line = block[0]
    text = line.strip()
    if len(text.split()) > MAX_WORDS:
        return None
    if _DASHED.fullmatch(text):
        return text if text.strip("-–— ") else None  # a rule of dashes is no attribution
    indent = len(line) - len(line.lstrip())
    if indent >= _INDENT and is_caps(text, MAX_WORDS) and any(c.isalpha() for c in text):
        return text
    return None


def _heading_like(block: list[str]) -> bool:
    """A one-line block short enough to be a title, section number or subtitle."""
    if len(block) != 1 or len(block[0]) > MAX_LINE:
        return False
    return len(block[0].split()) <= MAX_WORDS and attribution(block) is None


def take(raw: list[list[str]], i: int, depth: int, parse: Callable[[str], list[Block]]) -> Epigraph | None:
    """The epigraph made of raw blocks i (the quotation) and i + 1 (its attribution), if they are one.

    Only at the top level, near the start of the text or right after a heading line, and only
    when text follows: a quotation at the end with a name under it is a closing quote.
    """
    if depth or i + 2 >= len(raw) or len(raw[i + 1]) != 1:  # cheap tests first: this runs on every block
        return None
    if i >= LEAD_BLOCKS and not _heading_like(raw[i - 1]):
        return None
    quote, by = raw[i], attribution(raw[i + 1])
    if by is None or len(quote) > MAX_LINES or sum(map(len, quote)) > MAX_CHARS:
        return None
    if attribution(quote) is not None or attribution(raw[i + 2]) is not None:
        return None
    blocks = parse("\n".join(quote))
    return Epigraph(tuple(blocks), by) if blocks else None
