"""The export recipes: a selection becomes editions on disk; build runs ingest, validate, export."""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from archiver.document.model import Document
from archiver.errors import (
    ArchiveError,
    ArchiverError,
    DocumentError,
    ExitCode,
    NotFoundError,
    Problem,
    UnknownName,
    UsageError,
)
from archiver.export import EXPORTERS, Exporter, exporter, labels, records
from archiver.export.cache import (
    FOLDER,
    Context,
    RenderCache,
    StageProgress,
    key,
    package_files,
    styles_digest,
)
from archiver.export.edition import GROUPINGS, Edition, file_stem, gather, slug
from archiver.export.frame import Frame, frame
from archiver.export.options import parse
from archiver.export.vouched import StatIndex
from archiver.store import Archive, Selection
from archiver.store.catalog import Entry
from archiver.store.files import write_atomic

if TYPE_CHECKING:  # ingest's modules load only for build: an export starts faster without them
    from archiver import pipeline


@dataclass(frozen=True)
class ExportJob:
    """A checked export request: the format, its options, and how the edition is made."""

    exporter: Exporter
    options: Any  # an instance of exporter.Options
    grouping: str = "month"
    title: str | None = None
    each: bool = False  # one file per article instead of one edition
    cache: bool = True  # keep and reuse per-article renderings in the archive's cache folder
    jobs: int = 0  # worker processes for work that splits; 0 = one per core
    executor: str = "local"
    scheduler: str | None = None
    include_duplicates: bool = False  # an edition keeps near-duplicates (by default only the primary)


def export_job(
    fmt: str,
    options: Sequence[str] = (),
    grouping: str = "month",
    title: str | None = None,
    each: bool = False,
    cache: bool = True,
    jobs: int = 0,
    executor: str = "local",
    scheduler: str | None = None,
    include_duplicates: bool = False,
) -> ExportJob:
    """Check a request before anything is read: an unknown format, grouping or option is exit code 2."""
    found = exporter(fmt)
    if grouping not in GROUPINGS:
        raise UnknownName("grouping", grouping, GROUPINGS)
    if executor != "local" or scheduler:  # the local executor needs no check (nor its module)
        from archiver.executor import check_executor

        check_executor(executor, scheduler)
    opts = parse(found.Options, options, found.name)
    return ExportJob(found, opts, grouping, title, each, cache, jobs, executor, scheduler, include_duplicates)


def export_jobs(formats: Sequence[str], options: Sequence[str] = (), **how: Any) -> list[ExportJob]:
    """One checked job per format, for one run: each format takes the -O options it knows.

    An option no format knows goes to the first that has options, which names it as unknown
    and lists its own (exit code 2).
    """
    found = [exporter(fmt) for fmt in formats]
    known = [{f.name for f in fields(e.Options)} for e in found]
    told = next((i for i, names in enumerate(known) if names), 0)
    jobs = []
    for i, fmt in enumerate(formats):
        mine = [o for o in options if o.split("=", 1)[0].strip() in known[i]]
        if i == told:
            mine += [o for o in options if not any(o.split("=", 1)[0].strip() in k for k in known)]
        jobs.append(export_job(fmt, mine, **how))
    return jobs


@dataclass
class Exported:
    """What an export wrote, and the problems it found on the way (none stopped it)."""

    paths: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    articles: int = 0  # articles exported
    cached: int = 0  # renderings taken from the render cache
    rendered: int = 0  # renderings made (and kept in the cache, when it is on)
    left_out: int = 0  # selected articles that could not be read
    duplicates: dict[str, str] = field(default_factory=dict)  # near-duplicates left out -> the copy kept


def export(
    archive: Archive,
    job: ExportJob,
    selection: Selection,
    out: Path | None = None,
    on_stage: StageProgress | None = None,
    leave_out: frozenset[str] = frozenset(),
    also: Sequence[ExportJob] = (),
) -> Exported:
    """Write one edition (or, with job.each, one file per article) of the selected articles.

    `on_stage(stage, done, total)` hears of long work: "read", "typeset", the format's own
    stages (the PDF's "render" and "assemble") and, for one file per article, "write". A
    document that cannot be read is left out with an "invalid-document" problem (and so are
    the ids in `leave_out`, known to be invalid); the others are exported.

    `also` are more formats of the same selection, made from the same frame in the same run
    (their options differ; the rest of the job is `job`'s): printed formats go first, so that
    an EPUB can mark the pages of the PDF beside it. Each format's files then go to a folder
    of their own under `out` for one file per article; an edition's files sit side by side.
    """
    entries = [e for e in selection.entries(archive) if e.id not in leave_out]
    if not entries:
        raise NotFoundError("no article matches the selection")
    duplicates = {} if job.each or job.include_duplicates else _near_duplicates(archive, entries)
    entries = [e for e in entries if e.id not in duplicates]
    cache = RenderCache(archive.root / FOLDER) if job.cache else None
    if cache is not None:
        labels.recall(cache.recorded(WORDS, key(WORDS, styles_digest())))
    context = Context(cache, job.jobs, job.executor, job.scheduler, on_stage, xml=archive.xml_bytes)
    for one in [job, *also]:
        one.exporter.prepare(one.options, context, [e.id for e in entries])  # the PDF loads its renderer
    docs, unread = [], []
    index = StatIndex(cache, str(archive.docs_dir)) if cache is not None else None
    with _collector_paused():
        for i, entry in enumerate(entries, start=1):
            try:
                docs.append(_load(archive, entry.id, cache, index))
            except (DocumentError, ArchiveError) as exc:
                unread.append(Problem("invalid-document", f"{exc}; left out of the export", entry.id))
            if i % 100 == 0 or i == len(entries):
                context.stage("read", i, len(entries))
    if index is not None:
        index.save()
    if not docs:
        raise DocumentError(f"no selected article could be read ({unread[0].message})")
    jobs = sorted([job, *also], key=lambda j: not j.exporter.prints)
    editions = [gather([d], "none") for d in docs] if job.each else [gather(docs, job.grouping, job.title)]
    done = Exported(articles=len(docs), problems=unread, left_out=len(unread), duplicates=duplicates)
    for ed in editions:
        parts = frame(ed, context)
        for one in jobs:
            path = _target(one, ed, out, len(jobs) > 1)
            done.problems += _write_one(one, parts, path)
            done.paths.append(path)
        if job.each:
            context.stage("write", len(done.paths) // len(jobs), len(editions))
    if cache is not None:
        done.cached, done.rendered = cache.hits, cache.misses
        words = labels.learned()
        if words is not None:
            cache.put(WORDS, key(WORDS, styles_digest()), words)
    return done


WORDS = "words"  # the render cache's record of dates in words (labels.recall), under babel's version


def _near_duplicates(archive: Archive, entries: list[Entry]) -> dict[str, str]:
    """The selected articles an edition leaves out as near-duplicates of another selected one."""
    if len(entries) < 2:
        return {}
    from archiver import near

    clusters, _ = near.find(archive, wait=0)  # an export waits for no writer: signatures kept next time
    return near.left_out(clusters, (e.id for e in entries))


def _target(job: ExportJob, ed: Edition, out: Path | None, several: bool) -> Path:
    """Where a format's file of an edition goes: `out` as a file, or a file named in a folder."""
    suffix = job.exporter.suffix
    if len(ed.documents) > 1:  # NITF's edition is a zip of one file per article
        suffix = job.exporter.edition_suffix or suffix
    if job.each:
        folder = (out / job.exporter.name if several else out) if out else Path("dist") / job.exporter.name
        return folder / f"{file_stem(ed.documents[0])}{suffix}"
    target = out or Path("dist")
    if target.suffix and several:
        raise UsageError(f"{target}: with several formats, -o names a folder")
    if target.suffix == suffix:
        return target
    if target.suffix.lower() in _file_suffixes() and not target.is_dir():
        raise UsageError(f"{target}: {job.exporter.name} editions are {suffix} files; name one, or a folder")
    return target / f"{slug(ed.title)}{suffix}"


@cache
def _file_suffixes() -> frozenset[str]:
    """Suffixes that name a file, not a folder: every format's, and a few a user may mistype."""
    formats = [exporter(name) for name in EXPORTERS]
    return frozenset({".json", ".txt", ".html", ".htm", ".md"}).union(
        *({f.suffix, f.edition_suffix or f.suffix} for f in formats)
    )


def _load(archive: Archive, id: str, cache: RenderCache | None, index: StatIndex | None) -> Document:
    """An archived document; its XML's checksum goes into the cache's digests.

    With a cache, a document whose exact XML was parsed before is read from its record there
    (equal to parsing, several times cheaper), and a parsed one is recorded for next time. The
    XML's checksum comes from the stat index (export.vouched) when the file's stat is the one
    recorded with it; otherwise the file is read and hashed.
    """
    if cache is None or index is None:
        return from_bytes(archive.xml_bytes(id), str(archive.xml_path(id)))
    vouched = index.digest(id)
    if vouched is not None and (doc := records.load(cache, vouched)) is not None:
        cache.digests[id] = vouched
        return doc
    try:
        data, digest = index.read(id)
    except OSError as exc:
        raise ArchiveError(f"{archive.xml_path(id)}: cannot read: {exc.strerror}") from exc
    cache.digests[id] = digest
    doc = records.load(cache, digest) if digest != vouched else None  # that record was just missed
    if doc is None:
        doc = from_bytes(data, str(archive.xml_path(id)))
        records.keep(cache, digest, doc)
    return doc


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while documents load: they hold no cycles, and each of its
    passes would walk every object loaded so far (a thousand documents are ~45,000 objects)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def from_bytes(data: bytes, name: str) -> Document:
    """A document parsed from its canonical XML (xmlio loaded on first use: a warm export parses none)."""
    from archiver.document.xmlio import from_bytes as parse

    return parse(data, name)


def _write_one(job: ExportJob, parts: Frame, path: Path) -> list[Problem]:
    problems = job.exporter.preflight(parts)
    _write(path, _rendered(job, parts))
    return problems


def _rendered(job: ExportJob, parts: Frame) -> bytes:
    """The file's bytes; one article's own file (--each, build) comes whole from the render cache.

    What the format leaves for the others of the run (a PDF's page starts) is kept beside it, and
    is part of the key of the formats that use it, so a file from the cache is the file a fresh
    render would make.
    """
    cache = parts.context.cache
    docs = parts.edition.documents
    name = None
    if cache is not None and job.each and len(docs) == 1:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")  # dates inside the file follow it
        printed = repr(parts.context.printed.get(parts.edition.identifier))
        name = cache.article_key(
            docs[0].meta.archive_id, "file", job.exporter.name, repr(job.options), epoch, printed
        )
    if cache is None or name is None:
        return job.exporter.render(parts, job.options)
    kind = f"{job.exporter.name}-file"
    if not job.exporter.prints:
        return cache.fetch(kind, name, lambda: job.exporter.render(parts, job.options))
    from archiver.export import page_list  # a printed format's page starts

    left = cache.checked(f"{kind}-printed", name, lambda: b"")  # read without counting; b"": none kept
    data = cache.get(kind, name) if left else None
    if data is None:
        cache.misses += 1
        data = job.exporter.render(parts, job.options)
        cache.put(kind, name, data)
        cache.put(f"{kind}-printed", name, page_list.dumps(parts.context.printed[parts.edition.identifier]))
    else:
        parts.context.printed[parts.edition.identifier] = page_list.loads(left)
    return data


def _write(path: Path, data: bytes) -> Path:
    """Write an export atomically; a failure is one clear error naming the path."""
    from archiver.export import ExportError

    try:
        write_atomic(path, data)
    except OSError as exc:
        raise ExportError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    return path


@dataclass
class BuildReport:
    """What `build` did: every input's outcome, invalid documents, files written, export problems."""

    outcomes: list[pipeline.Outcome]
    invalid: dict[str, list[str]]
    written: list[Path]
    problems: list[Problem]
    duplicates: dict[str, str] = field(default_factory=dict)  # left out of the editions -> the copy kept

    @property
    def failed(self) -> int:
        return sum(o.status == "failed" for o in self.outcomes)

    @property
    def exit_code(self) -> ExitCode:
        """INVALID before INPUT_FAILED: a damaged archive matters more than one bad input."""
        if self.invalid:
            return ExitCode.INVALID
        return ExitCode.INPUT_FAILED if self.failed else ExitCode.OK


def build(
    archive: Archive,
    sources: Iterable[str | Path],
    out: Path,
    progress: Callable[[pipeline.Outcome], None] | None = None,
    on_stage: StageProgress | None = None,
    jobs: int = 0,
    cache: bool = True,
    executor: str = "local",
    scheduler: str | None = None,
    include_duplicates: bool = False,
) -> BuildReport:
    """The main job: ingest sources, validate the archive, export every format (edition and each article).

    `on_stage` hears of every stage, the export stages named after what they make ("edition render",
    "articles typeset").
    """
    from archiver import pipeline

    files = pipeline.input_files(sources).files
    outcomes = pipeline.ingest(
        archive,
        files,
        progress=progress,
        on_stage=on_stage,
        jobs=jobs,
        executor=executor,
        scheduler=scheduler,
    )
    invalid = _invalid(archive, RenderCache(archive.root / FOLDER) if cache else None)
    written: list[Path] = []
    problems: dict[Problem, None] = {}  # the edition and the single articles find the same problems
    duplicates: dict[str, str] = {}  # every format's edition leaves out the same ones
    for each, name in ((False, "edition"), (True, "articles")):
        first, *more = [
            export_job(
                fmt,
                each=each,
                cache=cache,
                jobs=jobs,
                executor=executor,
                scheduler=scheduler,
                include_duplicates=include_duplicates,
            )
            for fmt in EXPORTERS
        ]  # one run for every format, so that the EPUB marks the PDF's pages
        try:
            done = export(
                archive, first, Selection(), out, _prefixed(name, on_stage), frozenset(invalid), also=more
            )
        except NotFoundError:
            if invalid:  # every archived document is invalid: they are the report
                break
            raise
        written += done.paths
        problems.update(dict.fromkeys(done.problems))
        duplicates.update(done.duplicates)
    return BuildReport(outcomes, invalid, written, list(problems), duplicates)


def _prefixed(prefix: str, on_stage: StageProgress | None) -> StageProgress | None:
    """The stage callback with every stage name prefixed ("render" -> "edition render")."""
    if on_stage is None:
        return None
    return lambda stage, done, total: on_stage(f"{prefix} {stage}", done, total)


def _invalid(archive: Archive, cache: RenderCache | None) -> dict[str, list[str]]:
    """The archived documents that fail validation, with their errors.

    With a cache, a document whose exact XML passed the same schema and rules before is not
    validated again (its pass is recorded in the cache under the XML's and the schema's hashes).
    """
    from archiver import pipeline
    from archiver.document.validate import errors_of_bytes

    if cache is None:
        return {k: v for k, v in pipeline.validate(archive).items() if v}
    schema = _schema_digest()
    invalid: dict[str, list[str]] = {}
    for entry in archive.entries(all_versions=True):
        try:
            data = archive.xml_bytes(entry.id)
        except ArchiverError as exc:
            invalid[entry.id] = [str(exc)]
            continue
        passed = key("valid", schema, hashlib.sha256(data).hexdigest())
        if cache.passed("valid", passed):
            continue
        errors = errors_of_bytes(data, entry.id)
        if errors:
            invalid[entry.id] = errors
        else:
            cache.record_pass("valid", passed)
    return invalid


def _schema_digest() -> str:
    """One hash of the RELAX NG grammar and the Schematron rules."""
    return key(*package_files("archiver.document", "schema"))
