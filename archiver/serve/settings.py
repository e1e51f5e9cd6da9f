"""What one server is told: the archive, its page size, whether (and with which token) it takes uploads."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from archiver.errors import UsageError

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


ENVIRONMENT = "ARCHIVER_SERVE_SETTINGS"  # how `serve --workers N` hands the settings to its workers


def settings_to_environment(settings: Settings) -> dict[str, str]:
    """The settings as one environment variable (JSON: plain values, nothing executable)."""
    values = {**asdict(settings), "root": str(settings.root)}
    return {ENVIRONMENT: json.dumps(values)}


def settings_from_environment() -> Settings:
    """The settings `settings_to_environment` wrote; a missing or bad value is a UsageError."""
    raw = os.environ.get(ENVIRONMENT)
    if not raw:
        raise UsageError(f"{ENVIRONMENT} is not set: start the server with `archiver serve`")
    try:
        values = json.loads(raw)
        return Settings(**{**values, "root": Path(values["root"])})
    except (ValueError, TypeError, KeyError) as exc:
        raise UsageError(f"{ENVIRONMENT}: not settings of `archiver serve` ({exc})") from None
