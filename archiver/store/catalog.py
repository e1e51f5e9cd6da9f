"""The SQLite catalog: one row per archived article, plus an FTS5 index, built from the XML."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from archiver.errors import ArchiveError, ArchiverError, ExitCode
from archiver.store.lock import wait_seconds

if TYPE_CHECKING:
    from archiver.document.model import Document

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    title TEXT NOT NULL,
    title_origin TEXT NOT NULL,
    date TEXT,
    date_precision TEXT,
    language TEXT NOT NULL,
    authors TEXT NOT NULL,
    source TEXT,
    external_id TEXT,
    dialect TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    blocks INTEGER NOT NULL,
    ingested TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_name ON articles(name, version);
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
    title, body, tokenize = 'unicode61 remove_diacritics 2'
);
"""
# The search row of an article has the article row's rowid: found and removed in O(log n).
# A catalog of another layout is rebuilt (it is derived data); bump when SCHEMA changes.
LAYOUT = 2
_FTS_SYNTAX = re.compile(r'\b(?:AND|OR|NOT|NEAR)\b|["()*^:{}+]')  # the user meant FTS5 query syntax
T = TypeVar("T")


def _fts_hint(query: str) -> str:
    """What is most likely wrong with a query FTS5 refused, and how to write it."""
    if query.count('"') % 2:
        return 'a double quote is not closed (write "exact words" in a pair of quotes)'
    if query.count("(") != query.count(")"):
        return "a parenthesis is not closed (NEAR(word1 word2) and (a OR b) need both)"
    if re.search(r"(?i)(^|\s)(AND|OR|NOT)\s*$|^\s*(AND|OR|NOT)(\s|$)", query):
        return "AND, OR and NOT need words on both sides"
    return 'put words in double quotes to search for them as written ("like this")'


class QueryError(ArchiverError):
    """A search query that FTS5 cannot read; a usage error."""

    exit_code = ExitCode.USAGE


@dataclass(frozen=True)
class Entry:
    """One catalog row."""

    id: str
    name: str
    version: int
    title: str
    title_origin: str
    date: str | None
    date_precision: str | None
    language: str
    authors: str
    source: str | None
    external_id: str | None
    dialect: str
    sha256: str
    size: int
    blocks: int
    ingested: str

    def as_dict(self) -> dict[str, object]:
        """The row as plain data; authors as a list (the catalog keeps them as JSON text)."""
        return {**asdict(self), "authors": json.loads(self.authors)}


_FIELDS = tuple(f.name for f in fields(Entry))
_COLUMNS = ", ".join(_FIELDS)
_INSERT = f"INSERT OR REPLACE INTO articles ({_COLUMNS}) VALUES ({', '.join('?' for _ in _FIELDS)})"


def entry_of(doc: Document, version: int) -> Entry:
    """The catalog row of a document."""
    m, p = doc.meta, doc.provenance
    date = doc.published or (m.dates[0] if m.dates else None)
    external = next((i.value for i in m.identifiers if i.scheme == "external"), None)
    source = m.source or m.publisher
    return Entry(
        id=m.archive_id,
        name=p.file_name,
        version=version,
        title=m.title.text,
        title_origin=m.title.how.origin,
        date=date.value if date else None,
        date_precision=date.precision if date else None,
        language=m.language.text,
        authors=json.dumps([a.text for a in m.authors], ensure_ascii=False),
        source=source.text if source else None,
        external_id=external,
        dialect=p.dialect,
        sha256=p.sha256,
        size=p.size,
        blocks=len(doc.body),
        ingested=p.events[0].when if p.events else "",
    )


def search_text(doc: Document) -> str:
    """What the full-text index holds for a document: its title and every body text."""
    return "\n".join([doc.meta.title.text, *doc.text_blocks()])


def seal_of(path: Path) -> str:
    """What identifies one state of the catalog file: inode, size, modification and change times.

    A file changed by anything (SQLite, a text editor, a truncation, `touch`) gets a new change
    time, which no user can set back.
    """
    try:
        st = path.stat()
    except FileNotFoundError:
        return ""
    return f"{st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"


def damage(path: Path, seal: str = "") -> str | None:
    """Why the catalog file at `path` cannot be trusted, or None when it is sound.

    PRAGMA quick_check reads every page (0.3 s for 20,000 articles); it is left out when `seal`
    is the file's seal as recorded by the last archiver that found it sound or wrote it. The
    cheap checks (tables, layout, row counts, which read every table page) always run.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "missing"
    if size == 0:
        return "empty (0 bytes)"
    trusted = bool(seal) and seal == seal_of(path)
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=wait_seconds() / 2)
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not {"articles", "search"} <= tables:
                return "tables missing"
            if db.execute("PRAGMA user_version").fetchone()[0] != LAYOUT:
                return "an older layout"
            result = "ok" if trusted else db.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                first = " ".join(str(result).split("\n")[0].split())
                return f"quick_check: {first[:160]}"
            rows, indexed = db.execute(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM search)"
            ).fetchone()
            if rows != indexed:
                return f"its search index out of step ({indexed} entries for {rows} rows)"
        finally:
            db.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise ArchiveError(f"{path}: the catalog is locked by another process") from None
        return f"cannot be read: {exc}"
    except sqlite3.DatabaseError as exc:
        return f"cannot be read: {exc}"
    return None


class Catalog:
    """Queries and writes on catalog.sqlite; SQLite errors become ArchiveErrors with a message."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # check_same_thread off: ingest's store thread writes while the main thread parses; the
        # two never use the connection at the same time (pipeline.ingest hands it over)
        self.db = self._call(
            lambda: sqlite3.connect(path, timeout=wait_seconds() / 2, check_same_thread=False)
        )
        self.db.row_factory = sqlite3.Row
        if self._call(lambda: self.db.execute("PRAGMA user_version").fetchone()[0]) != LAYOUT:
            # a new file (an existing one of another layout was rebuilt before this); an open
            # for reading writes nothing, so the file keeps its seal
            self._call(lambda: self.db.executescript(f"{SCHEMA}PRAGMA user_version = {LAYOUT};"))

    def close(self) -> None:
        self.db.close()

    def _call(self, work: Callable[[], T]) -> T:
        """Run one database step; a busy lock is retried once, every failure is one clear error."""
        for attempt in (1, 2):
            try:
                return work()
            except sqlite3.OperationalError as exc:
                text = str(exc)
                if "locked" in text or "busy" in text:
                    if attempt == 1:
                        time.sleep(0.5)
                        continue
                    raise ArchiveError(
                        f"{self.path}: the catalog is locked by another process "
                        f"(waited {wait_seconds():.0f} s)"
                    ) from None
                raise ArchiveError(f"{self.path}: {_plain(text)}") from None
            except sqlite3.DatabaseError as exc:
                raise ArchiveError(
                    f"{self.path}: the catalog is damaged ({exc}); run `archiver repair`"
                ) from None
        raise AssertionError("unreachable")

    def _rows(self, sql: str, args: Iterable[Any] = ()) -> list[Any]:
        return self._call(lambda: self.db.execute(sql, tuple(args)).fetchall())

    def get(self, id: str) -> Entry | None:
        rows = self._rows("SELECT * FROM articles WHERE id = ?", (id,))
        return Entry(**dict(rows[0])) if rows else None

    def get_many(self, ids: Iterable[str]) -> dict[str, Entry]:
        """The entries of those ids that have a row, by id; one query per 500 ids."""
        wanted, found = list(dict.fromkeys(ids)), {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            sql = f"SELECT {_COLUMNS} FROM articles WHERE id IN ({', '.join('?' for _ in chunk)})"
            for row in self._rows(sql, chunk):
                found[row[0]] = Entry(*row)  # the columns in the order of Entry's fields
        return found

    def last_versions(self, names: Iterable[str]) -> dict[str, int]:
        """The highest version of each file name that has one; one query per 500 names."""
        wanted, found = list(dict.fromkeys(names)), {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            sql = (
                f"SELECT name, MAX(version) FROM articles WHERE name IN ({', '.join('?' for _ in chunk)}) "
                "GROUP BY name"
            )
            found.update({row[0]: int(row[1]) for row in self._rows(sql, chunk)})
        return found

    def ids(self) -> set[str]:
        return {r[0] for r in self._rows("SELECT id FROM articles")}

    def next_version(self, name: str) -> int:
        row = self._rows("SELECT MAX(version) FROM articles WHERE name = ?", (name,))[0]
        return int(row[0] or 0) + 1

    def add(self, entry: Entry, body: str) -> None:
        """Insert (or replace) one article and its search text in one transaction."""
        self.add_many([(entry, body)])

    def add_many(self, rows: list[tuple[Entry, str]]) -> None:
        """Insert (or replace) articles and their search texts, all in one transaction."""

        def work() -> None:
            with self.db:
                for entry, body in rows:
                    old = self.db.execute("SELECT rowid FROM articles WHERE id = ?", (entry.id,)).fetchone()
                    if old is not None:
                        self.db.execute("DELETE FROM search WHERE rowid = ?", (old[0],))
                    # the fields are plain values: asdict's deep copy of each was 0.15 ms a row
                    cursor = self.db.execute(_INSERT, [getattr(entry, name) for name in _FIELDS])
                    # a stray index row under a reused rowid (a row deleted by hand) must not block this one
                    self.db.execute("DELETE FROM search WHERE rowid = ?", (cursor.lastrowid,))
                    self.db.execute(
                        "INSERT INTO search (rowid, title, body) VALUES (?, ?, ?)",
                        (cursor.lastrowid, entry.title, body),
                    )

        self._call(work)

    def renumber_versions(self) -> None:
        """Versions of each file name counted in order of ingest time (then id)."""
        self._call(lambda: self._renumber())

    def _renumber(self) -> None:
        with self.db:
            self.db.execute(
                "UPDATE articles SET version = (SELECT count(*) FROM articles AS b WHERE b.name = "
                "articles.name AND (b.ingested, b.id) <= (articles.ingested, articles.id))"
            )

    def count(self) -> int:
        return int(self._rows("SELECT count(*) FROM articles")[0][0])

    def entries(self, all_versions: bool = False) -> Iterator[Entry]:
        """Articles in date order (undated last), newest version of each name unless asked."""
        latest = (
            ""
            if all_versions
            else ("WHERE version = (SELECT MAX(version) FROM articles AS b WHERE b.name = articles.name)")
        )
        sql = f"SELECT * FROM articles {latest} ORDER BY date IS NULL, date, name, version"
        for row in self._rows(sql):
            yield Entry(**dict(row))

    def resolve(self, key: str) -> list[Entry]:
        """Entries whose id starts with `key`, or whose external id or file name is `key`."""
        prefix = key.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self._rows(
            "SELECT * FROM articles WHERE id LIKE ? ESCAPE '\\' OR external_id = ? OR name = ? "
            "ORDER BY version DESC",
            (prefix, key, key),
        )
        return [Entry(**dict(r)) for r in rows]

    def search(self, query: str, limit: int = 50) -> list[tuple[Entry, str]]:
        """Full-text search (FTS5 syntax): entries and a snippet, best match first."""
        sql = (
            "SELECT a.*, snippet(search, 1, '[', ']', '…', 12) AS snip FROM search "
            "JOIN articles AS a ON a.rowid = search.rowid WHERE search MATCH ? ORDER BY rank LIMIT ?"
        )
        out = []
        for row in self._matching(sql, query, (limit,)):
            data = dict(row)
            snip = data.pop("snip")
            out.append((Entry(**data), snip))
        return out

    def matches(self, query: str) -> int:
        """How many entries a full-text search finds (FTS5 syntax, as `search`)."""
        (row,) = self._matching("SELECT count(*) FROM search WHERE search MATCH ?", query, ())
        return int(row[0])

    def _matching(self, sql: str, query: str, more: tuple[object, ...]) -> list[Any]:
        """The rows of `sql` for an FTS5 `query` (its first parameter); plain words that FTS5 would
        misread ("Noord-Korea") are searched as written, and a broken query is a QueryError."""
        if not query.strip():
            raise QueryError("search: give at least one word to look for")
        try:
            return self.db.execute(sql, (query, *more)).fetchall()
        except sqlite3.OperationalError as exc:
            if not _FTS_SYNTAX.search(query):  # plain words ("Noord-Korea"): search them as written
                plain = " ".join('"' + w.replace('"', '""') + '"' for w in query.split())
                return self._rows(sql, (plain, *more))
            if not any(word in str(exc) for word in ("locked", "busy", "disk", "malformed")):
                raise QueryError(
                    f"search: {query!r} is not a query FTS5 understands: {_fts_hint(query)}"
                ) from None
            return self._rows(sql, (query, *more))  # a locked or damaged catalog: the usual message


def _plain(text: str) -> str:
    """SQLite's messages, said for a user ("database or disk is full" -> "disk full")."""
    if "disk is full" in text or "disk I/O" in text:
        return f"cannot write the catalog: {text} (free some space and run the command again)"
    if "readonly" in text or "unable to open" in text:
        return f"cannot write the catalog: {text} (check the folder's permissions)"
    return text


def write_catalog(path: Path, rows: Iterator[tuple[Entry, str]], batch: int = 500) -> int:
    """Write a fresh catalog at `path` from (entry, search text) rows; returns how many."""
    path.unlink(missing_ok=True)
    catalog = Catalog(path)
    count = 0
    try:
        chunk: list[tuple[Entry, str]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                catalog.add_many(chunk)
                count += len(chunk)
                chunk = []
        catalog.add_many(chunk)
        count += len(chunk)
        catalog.renumber_versions()
        catalog._call(lambda: catalog.db.execute("PRAGMA journal_mode = DELETE"))
    finally:
        catalog.close()
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return count
