"""What every dialect reader provides, and helpers they share."""

from __future__ import annotations

import re
from typing import Protocol

from archiver.ingest.found import KEY_TO_FIELD, Found, field_of

# "Key: value"; group 1 the key, group 2 the value. Org-mode's "#+TITLE: value" is the same line
# with its "#+" mark, which stays outside the key.
HEADER_LINE = re.compile(r"^(?:#\+)?([^\W\d_][\w.'/ -]{0,38}?)[ \t]*:(?:[ \t]+(.*)|)$")


class Dialect(Protocol):
    """Reads the metadata head of one raw layout and hands back the body text."""

    name: str
    description: str

    def sniff(self, text: str) -> float:
        """How sure (0..1) that `text` is in this dialect."""
        ...

    def read(self, text: str, found: Found) -> str:
        """Lift the head's metadata into `found`; return the body text that remains."""
        ...


MAX_HEADER_LINE = 16 * 1024  # a longer "Key: value" line is body text, not a header


def first_lines(text: str, n: int) -> list[str]:
    """The first `n` lines of `text`, without splitting the rest (a text may be 60 MB)."""
    out: list[str] = []
    pos = 0
    while len(out) < n:
        end = text.find("\n", pos)
        if end < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:end])
        pos = end + 1
    return out


def head_lines(text: str, limit: int = 60) -> list[str]:
    """The lines before the first blank line (at most `limit`)."""
    out = []
    for line in first_lines(text, limit):
        if not line.strip():
            break
        out.append(line)
    return out


def rest_after(text: str, n_lines: int) -> str:
    """The text after the first `n_lines` lines."""
    pos = 0
    for _ in range(n_lines):
        end = text.find("\n", pos)
        if end < 0:
            return ""
        pos = end + 1
    return text[pos:]


def known_keys(pairs: list[tuple[str, str]]) -> int:
    """How many of the header pairs fill a field of ours (`field_of`)."""
    return sum(field_of(key, value) is not None for key, value in pairs)


def assign_pairs(found: Found, pairs: list[tuple[str, str]], method_prefix: str) -> None:
    """Header pairs into `found`, the language first so that dates are read in it."""
    for key, value in sorted(pairs, key=lambda kv: KEY_TO_FIELD.get(kv[0].strip().lower()) != "language"):
        found.assign_header(key, value, method_prefix)
