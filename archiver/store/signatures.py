"""The catalog's table of near-duplicate signatures: one MinHash per article row and rules version.

Signatures are derived data, made lazily (on the first `archiver duplicates`, edition or web
page that needs them) from the body text the search index already holds. A row counts only
while it belongs to the article row it was made from (`row` is that row's rowid): a re-stored
article gets a new rowid, so its old signature is ignored and made again. A rebuilt catalog
starts without the table, and so without signatures.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from archiver.errors import ArchiveError
from archiver.store.archive import Archive
from archiver.store.lock import locked

TABLE = """
CREATE TABLE IF NOT EXISTS signatures (
    id TEXT NOT NULL,
    rules INTEGER NOT NULL,
    row INTEGER NOT NULL,
    shingles INTEGER NOT NULL,
    minhash BLOB,
    hashes BLOB NOT NULL,
    PRIMARY KEY (id, rules)
)
"""
COLUMNS = ["id", "rules", "row", "shingles", "minhash", "hashes"]
_LATEST = "a.version = (SELECT MAX(version) FROM articles AS b WHERE b.name = a.name)"


@dataclass(frozen=True)
class Signature:
    """One article's signature: how many shingles its body has, their MinHash (None when 0) and hashes."""

    shingles: int
    minhash: bytes | None
    hashes: bytes  # the shingle set itself (sorted uint32), for exact similarity


Maker = Callable[[str, str], Signature]  # (title, search text) -> signature


def _columns(db: sqlite3.Connection) -> list[str]:
    """The signatures table's columns; none when there is no table."""
    return [str(r[1]) for r in db.execute("PRAGMA table_info(signatures)")]


def _has_table(archive: Archive) -> bool:
    """Whether the catalog holds the table, in this layout (one of another layout is made again)."""
    return archive.catalog._call(lambda: _columns(archive.catalog.db)) == COLUMNS


def stored(archive: Archive, rules: int) -> dict[str, Signature]:
    """The current signatures of the newest version of every article, by id (missing ones absent)."""
    if not _has_table(archive):
        return {}
    rows = archive.catalog._rows(
        "SELECT a.id, s.shingles, s.minhash, s.hashes FROM articles AS a JOIN signatures AS s "
        f"ON s.id = a.id AND s.rules = ? AND s.row = a.rowid WHERE {_LATEST}",
        (rules,),
    )
    return {r[0]: Signature(int(r[1]), None if r[2] is None else bytes(r[2]), bytes(r[3])) for r in rows}


def texts(archive: Archive, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """(title, search text) of articles by id, from the search index; one query per 500 ids."""
    wanted, found = list(dict.fromkeys(ids)), {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = archive.catalog._rows(
            f"SELECT a.id, a.title, s.body FROM articles AS a JOIN search AS s ON s.rowid = a.rowid "
            f"WHERE a.id IN ({marks})",
            chunk,
        )
        found.update({r[0]: (str(r[1]), str(r[2] or "")) for r in rows})
    return found


def ensure(
    archive: Archive, rules: int, make: Maker, keep: bool = True, wait: float | None = None
) -> tuple[dict[str, Signature], str]:
    """Every newest article's signature, making the missing ones (and storing them when `keep`).

    Storing waits `wait` seconds for the archive lock (None: as long as any writer waits).
    Returns the signatures and a note: what was made, or why they could not be kept (a
    read-only or busy archive still gets its answer, computed in memory).
    """
    have = stored(archive, rules)
    latest = {
        r[0]: int(r[1])
        for r in archive.catalog._rows(f"SELECT a.id, a.rowid FROM articles AS a WHERE {_LATEST}")
    }
    todo = [id for id in latest if id not in have]
    if not todo:
        return have, ""
    made = {id: make(title, text) for id, (title, text) in texts(archive, todo).items()}
    have.update(made)
    if not keep:
        return have, ""
    try:
        with archive.writing() if wait is None else locked(archive.root, wait):
            _save(archive, rules, [(id, latest[id], sig) for id, sig in made.items()])
    except (ArchiveError, sqlite3.Error) as exc:
        return have, f"near-duplicate signatures not kept in the catalog ({exc})"
    return have, f"made near-duplicate signatures for {len(made)} article{'' if len(made) == 1 else 's'}"


def _save(archive: Archive, rules: int, rows: list[tuple[str, int, Signature]]) -> None:
    """Store signatures in one transaction; those of other rules versions go."""

    def work() -> None:
        db = archive.catalog.db
        with db:
            if _columns(db) not in ([], COLUMNS):
                db.execute("DROP TABLE signatures")
            db.execute(TABLE)
            db.execute("DELETE FROM signatures WHERE rules != ?", (rules,))
            db.execute(  # those of rows stored again since (their article has a new rowid)
                "DELETE FROM signatures WHERE NOT EXISTS "
                "(SELECT 1 FROM articles AS a WHERE a.id = signatures.id AND a.rowid = signatures.row)"
            )
            db.executemany(
                "INSERT OR REPLACE INTO signatures (id, rules, row, shingles, minhash, hashes) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(id, rules, row, sig.shingles, sig.minhash, sig.hashes) for id, row, sig in rows],
            )

    archive.catalog._call(work)
