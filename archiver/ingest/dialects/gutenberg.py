"""Project Gutenberg e-texts: the header and licence told apart from the work between the markers."""

from __future__ import annotations

import re

from archiver.document.model import How, Identifier, Value
from archiver.ingest.dialects.base import HEADER_LINE
from archiver.ingest.found import Found

HEAD_REACH = 100_000  # the START marker comes within this many characters, after header and notice
_START = re.compile(r"^\*{3} ?START OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK[^\n]{0,300}$", re.M | re.I)
_END = re.compile(r"^\*{3} ?END OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK[^\n]{0,300}$", re.M | re.I)
# "End of the Project Gutenberg EBook of …" closes the work in older texts, before the END marker.
_END_LINE = re.compile(r"^[ \t]{0,9}End of (?:the |this )?Project Gutenberg[^\n]{0,300}$", re.M | re.I)
_END_REACH = 3000
_FIRST_LINE = re.compile(
    r"^\W{0,3}(?:The )?Project Gutenberg'?s? e-?Book,? of "
    r"([^\n]{1,300}?)(?:,\s{1,9}by ([^\n]{1,200}))?\s{0,9}$",
    re.I | re.M,
)
_NUMBER = re.compile(r"\s{0,9}\[(?:e-?Book|Etext) #(\d{1,6})\]", re.I)
_BRACKET = re.compile(
    r"^\[(Most recently updated|Last updated|This file was first posted on):?\s{0,9}(.+)\]$", re.I
)
_PRODUCED = re.compile(r"^(?:Produced by|E-text prepared by|Transcribed from)\b", re.I)

# Header keys read into fields; other keys ("Credits:", "Character set encoding:") stay fields.
_KEYS = {
    "title": "title", "subtitle": "subtitle", "author": "author", "language": "language",
    "release date": "date", "posting date": "date", "first posted": "date", "last updated": "modified",
}  # fmt: skip


# Keys that newer headers indent under "Release date:" (a field of their own, not a continuation).
_INDENTED = {"most recently updated", "last updated", "posting date", "first posted"}


def _split(text: str) -> tuple[int, int, int] | None:
    """Where the START marker line starts and ends, and where the END marker starts (or the text ends)."""
    if text.find("*** START", 0, HEAD_REACH) < 0 and text.find("***START", 0, HEAD_REACH) < 0:
        return None  # a plain substring search first: most texts are not e-texts
    start = _START.search(text, 0, HEAD_REACH)
    if start is None or "gutenberg" not in text[: start.start()].lower():
        return None
    end = _END.search(text, start.end())
    return start.start(), start.end(), end.start() if end else len(text)


def _continue(pairs: list[list[str]], line: str) -> None:
    """An indented line goes on with the value above; under a title ending in a name, a subtitle."""
    key, value = pairs[-1]
    last = value.split()[-1] if value.split() else ""
    if key.lower() == "title" and line[:1].isupper() and not last.islower():
        pairs.append(["Subtitle", line])
    else:
        pairs[-1][1] = f"{value} {line}"


class Gutenberg:
    """Header (Title:, Author:, Release Date:, Language:), *** START *** work *** END ***, licence."""

    name = "gutenberg"
    description = "Project Gutenberg e-text: header, *** START OF … *** the work *** END OF … ***, licence"

    def sniff(self, text: str) -> float:
        return 0.99 if _split(text) else 0.0

    def read(self, text: str, found: Found) -> str:
        parts = _split(text)
        if parts is None:
            return text
        s0, s1, e0 = parts
        self._header(text[:s0], found)
        found.keep_field("gutenberg-start", text[s0:s1])
        work, tail = text[s1:e0], text[e0:]
        closing = None
        for m in _END_LINE.finditer(work, max(0, len(work) - _END_REACH)):
            closing = m  # the last one
        if closing is not None:  # "End of the Project Gutenberg EBook of …": licence, not the work
            work, tail = work[: closing.start()], work[closing.start() :] + tail
        if tail.strip():
            found.keep_field("gutenberg-licence", tail.strip())
        return self._producer(work, found)

    def _header(self, head: str, found: Found) -> None:
        """Key: value lines into fields; the rest (the notice) kept as a field, not the work."""
        pairs: list[list[str]] = []
        notice: list[str] = []
        for line in head.split("\n"):
            m = HEADER_LINE.match(line)
            bracket = _BRACKET.match(line.strip())
            if m and len(m.group(1).split()) <= 4 and m.group(2):
                pairs.append([m.group(1), m.group(2)])
                found.consumed.append(line[: m.start(2)])
            elif bracket:
                pairs.append([bracket.group(1), bracket.group(2)])
                found.consumed.append(line.replace(bracket.group(2), "", 1))
            elif line[:1] in (" ", "\t") and line.strip() and pairs:
                inner = HEADER_LINE.match(line.strip())
                if inner and inner.group(2) and inner.group(1).strip().lower() in _INDENTED:
                    pairs.append([inner.group(1), inner.group(2)])  # "    Most recently updated: …"
                    found.consumed.append(line[: line.index(inner.group(2))])
                else:
                    _continue(pairs, line.strip())
            else:
                notice.append(line)
        pairs.sort(key=lambda kv: kv[0].strip().lower() != "language")  # dates read in the language
        for key, value in pairs:
            self._pair(key.strip(), value, found)
        notice_text = "\n".join(notice).strip()
        first = _FIRST_LINE.search(notice_text)
        if found.title is None and first:
            how = How("layout", "gutenberg-first-line", 0.8)
            found.title = Value(first.group(1).strip(), how)
            if first.group(2) and not found.authors:
                found.authors = [Value(first.group(2).strip(), how)]
        if notice_text:
            found.keep_field("gutenberg-header", notice_text)

    def _pair(self, key: str, value: str, found: Found) -> None:
        number = _NUMBER.search(value)
        if number:
            written = number.group(0).strip()
            found.identifiers.append(Identifier("gutenberg", number.group(1), written))
            found.lifted.append(written)  # the id, and its markup as written ("[eBook #11]")
            value = value[: number.start()] + value[number.end() :]
        name = _KEYS.get(key.lower())
        how = How("explicit", f"gutenberg:{key}", 1.0)
        if name == "date" and any(d.kind == "published" for d in found.dates):
            name = None  # "Posting Date" after "Release Date": kept as written
        if name == "modified" or key.lower() == "most recently updated":
            found.assign("modified", value, how)
        elif name:
            found.assign(name, value, how)
        else:
            found.keep_field(key, value.strip())

    def _producer(self, work: str, found: Found) -> str:
        """A "Produced by …" block right after the START marker is a credit, not the work."""
        stripped = work.lstrip()
        if not _PRODUCED.match(stripped):
            return work
        end = stripped.find("\n\n")
        end = len(stripped) if end < 0 else end
        found.keep_field("produced-by", stripped[:end].strip())
        return stripped[end:]
