"""Mail and Usenet signatures: the lines after a "-- " line at the end, kept apart from the body."""

from __future__ import annotations

import re

from archiver.document.model import How, Value
from archiver.ingest.found import Found

MAX_LINES = 12  # netiquette asks for 4; a longer tail after "-- " is more likely body text
MAX_CHARS = 1200
# The delimiter is "-- " (RFC 3676 4.3); editors and hygiene often drop its trailing space.
_DELIMITER = re.compile(r"^-- ?$", re.M)


def split_off(body: str, found: Found) -> str:
    """The body without its signature; the signature goes to `found.signature`, verbatim."""
    tail = body[-(MAX_CHARS + 8) :]
    delimiters = list(_DELIMITER.finditer(tail))
    if not delimiters:
        return body
    m = delimiters[-1]
    text = tail[m.end() :].strip("\n")
    head = body[: len(body) - len(tail) + m.start()]
    if not text.strip() or len(text.split("\n")) > MAX_LINES or not head.strip():
        return body
    found.signature = Value(text, How("layout", "signature-delimiter", 0.9))
    found.consumed.append(m.group(0))
    found.lifted.append(text)
    return head
