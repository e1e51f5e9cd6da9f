"""The archive on disk: originals byte for byte, one XML per article, a fixity manifest, the catalog."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from archiver.errors import ArchiveError, ArchiverError, NotFoundError
from archiver.store import manifest
from archiver.store.catalog import Catalog, Entry, damage, entry_of, seal_of, search_text, write_catalog
from archiver.store.files import TEMP_SUFFIX, safe_name, stage, sync_dir, sync_fs, write_atomic
from archiver.store.lock import locked

if TYPE_CHECKING:
    from archiver.document.model import Document

DEFAULT_HOME = "archive"
CATALOG = "catalog.sqlite"
SEAL = "catalog.sqlite.seal"  # the catalog file's seal (catalog.seal_of) when last found sound
Status = Literal["new", "new-version", "unchanged"]


def home(path: str | os.PathLike[str] | None = None) -> Path:
    """The archive folder: the given path, else $ARCHIVER_HOME, else ./archive."""
    return Path(path or os.environ.get("ARCHIVER_HOME") or DEFAULT_HOME)


@dataclass(frozen=True)
class Item:
    """One article to store: its original bytes, its XML, its catalog row (any version), its search text."""

    original: bytes
    xml: bytes
    entry: Entry
    search: str


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
        self._swept = False  # temporaries of interrupted writes removed (once, at the first store)
        if not root.exists():
            if not create:
                raise ArchiveError(f"{root}: no archive here (ingest something first, or pass --archive)")
            root.mkdir(parents=True)
        if not root.is_dir():
            raise ArchiveError(f"{root}: not a folder")
        self.catalog_path = root / CATALOG
        if self.catalog_path.exists() or self.docs_dir.is_dir():
            reason = damage(self.catalog_path, self._recorded_seal())
            if reason and (reason != "missing" or any(self.docs_dir.glob("*.xml"))):
                with self.writing(reopen=False):
                    if damage(self.catalog_path):  # another process may have mended it meanwhile
                        count = self.rebuild_catalog()
                        self.notes.append(_rebuilt(reason, count))
        self.catalog = Catalog(self.catalog_path)
        self._inode = self._catalog_inode()
        try:
            self.reconcile()
        except ArchiveError as exc:  # damage quick_check cannot see: the catalog is derived, rebuild it
            count = self.rebuild_catalog()
            self.notes.append(_rebuilt(str(exc), count))
        self._seal()

    def _recorded_seal(self) -> str:
        try:
            return (self.root / SEAL).read_text()
        except (OSError, UnicodeDecodeError):
            return ""

    def _seal(self) -> None:
        """Record the catalog file's seal: it was found sound, or written by this process since.

        The next opening skips the full page check while the file still has this seal. Losing
        the record (a crash, a read-only folder) only costs that check.
        """
        seal = seal_of(self.catalog_path)
        if seal and seal != self._recorded_seal():
            with contextlib.suppress(OSError):
                (self.root / SEAL).write_text(seal)

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

    def known_many(self, ids: Iterable[str]) -> dict[str, Entry]:
        """`known` for many ids at once (one catalog query per 500): the entries of those kept."""
        found = self.catalog.get_many(ids)
        docs = str(self.docs_dir)  # plain strings: 5,000 paths a second cost more than the stat
        return {id: entry for id, entry in found.items() if os.path.exists(f"{docs}/{id}.xml")}

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
        from archiver.document.xmlio import from_bytes  # lxml: loaded when a document is read

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
                    self._seal()
                finally:
                    self._writing = False
        except OSError as exc:
            raise ArchiveError(f"{self.root}: cannot lock the archive: {exc.strerror or exc}") from None

    def add(self, original: bytes, doc: Document, xml: bytes) -> Stored:
        """Keep the original and its XML; identical bytes already kept change nothing.

        Either everything is stored (original, XML, manifest lines, catalog row) or, on an error,
        the files this call created are removed again and ArchiveError says why.
        """
        if hashlib.sha256(original).hexdigest() != doc.provenance.sha256:
            raise ArchiveError(f"{doc.provenance.file_name}: document does not belong to these bytes")
        (result,) = self.add_many([Item(original, xml, entry_of(doc, 0), search_text(doc))])
        if isinstance(result, ArchiveError):
            raise result
        return result

    def add_many(self, items: Sequence[Item]) -> list[Stored | ArchiveError]:
        """Store many articles at once: for each item, what was stored, or why it was not.

        Each item is kept whole or not at all, as with `add`, but durability costs two syncs, one
        manifest fsync and one catalog transaction for the lot (see `_store_group`). Ids already
        kept are "unchanged"; the same bytes twice in `items` are stored once.
        """
        out: list[Stored | ArchiveError | None] = [None] * len(items)
        with self.writing():
            if not self._swept:
                self.notes += self.sweep()
                self._swept = True
            known = self.known_many(item.entry.id for item in items)
            first: dict[str, int] = {}  # id -> the index that stores it
            plan: list[int] = []
            for i, item in enumerate(items):
                id = item.entry.id
                if hashlib.sha256(item.original).hexdigest() != item.entry.sha256:
                    out[i] = ArchiveError(f"{item.entry.name}: document does not belong to these bytes")
                elif id in known:
                    out[i] = Stored("unchanged", known[id])
                elif id not in first:
                    first[id] = i
                    plan.append(i)
            if plan:
                self._store_group(items, plan, out)
        for i, item in enumerate(items):  # a repeat is as its first: unchanged once stored
            if out[i] is None:
                done = out[first[item.entry.id]]
                out[i] = Stored("unchanged", done.entry) if isinstance(done, Stored) else done
        return [r for r in out if r is not None]

    def sweep(self) -> list[str]:
        """Remove the temporary files interrupted writes left beside the XML and the originals.

        Only under the archive lock (no writer can be using them then); an originals folder
        left empty goes too. The render cache, which exports write without the lock, is left
        alone. Returns a note when something was removed.
        """
        removed = 0
        originals = self.root / "originals"
        folders = [self.root, self.docs_dir]
        if originals.is_dir():
            folders += [Path(e.path) for e in os.scandir(originals) if e.is_dir(follow_symlinks=False)]
        for folder in folders:
            if not folder.is_dir():
                continue
            for entry in os.scandir(folder):
                if entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX) and entry.is_file():
                    Path(entry.path).unlink(missing_ok=True)
                    removed += 1
            if folder.parent == originals:
                _remove_empty(folder)
        return [f"removed {removed} temporary files left by an interrupted write"] if removed else []

    def _store_group(
        self, items: Sequence[Item], plan: list[int], out: list[Stored | ArchiveError | None]
    ) -> None:
        """Store the planned items; the order below is what makes a kill -9 at any point harmless.

        1. Every original and XML is written to a temporary file beside its place (no fsync).
           A crash leaves temporaries only: verify lists them, repair removes them (and the
           folder of an original that never got its name).
        2. One syncfs makes their contents durable (or an fsync each where syncfs is missing),
           so a name given in step 3 never points at a file a power cut could leave half.
        3. Each is renamed into place, original first, then a second sync makes the names
           durable. A crash here leaves whole files without catalog rows: opening the archive
           gives each XML its row (`reconcile`), repair re-derives an XML for an original
           without one and records missing checksums.
        4. The checksums of all the files go into the manifest in one fsynced append.
        5. The catalog rows go in, in one transaction: the commit is the moment the batch is
           archived. A failure in 4 or 5 removes the files of step 3 again, and each item is
           then tried alone (a full disk fails files one by one, not the whole batch).
        """
        staged: list[tuple[int, list[tuple[Path, Path]]]] = []
        for i in plan:
            try:
                staged.append((i, self._stage(items[i])))
            except OSError as exc:
                out[i] = _cannot(exc)
        published: list[tuple[int, list[Path]]] = []
        try:
            sync_fs(self.root, [tmp for _, files in staged for tmp, _ in files])
            for i, files in staged:
                try:
                    published.append((i, _publish(files)))
                except OSError as exc:
                    out[i] = _cannot(exc)
                    _remove_empty(self.original_path(items[i].entry).parent)
            sync_fs(self.root, [path for _, files in published for path in files])
            rows = self._rows_of(items, [i for i, _ in published])
            manifest.append(self.root, [line for entry, _, xml in rows for line in self._sums(entry, xml)])
            self.catalog.add_many([(entry, items[i].search) for (entry, i, _) in rows])
        except (OSError, ArchiverError) as exc:
            for _, files in staged:
                for tmp, _final in files:
                    tmp.unlink(missing_ok=True)
            for i, created in published:
                for path in created:
                    path.unlink(missing_ok=True)
                _remove_empty(self.original_path(items[i].entry).parent)
            self._store_alone(items, [i for i, _ in staged if out[i] is None], out, exc)
            return
        for entry, i, _ in rows:
            out[i] = Stored("new" if entry.version == 1 else "new-version", entry)

    def _stage(self, item: Item) -> list[tuple[Path, Path]]:
        """The item's files written to temporaries: (temporary, final place) pairs."""
        files: list[tuple[Path, Path]] = []
        try:
            for path, data in (
                (self.original_path(item.entry), item.original),
                (self.xml_path(item.entry.id), item.xml),
            ):
                files.append((stage(path, data), path))
        except OSError:
            for tmp, _ in files:
                tmp.unlink(missing_ok=True)
            _remove_empty(self.original_path(item.entry).parent)
            raise
        return files

    def _rows_of(self, items: Sequence[Item], stored: list[int]) -> list[tuple[Entry, int, bytes]]:
        """(catalog row with its version, item index, XML) of the stored items, in their order."""
        last = self.catalog.last_versions(items[i].entry.name for i in stored)
        rows = []
        for i in stored:
            name = items[i].entry.name
            last[name] = last.get(name, 0) + 1
            rows.append((replace(items[i].entry, version=last[name]), i, items[i].xml))
        return rows

    def _sums(self, entry: Entry, xml: bytes) -> list[tuple[str, str]]:
        return [
            (entry.sha256, self.relative(self.original_path(entry))),
            (hashlib.sha256(xml).hexdigest(), self.relative(self.xml_path(entry.id))),
        ]

    def _store_alone(
        self, items: Sequence[Item], todo: list[int], out: list[Stored | ArchiveError | None], why: Exception
    ) -> None:
        """After a failed group: each item on its own, so that only the files that fail do."""
        reason = why.strerror if isinstance(why, OSError) and why.strerror else str(why)
        for n, i in enumerate(todo):
            if "locked" in reason:  # the rest would wait as long, in vain
                error = ArchiveError(f"cannot store it: {reason}; nothing of it was kept")
                for j in todo[n:]:
                    out[j] = error
                return
            item = items[i]
            entry = replace(item.entry, version=self.catalog.next_version(item.entry.name))
            try:
                self._store(entry, item.original, item.xml, item.search)
                out[i] = Stored("new" if entry.version == 1 else "new-version", entry)
            except ArchiveError as exc:
                out[i], reason = exc, str(exc)

    def set_aside(self, id: str) -> Path:
        """Move an article's XML into set-aside/ (as <id>.<n>.xml, never overwriting); its new place."""
        folder = self.root / "set-aside"
        folder.mkdir(exist_ok=True)
        n = 1
        while (folder / f"{id}.{n}.xml").exists():
            n += 1
        os.replace(self.xml_path(id), folder / f"{id}.{n}.xml")
        return folder / f"{id}.{n}.xml"

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
                self.catalog.add(replace(entry, version=version), body)
            if rows:
                self.notes.append(f"{len(rows)} documents had no catalog row; added them")

    def _catalog_inode(self) -> int:
        try:
            return self.catalog_path.stat().st_ino
        except FileNotFoundError:
            return -1


def _rebuilt(reason: str, count: int) -> str:
    return f"catalog.sqlite was unusable ({reason}); rebuilt it from {count} XML files (all versions)"


def _cannot(exc: OSError) -> ArchiveError:
    return ArchiveError(f"cannot store it: {exc.strerror or exc}; nothing of it was kept")


def _publish(files: list[tuple[Path, Path]]) -> list[Path]:
    """Rename staged files into place, in order; the final paths that did not exist before.

    On an error, what this call renamed into new places is removed and temporaries are deleted.
    """
    created: list[Path] = []
    try:
        for tmp, final in files:
            existed = final.exists()
            os.replace(tmp, final)
            if not existed:
                created.append(final)
    except OSError:
        for tmp, _ in files:
            tmp.unlink(missing_ok=True)
        for path in created:
            path.unlink(missing_ok=True)
        raise
    return created


def _remove_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not empty, or not there: either way nothing to tidy
        folder.rmdir()
