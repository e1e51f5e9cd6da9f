"""The archive on disk: originals byte for byte, one XML per article, a fixity manifest, the catalog."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from archiver.document.model import Document
from archiver.document.xmlio import from_bytes
from archiver.errors import ArchiveError, ArchiverError, NotFoundError
from archiver.store import manifest
from archiver.store.catalog import Catalog, Entry, damage, entry_of, search_text, write_catalog
from archiver.store.files import TEMP_SUFFIX, safe_name, sync_dir, write_atomic
from archiver.store.lock import locked

DEFAULT_HOME = "archive"
CATALOG = "catalog.sqlite"
Status = Literal["new", "new-version", "unchanged"]


def home(path: str | os.PathLike[str] | None = None) -> Path:
    """The archive folder: the given path, else $ARCHIVER_HOME, else ./archive."""
    return Path(path or os.environ.get("ARCHIVER_HOME") or DEFAULT_HOME)


@dataclass(frozen=True)
class Stored:
    """What adding one original did: new, new-version or unchanged (already archived)."""

    status: Status
    entry: Entry


class Archive:
    """An archive folder. Writers hold the archive lock; files first, then manifest, then catalog.

    Opening checks the catalog: a missing, empty, truncated or damaged one is rebuilt from the XML
    (into a temporary file, renamed into place), and XML files without a row get their row.
    What was done is listed in `notes`.
    """

    def __init__(self, root: Path, create: bool = False) -> None:
        self.root = root
        self.notes: list[str] = []
        self._writing = False
        if not root.exists():
            if not create:
                raise ArchiveError(f"{root}: no archive here (ingest something first, or pass --archive)")
            root.mkdir(parents=True)
        if not root.is_dir():
            raise ArchiveError(f"{root}: not a folder")
        self.catalog_path = root / CATALOG
        if self.catalog_path.exists() or self.docs_dir.is_dir():
            reason = damage(self.catalog_path)
            if reason and (reason != "missing" or any(self.docs_dir.glob("*.xml"))):
                with self.writing(reopen=False):
                    if damage(self.catalog_path):  # another process may have mended it meanwhile
                        count = self.rebuild_catalog()
                        self.notes.append(
                            f"catalog.sqlite was unusable ({reason}); rebuilt it from {count} documents"
                        )
        self.catalog = Catalog(self.catalog_path)
        self._inode = self._catalog_inode()
        try:
            self.reconcile()
        except ArchiveError as exc:  # damage quick_check cannot see: the catalog is derived, rebuild it
            count = self.rebuild_catalog()
            self.notes.append(_rebuilt(str(exc), count))

    def close(self) -> None:
        self.catalog.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ paths
    @property
    def docs_dir(self) -> Path:
        return self.root / "documents"

    def xml_path(self, id: str) -> Path:
        return self.docs_dir / f"{id}.xml"

    def original_path(self, entry: Entry) -> Path:
        return self.root / "originals" / entry.id / safe_name(entry.name)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

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

    def document_ids(self) -> set[str]:
        """Ids of the XML files on disk."""
        if not self.docs_dir.is_dir():
            return set()
        return {p.name[:-4] for p in os.scandir(self.docs_dir) if p.name.endswith(".xml")}

    # ------------------------------------------------------------ writing
    @contextmanager
    def writing(self, reopen: bool = True) -> Iterator[None]:
        """Hold the archive lock (re-entrant); reconnect if another process replaced the catalog."""
        if self._writing:
            yield
            return
        try:
            with locked(self.root):
                self._writing = True
                try:
                    if reopen and self._catalog_inode() != self._inode:
                        self.catalog.close()
                        self.catalog = Catalog(self.catalog_path)
                        self._inode = self._catalog_inode()
                    yield
                finally:
                    self._writing = False
        except OSError as exc:
            raise ArchiveError(f"{self.root}: cannot lock the archive: {exc.strerror or exc}") from None

    def add(self, original: bytes, doc: Document, xml: bytes) -> Stored:
        """Keep the original and its XML; identical bytes already kept change nothing.

        Either everything is stored (original, XML, manifest lines, catalog row) or, on an error,
        the files this call created are removed again and ArchiveError says why.
        """
        id = doc.meta.archive_id
        if hashlib.sha256(original).hexdigest() != doc.provenance.sha256:
            raise ArchiveError(f"{doc.provenance.file_name}: document does not belong to these bytes")
        with self.writing():
            existing = self.known(id)
            if existing is not None:
                return Stored("unchanged", existing)
            entry = entry_of(doc, self.catalog.next_version(doc.provenance.file_name))
            self._store(entry, original, xml, search_text(doc))
        return Stored("new" if entry.version == 1 else "new-version", entry)

    def restore(self, original: bytes, doc: Document, xml: bytes, version: int | None) -> Stored:
        """Store a re-derived document over whatever is there, keeping its version (repair)."""
        with self.writing():
            number = version or self.catalog.next_version(doc.provenance.file_name)
            entry = entry_of(doc, number)
            self._store(entry, original, xml, search_text(doc))
        return Stored("new" if number == 1 else "new-version", entry)

    def _store(self, entry: Entry, original: bytes, xml: bytes, body: str) -> None:
        created: list[Path] = []
        try:
            for path, data in ((self.original_path(entry), original), (self.xml_path(entry.id), xml)):
                if not path.exists():
                    created.append(path)
                write_atomic(path, data)
            manifest.append(
                self.root,
                [
                    (entry.sha256, self.relative(self.original_path(entry))),
                    (hashlib.sha256(xml).hexdigest(), self.relative(self.xml_path(entry.id))),
                ],
            )
            self.catalog.add(entry, body)
        except (OSError, ArchiverError) as exc:
            for path in created:
                path.unlink(missing_ok=True)
            _remove_empty(self.original_path(entry).parent)
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise ArchiveError(f"cannot store it: {reason}; nothing of it was kept") from None

    def rebuild_catalog(self) -> int:
        """Re-create the catalog from the XML files, all or nothing; returns how many rows.

        The new catalog is written to a temporary file and renamed over the old one, so an
        interruption leaves the old catalog in place. Unreadable XML is left out and noted.
        """
        with self.writing(reopen=False):
            tmp = self.root / f".{CATALOG}.rebuild-{os.getpid()}{TEMP_SUFFIX}"
            try:
                count = write_catalog(tmp, self._rows_from_xml())
                for suffix in ("-journal", "-wal", "-shm"):  # a stale journal must not meet the new file
                    Path(f"{self.catalog_path}{suffix}").unlink(missing_ok=True)
                os.replace(tmp, self.catalog_path)
                sync_dir(self.root)
            finally:
                tmp.unlink(missing_ok=True)
            if hasattr(self, "catalog"):
                self.catalog.close()
                self.catalog = Catalog(self.catalog_path)
                self._inode = self._catalog_inode()
        return count

    def _rows_from_xml(self, only: set[str] | None = None) -> Iterator[tuple[Entry, str]]:
        for id in sorted(self.document_ids() if only is None else only):
            try:
                doc = self.document(id)
            except ArchiverError as exc:
                self.notes.append(f"{self.relative(self.xml_path(id))}: left out of the catalog: {exc}")
                continue
            yield entry_of(doc, 0), search_text(doc)

    def reconcile(self) -> None:
        """Give XML files without a catalog row their row (after a crash between the two)."""
        if not self.docs_dir.is_dir() or not self.document_ids() - self.catalog.ids():
            return
        with self.writing():
            missing = self.document_ids() - self.catalog.ids()
            rows = sorted(self._rows_from_xml(missing), key=lambda r: (r[0].ingested, r[0].id))
            for entry, body in rows:
                version = self.catalog.next_version(entry.name)
                self.catalog.add(Entry(**{**entry.as_dict(), "version": version}), body)  # type: ignore[arg-type]
            if rows:
                self.notes.append(f"{len(rows)} documents had no catalog row; added them")

    def _catalog_inode(self) -> int:
        try:
            return self.catalog_path.stat().st_ino
        except FileNotFoundError:
            return -1


def _rebuilt(reason: str, count: int) -> str:
    return f"catalog.sqlite was unusable ({reason}); rebuilt it from {count} documents"


def _remove_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not empty, or not there: either way nothing to tidy
        folder.rmdir()
