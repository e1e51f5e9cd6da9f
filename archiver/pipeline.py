"""The recipe: raw files -> Document -> validated XML -> archive; and the archive's own checks."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from archiver.document.model import Document
from archiver.document.validate import errors_of, errors_of_bytes
from archiver.document.xmlio import serialize, to_element
from archiver.errors import ArchiverError, InputError, Problem
from archiver.ingest import archive_id, ingest_bytes
from archiver.store import Archive

MAX_BYTES = 64 * 2**20  # a raw article larger than this is a mistake (a video, a database dump)
BATCH = 256  # files read ahead of parsing; bounds the memory a large batch holds


@dataclass
class Outcome:
    """What happened to one input file."""

    path: str
    status: str  # new | new-version | unchanged | failed
    id: str | None = None
    title: str | None = None
    dialect: str | None = None
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None  # one line: "<code>: <message>"

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "status": self.status,
            "id": self.id,
            "title": self.title,
            "dialect": self.dialect,
            "problems": [{"code": p.code, "message": p.message} for p in self.problems],
            "error": self.error,
        }


def timestamp() -> str:
    """Now in UTC (or SOURCE_DATE_EPOCH, for reproducible builds), ISO 8601 with Z."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def input_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and the files inside folders named (recursively, sorted, hidden ones skipped)."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                rel = sub.relative_to(path).parts
                if sub.is_file() and not any(part.startswith(".") for part in rel):
                    yield sub
        else:
            yield path


def _read(archive: Archive, path: Path) -> bytes | Outcome:
    """The file's bytes, or the Outcome that ends its story here (unreadable, or already kept)."""
    try:
        if not path.is_file():
            kind = "a folder" if path.is_dir() else "not a regular file" if path.exists() else "missing"
            return Outcome(str(path), "failed", error=f"unreadable: {kind}")
        if path.stat().st_size > MAX_BYTES:
            return Outcome(
                str(path), "failed", error=f"too-large: over {MAX_BYTES >> 20} MiB, not an article"
            )
        data = path.read_bytes()
    except OSError as exc:
        return Outcome(str(path), "failed", error=f"unreadable: {exc.strerror or exc}")
    known = archive.known(archive_id(data))
    if known is not None:
        return Outcome(str(path), "unchanged", known.id, known.title, known.dialect)
    return data


@dataclass
class Parsed:
    """What parsing one file gave: the document and its XML, or why not."""

    document: Document | None
    xml: bytes
    problems: list[Problem]
    error: str | None = None


def parse(data: bytes, name: str, when: str, dialect: str | None) -> Parsed:
    """Bytes to validated canonical XML. Pure and picklable: runs in worker processes."""
    try:
        result = ingest_bytes(data, name, when, dialect)
    except InputError as exc:
        return Parsed(None, b"", [], f"{exc.code}: {exc.message}")
    try:
        root = to_element(result.document)
    except ValueError as exc:  # a character XML cannot hold slipped through hygiene: a bug, not a crash
        return Parsed(result.document, b"", result.problems, f"invalid-document: {exc}")
    invalid = errors_of(root)
    if invalid:
        return Parsed(result.document, b"", result.problems, f"invalid-document: {invalid[0]}")
    return Parsed(result.document, serialize(root), result.problems)


def _store(archive: Archive, path: Path, data: bytes, parsed: Parsed, strict: bool) -> Outcome:
    doc = parsed.document
    if doc is None:
        return Outcome(str(path), "failed", error=parsed.error)
    out = Outcome(str(path), "failed", doc.meta.archive_id, doc.meta.title.text, doc.provenance.dialect)
    out.problems = parsed.problems
    if parsed.error:
        out.error = parsed.error
    elif strict and parsed.problems:
        out.error = f"strict: {len(parsed.problems)} problem(s), not archived"
    else:
        try:
            out.status = archive.add(data, doc, parsed.xml).status
        except ArchiverError as exc:  # e.g. a full disk: report it against this file, go on
            out.error = f"archive: {exc}"
    return out


def ingest(
    archive: Archive,
    files: list[Path],
    dialect: str | None = None,
    strict: bool = False,
    progress: Callable[[Outcome], None] | None = None,
    jobs: int = 1,
) -> list[Outcome]:
    """Archive many files; one bad file never stops the batch.

    Parsing runs in `jobs` worker processes; reading, checking and storing stay in this one,
    so the catalog has a single writer.
    """
    when = timestamp()
    outcomes: list[Outcome] = []

    def done(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if progress:
            progress(outcome)

    pool = ProcessPoolExecutor(jobs) if jobs > 1 and len(files) > 1 else None
    try:
        for start in range(0, len(files), BATCH):
            todo: list[tuple[Path, bytes]] = []
            for path in files[start : start + BATCH]:
                read = _read(archive, path)
                if isinstance(read, Outcome):
                    done(read)
                else:
                    todo.append((path, read))
            args = (
                [d for _, d in todo],
                [p.name for p, _ in todo],
                [when] * len(todo),
                [dialect] * len(todo),
            )
            results = pool.map(parse, *args, chunksize=4) if pool else map(parse, *args)
            for (path, data), parsed in zip(todo, results, strict=True):
                done(_store(archive, path, data, parsed, strict))
    finally:
        if pool:
            pool.shutdown()
    return outcomes


def validate(archive: Archive, ids: list[str] | None = None) -> dict[str, list[str]]:
    """Schema and rule errors of each archived document (an empty list when valid)."""
    chosen = [archive.find(key) for key in ids] if ids else archive.entries(all_versions=True)
    report: dict[str, list[str]] = {}
    for entry in chosen:
        try:
            report[entry.id] = errors_of_bytes(archive.xml_bytes(entry.id), entry.id)
        except ArchiverError as exc:
            report[entry.id] = [str(exc)]
    return report


def verify(archive: Archive) -> dict[str, list[str]]:
    """Fixity: every original still has the SHA-256 its XML records, and both files exist."""
    report: dict[str, list[str]] = {}
    for entry in archive.entries(all_versions=True):
        issues = []
        original = archive.original_path(entry)
        if not original.exists():
            issues.append(f"original missing: {original}")
        elif hashlib.sha256(original.read_bytes()).hexdigest() != entry.sha256:
            issues.append(f"original changed: {original} no longer has SHA-256 {entry.sha256}")
        if not archive.xml_path(entry.id).exists():
            issues.append(f"XML missing: {archive.xml_path(entry.id)}")
        else:
            try:
                doc = archive.document(entry.id)
                if doc.provenance.sha256 != entry.sha256:
                    issues.append("XML records another checksum than the catalog")
            except ArchiverError as exc:
                issues.append(str(exc))
        report[entry.id] = issues
    return report
