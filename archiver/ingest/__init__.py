"""Raw text in, canonical Document out: hygiene, dialects, structure and inference.

The readers load on first use: asking for an archive id (all a re-ingest of unchanged files
does) imports none of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from archiver.ingest.ids import archive_id

if TYPE_CHECKING:
    from archiver.ingest.assemble import Result, ingest_bytes

__all__ = ["Result", "archive_id", "ingest_bytes"]


def __getattr__(name: str) -> Any:
    if name in ("Result", "ingest_bytes"):
        from archiver.ingest import assemble

        return getattr(assemble, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
