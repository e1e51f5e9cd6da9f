"""reStructuredText: a title over- and underlined (or underlined), then a field list (`:Author:`, `:date:`).

Docutils reads the field list after the title as the document's bibliographic fields, and
blogs written in it (Pelican's `:date:`, `:tags:`, `:authors:`, `:summary:`) keep their metadata
the same way. The adornment lines are markup; the title and every field are kept (known keys in
their fields, the others as fields of their own). The body's markup is left to the structure pass.
"""

from __future__ import annotations

import re

from archiver.document.model import How, Value
from archiver.ingest.dialects.base import MAX_HEADER_LINE, first_lines, rest_after
from archiver.ingest.found import KEY_TO_FIELD, Found

# One punctuation character repeated: a section adornment ("=====", "#####", "~~~~~").
ADORNMENT = re.compile(r"([!-/:-@\[-`{-~])\1{2,}[ \t]*")
FIELD = re.compile(r":([^:\s][^:\n]{0,38}?):(?:[ \t]+(.*)|[ \t]*)")  # ":Author: value"
_LEAD = re.compile(r"[ \t\r\n]*")
MAX_TITLE = 200  # characters
HEAD_LINES = 80  # the title and the field list are found within this many lines


class _Head:
    """The head of a text as docutils reads it: the title block, then the field list after a blank line."""

    def __init__(self, text: str) -> None:
        self.lines = first_lines(text, HEAD_LINES)
        self.title, self.end = "", 0  # end: the line after the title block
        self.adornments: list[str] = []
        self.fields: list[tuple[str, str]] = []
        self.field_lines: list[str] = []  # each field's first line, as written
        self.count = 0  # the lines the head takes
        self._title()
        self._fields()

    def _title(self) -> None:
        lines, i = self.lines, 0
        while i < len(lines) and not lines[i].strip():
            i += 1
        block = lines[i : i + 3]
        if len(block) == 3 and ADORNMENT.fullmatch(block[0]) and block[0].rstrip() == block[2].rstrip():
            title, adornments, end = block[1].strip(), [block[0], block[2]], i + 3
        elif len(block) >= 2 and not ADORNMENT.fullmatch(block[0]) and ADORNMENT.fullmatch(block[1]):
            title, adornments, end = block[0].strip(), [block[1]], i + 2
        else:
            return
        if title and len(title) <= MAX_TITLE and not block[0][:1].isspace():
            self.title, self.adornments, self.end = title, adornments, end

    def _fields(self) -> None:
        lines, i = self.lines, self.end
        while i < len(lines) and not lines[i].strip():
            i += 1
        if self.title and i == self.end:  # docutils wants a blank line between the title and the fields
            self.count = self.end
            return
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
        self.count = i if self.fields else self.end

    def known(self) -> int:
        """How many of the fields are article keys we know."""
        return sum(k.strip().lower() in KEY_TO_FIELD for k, _ in self.fields)


class Rst:
    """A reStructuredText head: an adorned title, a field list after it, or both."""

    name = "rst"
    description = "reStructuredText: an adorned title, then ':Author:'/':Date:' fields (also Pelican's)"

    def sniff(self, text: str) -> float:
        if not _may_be_rst(text):
            return 0.0
        head = _Head(text)
        known = head.known()
        if head.title and known:
            return 0.9
        if not head.title:
            return 0.85 if known >= 2 else 0.0
        return 0.8 if len(head.adornments) == 2 else 0.0  # an underline alone: title-line's, or nobody's

    def read(self, text: str, found: Found) -> str:
        head = _Head(text)
        if head.title:
            found.consumed += head.adornments
            found.lifted.append(head.title)
            found.title = Value(head.title, How("layout", "rst-title", 0.9 if head.known() else 0.8))
        for line in head.field_lines:  # the keys and colons; assign_header accounts for the values
            m = FIELD.fullmatch(line)
            assert m is not None  # each was matched when read
            found.consumed.append(line[: m.start(2)] if m.group(2) is not None else line)
        # Language first, so that dates are read in the article's language.
        ordered = sorted(head.fields, key=lambda kv: KEY_TO_FIELD.get(kv[0].strip().lower()) != "language")
        for key, value in ordered:
            found.assign_header(key, value, "field")
        return rest_after(text, head.count)


def _may_be_rst(text: str) -> bool:
    """Whether the text starts with an adornment or a field, or its second line is an adornment (cheap:
    every file is sniffed)."""
    start = _LEAD.match(text)
    pos = start.end() if start else 0
    if text.startswith(":", pos) or ADORNMENT.match(text, pos):
        return True
    second = text.find("\n", pos)
    return second >= 0 and ADORNMENT.match(text, second + 1) is not None
