"""The SQLite catalog: one row per archived article, plus an FTS5 index, built from the XML."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

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
    id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2'
);
"""


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
        return asdict(self)


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


class Catalog:
    """Queries and writes on catalog.sqlite; one writer at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.row_factory = sqlite3.Row
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def get(self, id: str) -> Entry | None:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (id,)).fetchone()
        return Entry(**dict(row)) if row else None

    def next_version(self, name: str) -> int:
        row = self.db.execute("SELECT MAX(version) FROM articles WHERE name = ?", (name,)).fetchone()
        return int(row[0] or 0) + 1

    def add(self, entry: Entry, body: str) -> None:
        """Insert (or replace) one article and its search text in one transaction."""
        with self.db:
            self.db.execute("DELETE FROM search WHERE id = ?", (entry.id,))
            cols = ", ".join(asdict(entry))
            marks = ", ".join("?" for _ in asdict(entry))
            self.db.execute(
                f"INSERT OR REPLACE INTO articles ({cols}) VALUES ({marks})",
                list(asdict(entry).values()),
            )
            self.db.execute(
                "INSERT INTO search (id, title, body) VALUES (?, ?, ?)",
                (entry.id, entry.title, body),
            )

    def entries(self, all_versions: bool = False) -> Iterator[Entry]:
        """Articles in date order (undated last), newest version of each name unless asked."""
        latest = (
            ""
            if all_versions
            else ("WHERE version = (SELECT MAX(version) FROM articles AS b WHERE b.name = articles.name)")
        )
        sql = f"SELECT * FROM articles {latest} ORDER BY date IS NULL, date, name, version"
        for row in self.db.execute(sql):
            yield Entry(**dict(row))

    def resolve(self, key: str) -> list[Entry]:
        """Entries whose id starts with `key`, or whose external id or file name is `key`."""
        rows = self.db.execute(
            "SELECT * FROM articles WHERE id LIKE ? OR external_id = ? OR name = ? ORDER BY version DESC",
            (key.lower() + "%", key, key),
        ).fetchall()
        return [Entry(**dict(r)) for r in rows]

    def search(self, query: str, limit: int = 50) -> list[tuple[Entry, str]]:
        """Full-text search: entries and a snippet, best match first."""
        sql = (
            "SELECT a.*, snippet(search, 2, '[', ']', '…', 12) AS snip FROM search "
            "JOIN articles AS a ON a.id = search.id WHERE search MATCH ? ORDER BY rank LIMIT ?"
        )
        try:
            rows = self.db.execute(sql, (query, limit)).fetchall()
        except sqlite3.OperationalError:  # not FTS5 syntax: search the words as plain terms
            plain = " ".join('"' + w.replace('"', '""') + '"' for w in query.split())
            rows = self.db.execute(sql, (plain, limit)).fetchall()
        out = []
        for row in rows:
            data = dict(row)
            snip = data.pop("snip")
            out.append((Entry(**data), snip))
        return out
