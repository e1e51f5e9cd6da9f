"""A block of `Title:`/`Date:`/`Author:` lines at the top, keys in en, nl, de, fr, es, it or pt."""

from __future__ import annotations

from archiver.ingest.dialects.base import (
    HEADER_LINE,
    MAX_HEADER_LINE,
    assign_pairs,
    first_lines,
    head_lines,
    known_keys,
    rest_after,
)
from archiver.ingest.found import Found


def _pairs(text: str) -> tuple[list[tuple[str, str]], int] | None:
    """The header's (key, value) pairs and how many lines they take, or None when the first block
    does not start with headers. An indented line goes on with the value above (RFC 822 folding).
    After two or more known keys, a line that is no header (a byline such as "Door Jan en Piet" set
    straight under them) ends the header; that line and the rest are the article's."""
    lines = head_lines(text)
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(lines):
        if line[:1] in (" ", "\t") and pairs:
            key, value = pairs[-1]
            pairs[-1] = (key, f"{value} {line.strip()}")
            continue
        m = HEADER_LINE.match(line) if len(line) <= MAX_HEADER_LINE else None
        if not m or len(m.group(1).split()) > 4:
            return (pairs, number) if known_keys(pairs) >= 2 else None
        pairs.append((m.group(1), m.group(2) or ""))
    return (pairs, len(lines)) if pairs else None


class HeaderBlock:
    """`Key: value` lines up to the first blank line, with known article keys among them."""

    name = "header-block"
    description = "a 'Title:/Date:/Author:/Source:' block (keys in 7 languages; org-mode's '#+TITLE:')"

    def sniff(self, text: str) -> float:
        read = _pairs(text)
        if not read:
            return 0.0
        pairs = read[0]
        known = known_keys(pairs)
        if known == 0 or (known < len(pairs) / 2 and known < 2):  # PEP-style: many keys of its own
            return 0.0
        return 0.9 if known >= 2 else 0.7

    def read(self, text: str, found: Found) -> str:
        pairs, count = _pairs(text) or ([], 0)
        # The keys and colons; each value is accounted for where a field keeps it (assign_header).
        for line in first_lines(text, count):
            m = HEADER_LINE.match(line) if line[:1] not in (" ", "\t") else None
            if m:
                found.consumed.append(line[: m.start(2)] if m.group(2) is not None else line)
        assign_pairs(found, pairs, "header")
        return rest_after(text, count)
