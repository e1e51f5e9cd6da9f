"""Title on the first line, a blank line, then the article (Wikinews, 1869 prose, most exports)."""

from __future__ import annotations

import re

from archiver.document.model import How, Value
from archiver.ingest.dialects.base import HEADER_LINE
from archiver.ingest.found import KEY_TO_FIELD, Found

_BAD_END = re.compile(r"[,;:\-–]$")
_DATE_ONLY = re.compile(r"^\W*\d{1,4}([-./]\d{1,2}){1,2}\W*$")


def _first_block(text: str) -> tuple[list[str], int]:
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    return lines[start:end], end


def _title_score(line: str, rest: str) -> float:
    words = line.split()
    if not rest.strip() or not words or len(line) > 200 or len(words) > 25:
        return 0.0
    if _BAD_END.search(line) or _DATE_ONLY.match(line) or line.lstrip()[:1] in "-*•>":
        return 0.0
    header = HEADER_LINE.match(line)
    if header and header.group(1).strip().lower() in KEY_TO_FIELD:
        return 0.0  # "Datum: …" is a one-line header block
    caps = line.upper() == line and any(c.isalpha() for c in line)
    if line.endswith(".") and not caps:
        return 0.0
    longer_body = max((len(x) for x in rest.split("\n")), default=0) > len(line)
    return 0.85 if caps or longer_body else 0.6


class TitleLine:
    """A single short line, then a blank line, then longer text."""

    name = "title-line"
    description = "the title alone on the first line"

    def sniff(self, text: str) -> float:
        block, end = _first_block(text)
        if len(block) != 1:
            return 0.0
        return _title_score(block[0].strip(), "\n".join(text.split("\n")[end:]))

    def read(self, text: str, found: Found) -> str:
        block, end = _first_block(text)
        title = block[0].strip()
        found.lifted.append(title)
        confidence = self.sniff(text)
        found.title = Value(title, How("layout", "first-line", confidence))
        return "\n".join(text.split("\n")[end:])
