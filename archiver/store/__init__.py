"""The archive store: originals, canonical XML, the fixity manifest, the SQLite catalog, selections."""

from typing import TYPE_CHECKING, Any

from archiver.store.archive import Archive, Stored, home
from archiver.store.catalog import Entry

if TYPE_CHECKING:
    from archiver.store.selection import Selection, date_span

__all__ = ["Archive", "Entry", "Selection", "Stored", "date_span", "home"]


def __getattr__(name: str) -> Any:
    """Selection and date_span, loaded on first use (an ingest needs neither)."""
    if name in ("Selection", "date_span"):
        from archiver.store import selection

        return getattr(selection, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
