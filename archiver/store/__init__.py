"""The archive store: originals, canonical XML files, the SQLite catalog, and selections from it."""

from archiver.store.archive import Archive, Stored, home
from archiver.store.catalog import Entry
from archiver.store.selection import Selection, date_span

__all__ = ["Archive", "Entry", "Selection", "Stored", "date_span", "home"]
