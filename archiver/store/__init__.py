"""The archive store: originals, canonical XML files, the fixity manifest and the SQLite catalog."""

from archiver.store.archive import Archive, Stored, home
from archiver.store.catalog import Entry

__all__ = ["Archive", "Entry", "Stored", "home"]
