"""A block of `Title:`/`Date:`/`Author:` lines at the top, in English, Dutch, German or French."""

from __future__ import annotations

from archiver.ingest.dialects.base import HEADER_LINE, MAX_HEADER_LINE, first_lines, head_lines, rest_after
from archiver.ingest.found import KEY_TO_FIELD, Found


def _pairs(text: str) -> list[tuple[str, str]] | None:
    """The header's (key, value) pairs, or None when the first block is not all headers."""
    lines = head_lines(text)
    pairs = []
    for line in lines:
        m = HEADER_LINE.match(line) if len(line) <= MAX_HEADER_LINE else None
        if not m or len(m.group(1).split()) > 4:
            return None
        pairs.append((m.group(1), m.group(2) or ""))
    return pairs or None


class HeaderBlock:
    """`Key: value` lines up to the first blank line, with known article keys among them."""

    name = "header-block"
    description = "a 'Title:/Date:/Author:/Source:' block (en, nl, de, fr keys)"

    def sniff(self, text: str) -> float:
        pairs = _pairs(text)
        if not pairs:
            return 0.0
        known = sum(k.strip().lower() in KEY_TO_FIELD for k, _ in pairs)
        if known == 0 or known < len(pairs) / 2:
            return 0.0
        return 0.9 if known >= 2 else 0.7

    def read(self, text: str, found: Found) -> str:
        pairs = _pairs(text) or []
        # The keys and colons; each value is accounted for where a field keeps it (assign_header).
        lines = first_lines(text, len(pairs))
        found.consumed.extend(line[: len(line) - len(v)] for line, (_, v) in zip(lines, pairs, strict=True))
        # Language first, so that dates are read in the article's language.
        ordered = sorted(pairs, key=lambda kv: KEY_TO_FIELD.get(kv[0].strip().lower()) != "language")
        for key, value in ordered:
            found.assign_header(key, value, "header")
        return rest_after(text, len(pairs))
