"""Plain text with no head at all: everything is body, metadata is inferred later."""

from __future__ import annotations

from archiver.ingest.found import Found


class BodyOnly:
    """The fallback: no metadata in the file."""

    name = "body-only"
    description = "no metadata: all text is body"

    def sniff(self, text: str) -> float:
        return 0.1

    def read(self, text: str, found: Found) -> str:
        return text
