"""What every dialect reader provides, and helpers they share."""

from __future__ import annotations

import re
from typing import Protocol

from archiver.ingest.found import Found

HEADER_LINE = re.compile(r"^([^\W\d_][\w.'/ -]{0,38}?)[ \t]*:(?:[ \t]+(.*)|)$")


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


def head_lines(text: str, limit: int = 60) -> list[str]:
    """The lines before the first blank line (at most `limit`)."""
    out = []
    for line in text.split("\n")[:limit]:
        if not line.strip():
            break
        out.append(line)
    return out


def rest_after(text: str, n_lines: int) -> str:
    """The text after the first `n_lines` lines."""
    return "\n".join(text.split("\n")[n_lines:])
