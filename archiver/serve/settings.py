"""What one server is told: the archive, its page size, whether (and with which token) it takes uploads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

UPLOAD_LIMIT = 8 * 2**20  # bytes in one upload: a raw article is text, far smaller than this
PAGE_SIZE = 50  # entries in one feed or list page


@dataclass(frozen=True)
class Settings:
    """The server's settings; uploads are off unless `allow_upload`, and then need `token`."""

    root: Path
    allow_upload: bool = False
    token: str | None = None
    upload_limit: int = UPLOAD_LIMIT
    page_size: int = PAGE_SIZE
    title: str = "Archive"
