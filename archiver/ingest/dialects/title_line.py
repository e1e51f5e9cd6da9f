"""Title on the first line (or underlined), a blank line, then the article (Wikinews, 1869 prose, exports)."""

from __future__ import annotations

import re

from archiver.document.model import How, Value
from archiver.ingest.dialects.base import HEADER_LINE
from archiver.ingest.found import KEY_TO_FIELD, Found

_BAD_END = re.compile(r"[,;:\-–]$")
MAX_TITLE = 200  # characters; a longer first line is the start of the text
MAX_MARKED_TITLE = 1000  # characters of a title marked as a heading ("##Besluit van …, houdende …")
_NON_SPACE = re.compile(r"\S")
_DATE_ONLY = re.compile(r"^\W*\d{1,4}([-./]\d{1,2}){1,2}\W*$")
# A title written as a Markdown heading: "# Title", or "##Title" as some converters write it (two
# hashes at least without a space, so that a "#hashtag" stays). The hashes are markup.
_ATX = re.compile(r"(?:#{1,6}[ \t]+|#{2,6})(?=[^\s#])")
# An HTML head line left at the top by a converter ("<meta http-equiv=… charset=utf-8' />"):
# kept as the field `html-head`, and the title looked for after it.
# A title underlined with "===" or "---" (a Markdown setext heading): the underline is markup.
_UNDERLINE = re.compile(r"[ \t]{0,3}(?:={3,}|-{3,})[ \t]*")
_HTML_HEAD = re.compile(r"[ \t]{0,9}<(?:meta|!doctype)\b[^<>\n]{0,500}>[ \t]{0,9}(?:\n|\Z)", re.I)


def _html_head(text: str) -> int:
    """Where the text starts after an HTML head line at its top (0 when there is none)."""
    m = _HTML_HEAD.match(text)
    return m.end() if m else 0


def _heading_text(line: str) -> tuple[str, str]:
    """(the title, its Markdown hashes) of a first line; the hashes are "" for a plain line."""
    m = _ATX.match(line)
    return (line[m.end() :].strip(), line[: m.end()]) if m else (line, "")


def _first_block(text: str, start: int = 0) -> tuple[list[str], int, int]:
    """The first one or two lines of the first block from `start`, where its second line starts and
    where the text after a one-line block starts. A title is a block of one line: more is never needed.
    """
    block: list[str] = []
    pos, second = start, 0
    while pos <= len(text) and len(block) < 2:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        if line.strip():
            block.append(line)
            second = second or min(end + 1, len(text))
        elif block:
            return block, second, pos
        pos = end + 1
    return block, second, min(pos, len(text))


def _underlined(block: list[str], text: str, end: int) -> bool:
    """Whether the first block is one line underlined with === or --- and nothing more."""
    if len(block) != 2 or not _UNDERLINE.fullmatch(block[1]) or end >= len(text):
        return False
    after = text.find("\n", end)
    return not text[end : after if after >= 0 else len(text)].strip()


def _title_of(block: list[str], text: str, end: int) -> tuple[str, str, str]:
    """(title, its markup before, its underline) of a first block that can hold a title, else ("", "", "")."""
    if len(block) == 1:
        title, hashes = _heading_text(block[0].strip())
        return title, hashes, ""
    if _underlined(block, text, end):
        return block[0].strip(), "", block[1]
    return "", "", ""


def _has_line_longer(text: str, n: int, pos: int) -> bool:
    """Whether a line of `text` after `pos` is longer than `n`; stops at the first (no copies)."""
    while True:
        end = text.find("\n", pos)
        if (len(text) if end < 0 else end) - pos > n:
            return True
        if end < 0:
            return False
        pos = end + 1


def _title_score(line: str, text: str, rest: int, marked: bool = False) -> float:
    """How sure `line` is a title, with the text's body starting at offset `rest`; a line `marked` as
    a Markdown heading may be longer (official titles run to 200 characters and more)."""
    words = line.split()
    too_long = len(line) > MAX_MARKED_TITLE if marked else len(line) > MAX_TITLE or len(words) > 25
    if not words or too_long or not _NON_SPACE.search(text, rest):
        return 0.0
    if _BAD_END.search(line) or _DATE_ONLY.match(line) or line.lstrip()[:1] in "-*•>":
        return 0.0
    header = HEADER_LINE.match(line)
    if header and header.group(1).strip().lower() in KEY_TO_FIELD:
        return 0.0  # "Datum: …" is a one-line header block
    caps = line.upper() == line and any(c.isalpha() for c in line)
    if line.endswith(".") and not caps and not marked:  # "##… e.d." is marked a heading: a title
        return 0.0
    longer_body = _has_line_longer(text, len(line), rest)
    return 0.85 if caps or longer_body else 0.6


class TitleLine:
    """A single short line, then a blank line, then longer text."""

    name = "title-line"
    description = "the title alone on the first line, or underlined with === or ---"

    def sniff(self, text: str) -> float:
        block, _, end = _first_block(text, _html_head(text))
        title, hashes, underline = _title_of(block, text, end)
        return _title_score(title, text, end, bool(hashes or underline)) if title else 0.0

    def read(self, text: str, found: Found) -> str:
        head = _html_head(text)
        block, second, end = _first_block(text, head)
        title, hashes, underline = _title_of(block, text, end)
        if not title and block:  # forced (--dialect) on a block of several lines: its first line
            title, hashes = _heading_text(block[0].strip())
        if not title or len(title) > (MAX_MARKED_TITLE if hashes else MAX_TITLE):
            return text  # forced (--dialect) on a text without a title line: all of it is body
        if head:
            found.keep_field("html-head", text[:head].strip())
        found.consumed += [hashes, underline]
        found.lifted.append(title)
        confidence = self.sniff(text)
        found.title = Value(
            title, How("layout", "underlined-line" if underline else "first-line", confidence)
        )
        if len(block) == 1 or underline:
            return text[end:]
        return text[second:]  # forced: the block's other lines stay
