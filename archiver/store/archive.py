"""The archive on disk: originals byte for byte, one XML per article, and the catalog."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archiver.document.model import Document
from archiver.document.xmlio import from_bytes
from archiver.errors import ArchiveError, NotFoundError
from archiver.store.catalog import Catalog, Entry, entry_of
from archiver.store.files import safe_name, write_atomic

DEFAULT_HOME = "archive"


def home(path: str | os.PathLike[str] | None = None) -> Path:
    """The archive folder: the given path, else $ARCHIVER_HOME, else ./archive."""
    return Path(path or os.environ.get("ARCHIVER_HOME") or DEFAULT_HOME)


@dataclass(frozen=True)
class Stored:
    """What adding one original did: new, new-version or unchanged (already archived)."""

    status: str
    entry: Entry


class Archive:
    """An archive folder. Files are written atomically; the catalog is written last."""

    def __init__(self, root: Path, create: bool = False) -> None:
        self.root = root
        if not root.exists():
            if not create:
                raise ArchiveError(f"{root}: no archive here (ingest something first, or pass --archive)")
            root.mkdir(parents=True)
        if not root.is_dir():
            raise ArchiveError(f"{root}: not a folder")
        fresh = not (root / "catalog.sqlite").exists()
        try:
            self.catalog = Catalog(root / "catalog.sqlite")
        except Exception as exc:  # sqlite3 raises several kinds; all mean the same to a user
            raise ArchiveError(f"{root}/catalog.sqlite: cannot open the catalog: {exc}") from exc
        if fresh and (root / "documents").is_dir():
            self.rebuild_catalog()  # the catalog is derived data: a lost one is rebuilt from the XML

    def close(self) -> None:
        self.catalog.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ paths
    def xml_path(self, id: str) -> Path:
        return self.root / "documents" / f"{id}.xml"

    def original_path(self, entry: Entry) -> Path:
        return self.root / "originals" / entry.id / safe_name(entry.name)

    # ------------------------------------------------------------ reading
    def known(self, id: str) -> Entry | None:
        """The entry for an id whose XML is on disk, else None."""
        entry = self.catalog.get(id)
        return entry if entry and self.xml_path(id).exists() else None

    def find(self, key: str) -> Entry:
        """The one entry an id (or id prefix, external id or file name) names."""
        hits = self.catalog.resolve(key)
        ids = {e.id for e in hits}
        if not hits:
            raise NotFoundError(f"{key}: no such article in {self.root}")
        if len(ids) > 1 and not all(e.name == hits[0].name for e in hits):
            raise NotFoundError(f"{key}: ambiguous, matches {', '.join(sorted(ids)[:5])}")
        return hits[0]

    def xml_bytes(self, id: str) -> bytes:
        try:
            return self.xml_path(id).read_bytes()
        except OSError as exc:
            raise ArchiveError(f"{self.xml_path(id)}: cannot read: {exc.strerror}") from exc

    def document(self, id: str) -> Document:
        return from_bytes(self.xml_bytes(id), str(self.xml_path(id)))

    def entries(self, all_versions: bool = False) -> Iterator[Entry]:
        return self.catalog.entries(all_versions)

    # ------------------------------------------------------------ writing
    def add(self, original: bytes, doc: Document, xml: bytes) -> Stored:
        """Keep the original and its XML; identical bytes already kept change nothing."""
        id = doc.meta.archive_id
        if hashlib.sha256(original).hexdigest() != doc.provenance.sha256:
            raise ArchiveError(f"{doc.provenance.file_name}: document does not belong to these bytes")
        existing = self.known(id)
        if existing is not None:
            return Stored("unchanged", existing)
        version = self.catalog.next_version(doc.provenance.file_name)
        entry = entry_of(doc, version)
        try:
            write_atomic(self.original_path(entry), original)
            write_atomic(self.xml_path(id), xml)
        except OSError as exc:
            raise ArchiveError(f"{self.root}: cannot write: {exc.strerror}") from exc
        self.catalog.add(entry, "\n".join([doc.meta.title.text, *doc.text_blocks()]))
        return Stored("new" if version == 1 else "new-version", entry)

    def rebuild_catalog(self) -> int:
        """Re-create every catalog row from the XML files; returns how many."""
        count = 0
        for path in sorted((self.root / "documents").glob("*.xml")):
            doc = from_bytes(path.read_bytes(), str(path))
            old = self.catalog.get(doc.meta.archive_id)
            version = old.version if old else self.catalog.next_version(doc.provenance.file_name)
            self.catalog.add(entry_of(doc, version), "\n".join([doc.meta.title.text, *doc.text_blocks()]))
            count += 1
        return count
