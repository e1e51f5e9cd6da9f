"""Read access to the archive for the server: one Archive per worker thread, looked up by archive id only."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from archiver.document.model import Document
from archiver.errors import NotFoundError
from archiver.export.cache import FOLDER, RenderCache
from archiver.ingest.ids import ID_LENGTH
from archiver.store import Archive, Selection
from archiver.store.archive import CATALOG
from archiver.store.catalog import Entry, seal_of

ID = re.compile(rf"^[0-9a-f]{{{ID_LENGTH}}}$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
UNDATED = "undated"  # the month "facet" of articles whose date has no month (none, or a year alone)
BROWSED_MONTH = re.compile(rf"^(\d{{4}}-(0[1-9]|1[0-2])|{UNDATED})$")
LANG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
# The newest version of each file name, as `archiver list` shows them.
_LATEST = "version = (SELECT MAX(version) FROM articles AS b WHERE b.name = articles.name)"
_DATE_ORDER = "date IS NULL, date, name, version"  # as `archiver list`: undated last
_MEMO_LIMIT = 512  # remembered lists per catalog state (filters come from requests: bounded)
_DIGEST_LIMIT = 100_000  # remembered XML digests (about 200 bytes each)
# Base URLs whose article pages are written to the render cache. The base comes from the client's
# Host header: without a bound, one client could make the server write a page per made-up host.
PAGE_BASES = 4
T = TypeVar("T")
_FACETS: dict[str, str] = {  # the facet's value for a row; NULL leaves the row out
    "month": "CASE WHEN length(date) >= 7 THEN substr(date, 1, 7) END",  # a year alone has no month
    "source": "source",
    "language": "language",
}


@dataclass(frozen=True)
class Filters:
    """What a list or search keeps: one month (as the month facet counts it), a source, a language.

    A source matches exactly; a language by its base ("en" keeps "en-GB"). A date of a year
    alone belongs to no month.
    """

    month: str | None = None
    source: str | None = None
    language: str | None = None

    def keeps(self, e: Entry) -> bool:
        if self.language and e.language.split("-")[0] != self.language.split("-")[0]:
            return False
        if self.source and e.source != self.source:
            return False
        if self.month == UNDATED:
            return len(e.date or "") < 7
        return not self.month or (e.date or "")[:7] == self.month

    def where(self) -> tuple[str, list[str]]:
        """The same test as SQL on the articles table, with its arguments."""
        clauses, args = [_LATEST], []
        if self.language:
            base = self.language.split("-")[0]
            clauses.append("(language = ? OR language LIKE ? ESCAPE '\\')")
            args += [base, base.replace("_", "\\_").replace("%", "\\%") + "-%"]
        if self.source:
            clauses.append("source = ?")
            args.append(self.source)
        if self.month == UNDATED:
            clauses.append("(date IS NULL OR length(date) < 7)")
        elif self.month:
            clauses.append("substr(date, 1, 7) = ?")
            args.append(self.month)
        return " AND ".join(clauses), args


@dataclass(frozen=True)
class Page:
    """One page of entries, and whether more follow."""

    entries: list[Entry]
    number: int
    more: bool
    total: int


class Library:
    """The archive as the server reads it; every path it opens comes from a catalog row."""

    def __init__(self, root: Path) -> None:
        self.root = root
        with Archive(root) as archive:  # checks (and, when damaged, rebuilds) the catalog once
            self.notes = archive.notes
        self._local = threading.local()
        self._near_lock = threading.Lock()
        self._near: tuple[str, dict[str, tuple[list[Entry], str]]] = ("", {})  # (catalog state, clusters)
        self._memo_lock = threading.Lock()
        self._memo: tuple[str, dict[object, Any]] = ("", {})  # (catalog state, what holds in it)
        self._digests: dict[str, tuple[str, str]] = {}  # id -> (the XML file's stat, its SHA-256)
        self.render_cache = RenderCache(root / FOLDER)  # pages and covers, shared with exports
        self._page_bases: set[str] = set()

    @property
    def archive(self) -> Archive:
        """This thread's open archive (SQLite connections stay in their thread)."""
        archive: Archive | None = getattr(self._local, "archive", None)
        if archive is None:
            archive = self._local.archive = Archive(self.root)
        return archive

    def _query(self, sql: str, args: tuple[object, ...] = ()) -> list[Any]:
        return list(self.archive.catalog.db.execute(sql, args).fetchall())

    def state(self) -> str:
        """What identifies the catalog's contents: its file's seal and SQLite's file change counter.

        The counter (header bytes 24-27) goes up with every committed write, even one within
        the file system's timestamp granularity.
        """
        path = self.root / CATALOG
        try:
            with path.open("rb") as f:
                counter = f.read(28)[24:].hex()
        except OSError:
            counter = ""
        return f"{seal_of(path)} {counter}"

    def _remembered(self, key: object, compute: Callable[[], T]) -> T:
        """A value computed once per catalog state (counts, orders, facets: each a scan of every row)."""
        state = self.state()
        with self._memo_lock:
            if self._memo[0] != state or len(self._memo[1]) > _MEMO_LIMIT:
                self._memo = (state, {})
            if key in self._memo[1]:
                value: T = self._memo[1][key]
                return value
        value = compute()
        with self._memo_lock:
            if self._memo[0] == state:
                self._memo[1][key] = value
        return value

    def _page(self, ids: list[str], page: int, size: int) -> Page:
        """One page of an ordered list of ids, as entries."""
        chosen = ids[(page - 1) * size : page * size]
        found = self.archive.catalog.get_many(chosen)
        return Page([found[id] for id in chosen if id in found], page, len(ids) > page * size, len(ids))

    # ------------------------------------------------------------ lists
    def entry(self, id: str) -> Entry:
        """The catalog row of an exact archive id whose XML is on disk; anything else is NotFound."""
        found = self.archive.known(id) if ID.match(id) else None
        if found is None:
            raise NotFoundError(f"{id[:40]}: no such article")
        return found

    def count(self) -> int:
        """How many articles: the newest version of each file (as `archiver list` counts them)."""
        return self._remembered(
            "count", lambda: int(self._query(f"SELECT count(*) FROM articles WHERE {_LATEST}")[0][0])
        )

    def newer(self, entry: Entry) -> Entry | None:
        """The newest version of the article's file when `entry` is an older one, else None."""
        rows = self._query(
            "SELECT id FROM articles WHERE name = ? ORDER BY version DESC LIMIT 1", (entry.name,)
        )
        if not rows or rows[0][0] == entry.id:
            return None
        return self.archive.known(str(rows[0][0]))

    def last_ingested(self) -> str | None:
        """When the newest article came in (ISO 8601, UTC)."""
        value = self._query("SELECT max(ingested) FROM articles")[0][0]
        return str(value) if value else None

    def newest(self, page: int, size: int) -> Page:
        """Entries by ingest time, newest first, one page."""
        sql = f"SELECT id FROM articles WHERE {_LATEST} ORDER BY ingested DESC, date DESC, id"
        ids = self._remembered("newest", lambda: [r[0] for r in self._query(sql)])
        return self._page(ids, page, size)

    def chosen(self, filters: Filters, page: int, size: int) -> Page:
        """Entries a filter keeps, in date order (undated last), one page."""
        where, args = filters.where()
        sql = f"SELECT id FROM articles WHERE {where} ORDER BY {_DATE_ORDER}"
        ids = self._remembered(
            ("chosen", where, *args), lambda: [r[0] for r in self._query(sql, tuple(args))]
        )
        return self._page(ids, page, size)

    def facet(self, name: str) -> list[tuple[str, int]]:
        """(value, count) of one facet: months newest first, sources and languages by name."""
        return self._remembered(("facet", name), lambda: self._facet(name))

    def _facet(self, name: str) -> list[tuple[str, int]]:
        column = _FACETS[name]
        order = "value DESC" if name == "month" else "value"
        rows = self._query(
            f"SELECT {column} AS value, count(*) FROM articles WHERE {_LATEST} AND value IS NOT NULL "
            f"GROUP BY value ORDER BY {order}"
        )
        found = [(str(v), int(n)) for v, n in rows]
        if name == "month":  # the articles no month holds, last: every article is under some month
            undated = self._query(f"SELECT count(*) FROM articles WHERE {Filters(month=UNDATED).where()[0]}")
            found += [(UNDATED, int(undated[0][0]))] if undated[0][0] else []
        return found

    def search(self, query: str, filters: Filters, limit: int = 200) -> list[tuple[Entry, str]]:
        """The best `limit` full-text hits that the filters keep (FTS5 syntax; a bad query is QueryError)."""
        wide = limit if filters == Filters() else 100_000  # filtered: rank them all, then keep the best
        hits = self.archive.catalog.search(query, wide)
        return [(e, s) for e, s in hits if filters.keeps(e)][:limit]

    def search_page(self, query: str, filters: Filters, limit: int) -> tuple[list[tuple[Entry, str]], int]:
        """`search`'s best `limit` hits and how many there are in all (filtered: of the first 100,000)."""
        if filters == Filters():
            return self.search(query, filters, limit), self.archive.catalog.matches(query)
        kept = self.search(query, filters, 100_000)
        return kept[:limit], len(kept)

    # ------------------------------------------------------------ one article
    def also_archived(self, entry: Entry) -> list[Entry]:
        """The other members of the article's near-duplicate cluster, primary first (often none)."""
        members, _ = self.cluster(entry)
        return [e for e in members if e.id != entry.id]

    def cluster(self, entry: Entry) -> tuple[list[Entry], str]:
        """The article's near-duplicate cluster (itself among them; none when it has no copies) and
        one hash of what `also_archived` lists (a cluster can have thousands of members).

        The clusters are found once per state of the catalog file (an ingest changes its seal).
        """
        with self._near_lock:
            found = self._clusters().get(entry.id)
        if found is None:
            return [], ""
        members, digest = found
        return members, f"{digest} {entry.id}"

    def _clusters(self) -> dict[str, tuple[list[Entry], str]]:
        """id -> (its cluster's members, a hash of their ids) in the catalog's state (under _near_lock).

        Each id points at its cluster's one list: a cluster of n copies costs n, not n * n.
        """
        from archiver import near

        if self._near[0] != self.state():
            clusters, _ = near.find(self.archive, wait=0)  # a busy archive: kept another time
            by_id = {}
            for cluster in clusters:
                members = [m.entry for m in cluster.members]
                digest = hashlib.sha256("\x1f".join(e.id for e in members).encode()).hexdigest()
                by_id.update({e.id: (members, digest) for e in members})
            self._near = (self.state(), by_id)  # storing the signatures changed it
        return self._near[1]

    def keeps_pages_for(self, base: str) -> bool:
        """Whether article pages for this base URL go to the render cache: the first PAGE_BASES seen."""
        with self._memo_lock:
            if base not in self._page_bases and len(self._page_bases) < PAGE_BASES:
                self._page_bases.add(base)
            return base in self._page_bases

    def warm(self) -> None:
        """Do now what the first pages would wait for: near-duplicate clusters, facets, the newest list."""
        with self._near_lock:
            self._clusters()
        for name in _FACETS:
            self.facet(name)
        self.newest(1, 1)

    def document(self, entry: Entry) -> Document:
        return self.archive.document(entry.id)

    def xml(self, entry: Entry) -> bytes:
        return self.archive.xml_bytes(entry.id)

    def xml_digest(self, entry: Entry) -> str:
        """The SHA-256 of the article's XML, read and hashed again only when the file changed."""
        path = self.archive.xml_path(entry.id)
        try:
            st = path.stat()
        except OSError:
            return hashlib.sha256(self.xml(entry)).hexdigest()  # says why it cannot be read
        stamp = f"{st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"
        known = self._digests.get(entry.id)
        if known and known[0] == stamp:
            return known[1]
        digest = hashlib.sha256(self.xml(entry)).hexdigest()
        if len(self._digests) >= _DIGEST_LIMIT:
            self._digests.clear()
        self._digests[entry.id] = (stamp, digest)
        return digest

    def original(self, entry: Entry) -> bytes:
        """The original bytes, from the path the catalog row names (never from request text)."""
        try:
            return self.archive.original_path(entry).read_bytes()
        except FileNotFoundError:
            raise NotFoundError(
                f"{entry.id}: the original is missing (`archiver verify` says more)"
            ) from None

    def export(self, fmt: str, selection: Selection, each: bool) -> bytes:
        """The bytes `archiver export FORMAT` writes for a selection (with --each: of one article)."""
        path = self.export_file(fmt, selection, each)
        try:
            return path.read_bytes()
        finally:
            shutil.rmtree(path.parent, ignore_errors=True)

    def export_file(
        self, fmt: str, selection: Selection, each: bool, include_duplicates: bool = False
    ) -> Path:
        """What `archiver export FORMAT` writes (named as it names it), in a new temporary folder the
        caller removes."""
        from archiver import recipes

        job = recipes.export_job(fmt, each=each, jobs=1, include_duplicates=include_duplicates)
        tmp = Path(tempfile.mkdtemp(prefix="archiver-serve-"))
        try:
            return recipes.export(self.archive, job, selection, tmp).paths[0]
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def cover(self, entry: Entry, width: int | None = None) -> bytes:
        """The generated cover of the article's own edition as PNG, scaled to `width` when given."""
        from archiver.export import cover
        from archiver.export.edition import gather

        data = cover.png(gather([self.document(entry)], "none"), self.render_cache)
        return _scaled(data, width) if width else data


def _scaled(png: bytes, width: int) -> bytes:
    import io

    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        small = im.resize((width, round(im.height * width / im.width)))
        out = io.BytesIO()
        small.save(out, "PNG", optimize=True)
        return out.getvalue()
