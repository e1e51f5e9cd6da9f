"""reStructuredText: an adorned title (and subtitle), then a field list (`:Author:`, `:date:`).

Docutils reads the field list after the title as the document's bibliographic fields, and
blogs written in it (Pelican's `:date:`, `:tags:`, `:authors:`, `:summary:`) keep their metadata
the same way. The adornment lines are markup; the title, the subtitle and every field are kept
(known keys in their fields, the others as fields of their own). The body's section adornments
are read by the structure pass (`Found.adornments`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from archiver.document.model import How, Value
from archiver.ingest.dialects.base import MAX_HEADER_LINE, assign_pairs, first_lines, known_keys, rest_after
from archiver.ingest.found import Found
from archiver.ingest.lines import adorned

FIELD = re.compile(r":([^:\s][^:\n]{0,38}?):(?:[ \t]+(.*)|[ \t]*)")  # ":Author: value"
MAX_TITLE = 200  # characters
HEAD_LINES = 80  # the title and the field list are found within this many lines
_LEAD = re.compile(r"[ \t\r\n]*")
_BAD_END = re.compile(r"[.,;:]$")  # a sentence or a lead-in, not a heading


@dataclass
class _Title:
    """A title block: its text, its adornment lines, their style and the line after it."""

    text: str
    lines: list[str]
    style: str  # the character, doubled when overlined ("==" over and under, "-" under only)
    end: int


def _title_at(lines: list[str], i: int) -> _Title | None:
    """The title block starting at line `i` (over- and underlined, or underlined), or None."""
    block = lines[i : i + 3]
    if len(block) == 3 and adorned(block[0]) and block[0].rstrip() == block[2].rstrip():
        text, adornments, end = block[1].strip(), [block[0], block[2]], i + 3
    elif len(block) >= 2 and not adorned(block[0]) and adorned(block[1]):
        text, adornments, end = block[0].strip(), [block[1]], i + 2
    else:
        return None
    if not text or len(text) > MAX_TITLE or adorned(text) or block[0][:1].isspace():
        return None
    char = adornments[0].strip()[0]
    return _Title(text, adornments, char * len(adornments), end)


class _Head:
    """The head of a text as docutils reads it: a title, a subtitle in another style, then fields."""

    def __init__(self, text: str) -> None:
        lines = first_lines(text, HEAD_LINES)
        i = _skip_blank(lines, 0)
        self.title = _title_at(lines, i)
        self.subtitle = None
        if self.title is not None:
            i = _skip_blank(lines, self.title.end)
            subtitle = _title_at(lines, i)
            if subtitle is not None and subtitle.style != self.title.style:
                self.subtitle, i = subtitle, _skip_blank(lines, subtitle.end)
        self.fields: list[tuple[str, str]] = []
        self.field_lines: list[str] = []  # each field's first line, as written
        while i < len(lines):
            line = lines[i]
            m = FIELD.fullmatch(line) if len(line) <= MAX_HEADER_LINE else None
            if m:
                self.fields.append((m.group(1), m.group(2) or ""))
                self.field_lines.append(line)
            elif self.fields and line[:1] in (" ", "\t") and line.strip():  # the value goes on, indented
                key, value = self.fields[-1]
                self.fields[-1] = (key, f"{value} {line.strip()}".strip())
            else:
                break
            i += 1
        # the lines the head takes: up to the last field, else the last title block
        last = self.subtitle or self.title
        self.count = i if self.fields else (last.end if last else 0)


def _skip_blank(lines: list[str], i: int) -> int:
    """The first line from `i` on that is not blank."""
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


class Rst:
    """A reStructuredText head: an adorned title, a field list after it, or both."""

    name = "rst"
    description = "reStructuredText: an adorned title, then ':Author:'/':Date:' fields (also Pelican's)"

    def sniff(self, text: str) -> float:
        return _confidence(_Head(text)) if _may_be_rst(text) else 0.0

    def read(self, text: str, found: Found) -> str:
        head = _Head(text)
        confidence = _confidence(head)
        for block, field in ((head.title, "title"), (head.subtitle, "subtitle")):
            if block is not None:
                found.consumed += block.lines
                found.lifted.append(block.text)
                setattr(found, field, Value(block.text, How("layout", f"rst-{field}", confidence or 0.5)))
        for line in head.field_lines:  # the keys and colons; assign_header accounts for the values
            m = FIELD.fullmatch(line)
            assert m is not None  # each was matched when read
            found.consumed.append(line[: m.start(2)] if m.group(2) is not None else line)
        assign_pairs(found, head.fields, "field")
        found.adornments = []  # the body's section styles, met in order (structure._setext)
        return rest_after(text, head.count)


def _confidence(head: _Head) -> float:
    """How sure a head is reStructuredText's: a title with known fields, fields alone, a title alone."""
    known, title = known_keys(head.fields), head.title
    if title is not None and known:
        return 0.9
    if title is None:
        return 0.85 if known >= 2 else 0.0
    return _title_alone(title)


def _title_alone(title: _Title) -> float:
    """How sure a title block with no field list after it is a reStructuredText title.

    Over and under in "=" or the like: a docutils title. A box of hyphens is as often a plain
    text's decoration ("-----" around "REUTERS NEWS SERVICE"), and an underline of "=" or "-"
    alone is title-line's; other underlines only under a line as long that reads as a heading.
    """
    char = title.style[0]
    if len(title.style) == 2:
        return 0.0 if char == "-" else 0.8
    if char in "=-" or _BAD_END.search(title.text) or len(title.lines[0].rstrip()) < len(title.text):
        return 0.0
    return 0.75


def _may_be_rst(text: str) -> bool:
    """Whether the text starts with a field or an adornment, or its second line is one (cheap)."""
    start = _LEAD.match(text)
    pos = start.end() if start else 0
    if text.startswith(":", pos) or _three_alike(text, pos):
        return True
    second = text.find("\n", pos, pos + MAX_HEADER_LINE)
    return second >= 0 and _three_alike(text, second + 1)


def _three_alike(text: str, pos: int) -> bool:
    """Whether the same punctuation character stands three times from `pos`."""
    head = text[pos : pos + 3]
    return len(head) == 3 and adorned(head)
