"""The recipes: raw files -> Document -> validated XML -> archive; and the archive's own checks."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from archiver.document.model import Document
from archiver.document.validate import errors_of, errors_of_bytes
from archiver.document.xmlio import from_bytes, serialize, to_element
from archiver.errors import ArchiverError, DocumentError, InputError, Problem
from archiver.executor import BudgetExceeded, Runner, time_budget
from archiver.executor import runner as make_runner
from archiver.ingest import archive_id, ingest_bytes
from archiver.store import Archive
from archiver.store.files import printable_name

MAX_BYTES = 64 * 2**20  # a raw article larger than this is a mistake (a video, a database dump)
BATCH = 256  # files read ahead of parsing; bounds the memory a large batch holds
TIME_BUDGET = 120.0  # seconds one file may take to parse; a 64 MiB honest file takes far less
Status = Literal["new", "new-version", "unchanged", "failed"]


@dataclass
class Outcome:
    """What happened to one input file: its status, and the problems met (data, not strings)."""

    path: str  # printable: undecodable bytes of the name written as \\xNN
    status: Status
    id: str | None = None
    title: str | None = None
    dialect: str | None = None
    problems: list[Problem] = field(default_factory=list)
    failure: Problem | None = None  # why it was not archived

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "status": self.status,
            "id": self.id,
            "title": self.title,
            "dialect": self.dialect,
            "problems": [p.as_dict() for p in self.problems],
            "error": self.failure.as_dict() if self.failure else None,
        }


def _failed(path: str, code: str, message: str) -> Outcome:
    return Outcome(path, "failed", failure=Problem(code, message, path))


def timestamp() -> str:
    """Now in UTC (or SOURCE_DATE_EPOCH, for reproducible builds), ISO 8601 with Z."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Inputs:
    """The files to ingest, and what was left out on the way there."""

    files: list[Path] = field(default_factory=list)
    hidden: int = 0  # dot-files and dot-folders inside folders, left out on purpose


def input_files(paths: Iterable[str | Path], follow_symlinks: bool = False) -> Inputs:
    """Files named, and the files inside folders named (recursively, sorted, hidden ones left out).

    Everything else inside a folder (links, FIFOs, devices) is listed too, so that reading it
    reports why it was not archived; nothing is skipped silently.
    """
    found = Inputs()
    for raw in paths:
        path = Path(raw)
        if path.is_dir() and (follow_symlinks or not path.is_symlink()):
            found.files += _walk(path, follow_symlinks, found)
        else:
            found.files.append(path)
    return found


def _walk(top: Path, follow: bool, found: Inputs) -> Iterator[Path]:
    seen: set[tuple[int, int]] = set()
    for folder, dirs, names in os.walk(top, followlinks=follow):
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in seen:  # a link loop: each real folder is read once
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        found.hidden += sum(n.startswith(".") for n in names + dirs)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(folder)
        links = [d for d in dirs if not follow and (base / d).is_symlink()]
        for name in sorted([n for n in names if not n.startswith(".")] + links):
            yield base / name


def _read(archive: Archive, path: Path, follow: bool) -> bytes | Outcome:
    """The file's bytes, or the Outcome that ends its story here (unreadable, or already kept)."""
    shown = printable_name(str(path))
    try:
        if os.path.islink(path) and not follow:
            return _failed(shown, "skipped", "a symbolic link; pass --follow-symlinks to read its target")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW))
    except FileNotFoundError:
        what = "a symbolic link to nothing" if os.path.islink(path) else "missing"
        return _failed(shown, "skipped" if os.path.islink(path) else "unreadable", what)
    except OSError as exc:
        return _failed(shown, "unreadable", exc.strerror or str(exc))
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            return _failed(shown, "unreadable", "a folder")
        if not stat.S_ISREG(info.st_mode):
            return _failed(shown, "skipped", f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > MAX_BYTES:
            return _failed(shown, "too-large", f"over {MAX_BYTES >> 20} MiB, not an article")
        try:
            data = fh.read()
        except OSError as exc:
            return _failed(shown, "unreadable", exc.strerror or str(exc))
    known = archive.known(archive_id(data))
    if known is not None:
        return Outcome(shown, "unchanged", known.id, known.title, known.dialect)
    return data


def _kind(mode: int) -> str:
    kinds = {stat.S_ISFIFO: "a FIFO", stat.S_ISSOCK: "a socket", stat.S_ISCHR: "a character device"}
    return next((name for test, name in kinds.items() if test(mode)), "a device")


@dataclass
class Parsed:
    """What parsing one file gave: the document and its XML, or the problem that stopped it."""

    document: Document | None
    xml: bytes
    problems: list[Problem]
    failure: Problem | None = None


def parse(data: bytes, name: str, when: str, dialect: str | None, budget: float = TIME_BUDGET) -> Parsed:
    """Bytes to validated canonical XML. Pure and picklable: runs in worker processes.

    Every exception becomes this file's problem; nothing that goes wrong here stops a batch.
    """
    try:
        with time_budget(budget):
            return _parse(data, name, when, dialect)
    except InputError as exc:
        return Parsed(None, b"", [], Problem(exc.code, exc.message, name))
    except BudgetExceeded as exc:
        return Parsed(None, b"", [], Problem("time-budget", f"parsing stopped: {exc}", name))
    except RecursionError:
        return Parsed(None, b"", [], Problem("too-complex", "nests too deeply to parse", name))
    except Exception as exc:  # a bug in a reader: report it against this file, go on
        message = f"{type(exc).__name__}: {str(exc)[:200]}"
        return Parsed(None, b"", [], Problem("internal-error", message, name))


def _parse(data: bytes, name: str, when: str, dialect: str | None) -> Parsed:
    result = ingest_bytes(data, name, when, dialect)
    root = to_element(result.document)
    invalid = errors_of(root)
    if invalid:
        failure = Problem("invalid-document", invalid[0], name)
        return Parsed(result.document, b"", result.problems, failure)
    xml = serialize(root)
    try:
        from_bytes(xml, name)  # what the archive stores, its own reader must read back
    except DocumentError as exc:
        return Parsed(result.document, b"", result.problems, Problem("too-complex", str(exc)[:300], name))
    return Parsed(result.document, xml, result.problems)


def crashed(data: bytes, name: str, *rest: object) -> Parsed:
    """The Parsed of a file whose worker process died (out of memory, or a crash in C code)."""
    return Parsed(None, b"", [], Problem("internal-error", "the worker process died parsing it", name))


def _store(archive: Archive, shown: str, data: bytes, parsed: Parsed, strict: bool) -> Outcome:
    doc = parsed.document
    if doc is None:
        return Outcome(shown, "failed", problems=parsed.problems, failure=_at(parsed.failure, shown))
    out = Outcome(shown, "failed", doc.meta.archive_id, doc.meta.title.text, doc.provenance.dialect)
    out.problems = [_at(p, shown) for p in parsed.problems]
    if parsed.failure:
        out.failure = _at(parsed.failure, shown)
    elif strict and parsed.problems:
        out.failure = Problem("strict", f"{len(parsed.problems)} problem(s), not archived", shown)
    else:
        try:
            out.status = archive.add(data, doc, parsed.xml).status
        except ArchiverError as exc:  # a full disk, a locked catalog: this file fails, the batch goes on
            out.failure = Problem("archive", str(exc), shown)
        except Exception as exc:
            out.failure = Problem("internal-error", f"{type(exc).__name__}: {str(exc)[:200]}", shown)
    return out


def _at(problem: Problem | None, shown: str) -> Problem:
    """The problem, said of the file as the user named it."""
    assert problem is not None
    return Problem(problem.code, problem.message, shown, problem.line)


def ingest(
    archive: Archive,
    files: list[Path],
    dialect: str | None = None,
    strict: bool = False,
    progress: Callable[[Outcome], None] | None = None,
    jobs: int = 1,
    follow_symlinks: bool = False,
    budget: float = TIME_BUDGET,
    on_stage: Callable[[str, int, int], None] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> list[Outcome]:
    """Archive many files; one bad file never stops the batch.

    Parsing runs in `jobs` worker processes (0: one per core); reading, checking and storing stay
    in this one, so the catalog has a single writer. Each batch is stored under the archive lock.
    """
    when = timestamp()
    outcomes: list[Outcome] = []

    def done(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if progress:
            progress(outcome)
        if on_stage:
            on_stage("ingest", len(outcomes), len(files))

    runner: Runner[Parsed] = make_runner(parse, crashed, jobs, executor, scheduler)
    try:
        for start in range(0, len(files), BATCH):
            todo: list[tuple[str, bytes]] = []
            for path in files[start : start + BATCH]:
                read = _read(archive, path, follow_symlinks)
                if isinstance(read, Outcome):
                    done(read)
                else:
                    todo.append((printable_name(str(path)), read))
            calls = [(data, Path(shown).name, when, dialect, budget) for shown, data in todo]
            results = runner.map(calls)
            _store_batch(archive, todo, results, strict, done)
    finally:
        runner.close()
    return outcomes


def _store_batch(
    archive: Archive,
    todo: list[tuple[str, bytes]],
    results: list[Parsed],
    strict: bool,
    done: Callable[[Outcome], None],
) -> None:
    """Store one batch under the archive lock; when the archive cannot be had, each file says so."""
    left = list(zip(todo, results, strict=True))
    try:
        with archive.writing():
            while left:
                (shown, data), parsed = left.pop(0)
                outcome = _store(archive, shown, data, parsed, strict)
                done(outcome)
                failure = outcome.failure
                if failure and failure.code == "archive" and "locked" in failure.message:
                    raise ArchiveLocked(failure.message)  # the rest would wait as long, in vain
    except ArchiverError as exc:  # the lock, or a locked catalog: nothing more of this batch is stored
        for (shown, _), _parsed in left:
            done(_failed(shown, "archive", str(exc)))


class ArchiveLocked(ArchiverError):
    """Another process holds the catalog; the rest of a batch is not tried."""


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
