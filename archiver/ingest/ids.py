"""The archive id of an original: cheap to import (re-ingest asks it of every file before parsing)."""

from __future__ import annotations

import hashlib

ID_LENGTH = 16  # hex digits of the SHA-256 that make the archive id


def archive_id(data: bytes) -> str:
    """The stable archive id of an original: the start of its SHA-256."""
    return hashlib.sha256(data).hexdigest()[:ID_LENGTH]
