"""The recipes: raw files -> Document -> validated XML -> archive; and the archive's own checks."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from archiver.errors import ArchiveError, ArchiverError, DocumentError, InputError, Problem
from archiver.executor import BudgetExceeded, runner, time_budget
from archiver.ingest.ids import archive_id
from archiver.store import Archive
from archiver.store.archive import Item, Stored
from archiver.store.catalog import Entry
from archiver.store.files import printable_name, read_all

if TYPE_CHECKING:  # loaded on first use: a re-ingest of unchanged files parses and stores nothing
    from concurrent.futures import Future, ThreadPoolExecutor

    from archiver.document.model import Document
    from archiver.ingest.assemble import Result

MAX_BYTES = 64 * 2**20  # a raw article larger than this is a mistake (a video, a database dump)
BATCH = 256  # files read ahead of parsing and stored in one group
BATCH_BYTES = 64 * 2**20  # and at most about this many bytes of them: the memory a batch holds
# Near the end, a batch holds at most a TAIL-th of the files left (but MIN_BATCH): the last
# batch is stored alone, after every worker has finished, so it is kept small; and each batch
# is still long enough to parse while the one before it is stored (storing takes about 0.7 of
# the time of parsing on two cores, so a batch may be 3/4 of the one before it).
TAIL = 4
MIN_BATCH = 16
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


def _read(path: Path, follow: bool) -> bytes | Outcome:
    """The file's bytes, or the Outcome that ends its story here (it cannot or may not be read).

    Plain `os` calls (open, fstat, read_all, close): a re-ingest reads every file, and a buffered
    file object cost twice the time of the reads themselves.
    """
    shown = printable_name(str(path))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | (0 if follow else os.O_NOFOLLOW))
    except FileNotFoundError:
        what = "a symbolic link to nothing" if os.path.islink(path) else "missing"
        return _failed(shown, "skipped" if os.path.islink(path) else "unreadable", what)
    except OSError as exc:
        if not follow and os.path.islink(path):  # O_NOFOLLOW refused it (ELOOP)
            return _failed(shown, "skipped", "a symbolic link; pass --follow-symlinks to read its target")
        return _failed(shown, "unreadable", exc.strerror or str(exc))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            return _failed(shown, "unreadable", "a folder")
        if not stat.S_ISREG(info.st_mode):
            return _failed(shown, "skipped", f"not a regular file ({_kind(info.st_mode)})")
        if info.st_size > MAX_BYTES:
            return _failed(shown, "too-large", f"over {MAX_BYTES >> 20} MiB, not an article")
        return read_all(fd, info.st_size)
    except OSError as exc:
        return _failed(shown, "unreadable", exc.strerror or str(exc))
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    kinds = {stat.S_ISFIFO: "a FIFO", stat.S_ISSOCK: "a socket", stat.S_ISCHR: "a character device"}
    return next((name for test, name in kinds.items() if test(mode)), "a device")


@dataclass
class Parsed:
    """What parsing one file gave: its XML and catalog row, or the problem that stopped it.

    `entry` (version 0: the writer numbers versions) and `search` are what the catalog needs, so
    that workers send back plain data, not the document; `document` is kept only when asked.
    """

    document: Document | None
    xml: bytes
    problems: list[Problem]
    failure: Problem | None = None
    entry: Entry | None = None
    search: str = ""


def parse(
    data: bytes, name: str, when: str, dialect: str | None, budget: float = TIME_BUDGET, keep: bool = False
) -> Parsed:
    """Bytes to validated canonical XML. Pure and picklable: runs in worker processes.

    Every exception becomes this file's problem; nothing that goes wrong here stops a batch.
    With `keep`, the result holds the Document too (repair wants it; workers send less without).
    """
    try:
        with time_budget(budget):
            parsed = _parse(data, name, when, dialect)
    except InputError as exc:
        return Parsed(None, b"", [], Problem(exc.code, exc.message, name))
    except BudgetExceeded as exc:
        return Parsed(None, b"", [], Problem("time-budget", f"parsing stopped: {exc}", name))
    except RecursionError:
        return Parsed(None, b"", [], Problem("too-complex", "nests too deeply to parse", name))
    except Exception as exc:  # a bug in a reader: report it against this file, go on
        message = f"{type(exc).__name__}: {str(exc)[:200]}"
        return Parsed(None, b"", [], Problem("internal-error", message, name))
    if not keep:
        parsed.document = None
    return parsed


def ingest_bytes(data: bytes, name: str, when: str, dialect: str | None = None) -> Result:
    """archiver.ingest's ingest_bytes, imported on first use."""
    from archiver.ingest.assemble import ingest_bytes as read

    return read(data, name, when, dialect)


def prepare() -> None:
    """Load what parsing needs (readers, schemas, the language model) into this process.

    Local worker processes are forked from this one: what is loaded here before the first batch
    is loaded once, not once per worker. What only some articles need is left to the workers
    that meet them: ftfy, for mojibake (0.04 s), loaded here would cost every run that time
    before any worker starts, and a worker that needs it loads it alongside the others' work.
    wordfreq's lists, for line-end hyphens, are mapped from the cache folder when needed
    (archiver.ingest.wordlists).
    """
    import archiver.ingest.assemble  # noqa: F401  (the readers)
    from archiver.document.validate import _relaxng, _schematron
    from archiver.ingest import language

    language.detect("")
    _relaxng(), _schematron()


def _parse(data: bytes, name: str, when: str, dialect: str | None) -> Parsed:
    from archiver.document.validate import errors_of
    from archiver.document.xmlio import from_bytes, serialize, to_element
    from archiver.store.catalog import entry_of, search_text

    result = ingest_bytes(data, name, when, dialect)
    doc = result.document
    entry = entry_of(doc, 0)
    root = to_element(doc)
    invalid = errors_of(root)
    if invalid:
        failure = Problem("invalid-document", invalid[0], name)
        return Parsed(doc, b"", result.problems, failure, entry)
    xml = serialize(root)
    try:
        from_bytes(xml, name)  # what the archive stores, its own reader must read back
    except DocumentError as exc:
        return Parsed(doc, b"", result.problems, Problem("too-complex", str(exc)[:300], name), entry)
    return Parsed(doc, xml, result.problems, None, entry, search_text(doc))


def crashed(data: bytes, name: str, *rest: object) -> Parsed:
    """The Parsed of a file whose worker process died (out of memory, or a crash in C code)."""
    return Parsed(None, b"", [], Problem("internal-error", "the worker process died parsing it", name))


def _verdict(shown: str, parsed: Parsed, strict: bool) -> Outcome:
    """The outcome of a parsed file before storing: failed, or "new" if the archive takes it."""
    entry = parsed.entry
    if entry is None:
        return Outcome(shown, "failed", problems=parsed.problems, failure=_at(parsed.failure, shown))
    out = Outcome(shown, "new", entry.id, entry.title, entry.dialect)
    out.problems = [_at(p, shown) for p in parsed.problems]
    if parsed.failure:
        out.status, out.failure = "failed", _at(parsed.failure, shown)
    elif strict and parsed.problems:
        out.status = "failed"
        out.failure = Problem("strict", f"{len(parsed.problems)} problem(s), not archived", shown)
    return out


def _at(problem: Problem | None, shown: str) -> Problem:
    """The problem, said of the file as the user named it."""
    assert problem is not None
    return Problem(problem.code, problem.message, shown, problem.line)


Stage = Callable[[str, int, int], None]  # (stage: "read", "parse" or "store"; files done; files in all)


def ingest(
    archive: Archive,
    files: list[Path],
    dialect: str | None = None,
    strict: bool = False,
    progress: Callable[[Outcome], None] | None = None,
    jobs: int = 1,
    follow_symlinks: bool = False,
    budget: float = TIME_BUDGET,
    on_stage: Stage | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> list[Outcome]:
    """Archive many files; one bad file never stops the batch.

    Files are read in batches (at most BATCH files, BATCH_BYTES bytes: what memory holds at a
    time); those already archived are found with one catalog query per batch. Parsing runs on
    the named executor (`jobs` local workers, 0: one per core); storing stays in this process,
    so the catalog has a single writer, and each batch is stored under the archive lock in one
    group (`Archive.add_many`). `progress(outcome)` hears of each file when its story ends;
    `on_stage(stage, done, total)` counts files past "read", "parse" and "store" (a file that
    ends early counts as past the later stages too, so each count reaches `total`).
    """
    when = timestamp()
    outcomes: list[Outcome] = []
    passed = dict.fromkeys(("read", "parse", "store"), 0)

    def advance(stages: tuple[str, ...], n: int) -> None:
        for name in stages:
            passed[name] += n
            if on_stage and n:
                on_stage(name, passed[name], len(files))

    def done(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if progress:
            progress(outcome)

    work = runner(parse, crashed, jobs, executor, scheduler)
    prepared = False
    parsed: tuple[list[tuple[str, bytes]], list[Parsed]] | None = None  # a batch waiting to be stored
    storing: Future[list[Outcome]] | None = None
    writer: ThreadPoolExecutor | None = None

    def store(batch: tuple[list[tuple[str, bytes]], list[Parsed]]) -> Future[list[Outcome]]:
        nonlocal writer
        if writer is None:  # the store thread starts with the first batch to store
            from concurrent.futures import ThreadPoolExecutor

            writer = ThreadPoolExecutor(1, thread_name_prefix="archiver-store")
        return writer.submit(_store_batch, archive, *batch, strict)

    def stored() -> None:  # the batch being stored is: its outcomes, told in this thread
        nonlocal storing
        if storing is not None:
            outs, storing = storing.result(), None
            for out in outs:
                done(out)
            advance(("store",), len(outs))

    try:
        for batch in _batches(files, follow_symlinks):
            todo = _sort_out(archive, batch, done)  # the catalog is asked while nothing is stored
            advance(("read",), len(batch))
            advance(("parse", "store"), len(batch) - len(todo))
            if parsed is not None:  # the previous batch is stored while this one is parsed
                storing = store(parsed)
                parsed = None
            calls = [(data, Path(shown).name, when, dialect, budget) for shown, data in todo]
            if calls and not prepared and executor == "local":
                prepare()
                prepared = True
            results = work.map(calls) if calls else []
            advance(("parse",), len(todo))
            stored()
            parsed = (todo, results) if todo else None
        if parsed is not None:
            storing = store(parsed)
        stored()
    finally:
        try:
            stored()  # interrupted: the batch being stored is finished and told
        finally:
            if writer is not None:
                writer.shutdown()
            work.close()
    return outcomes


def _batches(files: list[Path], follow: bool) -> Iterator[list[tuple[Path, bytes | Outcome]]]:
    """Files read in order, in batches of at most BATCH files and about BATCH_BYTES bytes; near
    the end, at most a TAIL-th of the files left (at least MIN_BATCH)."""
    batch: list[tuple[Path, bytes | Outcome]] = []
    size = 0
    limit = _limit(len(files))
    for i, path in enumerate(files):
        read = _read(path, follow)
        batch.append((path, read))
        size += len(read) if isinstance(read, bytes) else 0
        if len(batch) >= limit or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
            limit = _limit(len(files) - i - 1)
    if batch:
        yield batch


def _limit(left: int) -> int:
    """The number of files the next batch may hold when `left` files are still to be read."""
    return min(BATCH, max(MIN_BATCH, left // TAIL))


def _sort_out(
    archive: Archive, batch: list[tuple[Path, bytes | Outcome]], done: Callable[[Outcome], None]
) -> list[tuple[str, bytes]]:
    """The files of a batch that need parsing; the others' outcomes (unreadable, unchanged) go to `done`."""
    ids = {path: archive_id(read) for path, read in batch if isinstance(read, bytes)}
    try:
        known = archive.known_many(ids.values())
    except ArchiverError:  # a catalog that cannot be asked now: the writer will say so, per file
        known = {}
    todo: list[tuple[str, bytes]] = []
    for path, read in batch:
        shown = printable_name(str(path))
        if isinstance(read, Outcome):
            done(read)
        elif ids[path] in known:
            entry = known[ids[path]]
            done(Outcome(shown, "unchanged", entry.id, entry.title, entry.dialect))
        else:
            todo.append((shown, read))
    return todo


def _store_batch(
    archive: Archive, todo: list[tuple[str, bytes]], results: list[Parsed], strict: bool
) -> list[Outcome]:
    """Store one batch under the archive lock; when the archive cannot be had, each file says so.

    Runs in the store thread while the next batch is parsed: it tells nothing, it returns the
    outcomes, in the order of the files.
    """
    verdicts = [_verdict(shown, parsed, strict) for (shown, _), parsed in zip(todo, results, strict=True)]
    chosen = [i for i, out in enumerate(verdicts) if out.status != "failed"]
    items = [_item(todo[i][1], results[i]) for i in chosen]
    stored: list[Stored | ArchiverError]
    try:
        stored = [*archive.add_many(items)] if items else []
    except ArchiverError as exc:  # the lock, or a locked catalog: nothing of this batch is stored
        stored = [ArchiveError(str(exc))] * len(items)
    except Exception as exc:  # a bug in the store: these files fail, the next batch is tried
        stored = [InternalError(f"{type(exc).__name__}: {str(exc)[:200]}")] * len(items)
    for i, result in zip(chosen, stored, strict=True):
        out = verdicts[i]
        if isinstance(result, Stored):
            out.status = result.status
        else:
            out.status = "failed"
            code = "internal-error" if isinstance(result, InternalError) else "archive"
            out.failure = Problem(code, str(result), out.path)
    return verdicts


def _item(data: bytes, parsed: Parsed) -> Item:
    assert parsed.entry is not None  # _verdict failed the file otherwise
    return Item(data, parsed.xml, parsed.entry, parsed.search)


class InternalError(ArchiverError):
    """A bug met while storing; the files it concerns fail with internal-error."""


def validate(archive: Archive, ids: list[str] | None = None) -> dict[str, list[str]]:
    """Schema and rule errors of each archived document (an empty list when valid)."""
    from archiver.document.validate import errors_of_bytes

    chosen = [archive.find(key) for key in ids] if ids else archive.entries(all_versions=True)
    report: dict[str, list[str]] = {}
    for entry in chosen:
        try:
            report[entry.id] = errors_of_bytes(archive.xml_bytes(entry.id), entry.id)
        except ArchiverError as exc:
            report[entry.id] = [str(exc)]
    return report
