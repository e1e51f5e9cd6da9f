"""The archive store: originals, canonical XML, the fixity manifest, the SQLite catalog, selections."""

from archiver.store.archive import Archive, Stored, home
from archiver.store.catalog import Entry
from archiver.store.selection import Selection, date_span

__all__ = ["Archive", "Entry", "Selection", "Stored", "date_span", "home"]
