"""The typer command line: parse options, call the library, print, map errors to exit codes."""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from archiver import __version__
from archiver.errors import ArchiveError, ArchiverError, ExitCode

EXIT_CODES = """Exit codes: 0 ok; 1 an input failed (or had problems, with --strict); 2 bad usage;
3 archive missing or unusable, or an export cannot be written; 4 invalid or damaged documents
found; 5 no such article (or nothing matches the selection)."""

app = typer.Typer(
    help=f"Archive raw plain-text articles as canonical XML, and read them back out.\n\n{EXIT_CODES}",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
)
# Text from sources is never markup, never emoji codes (":smile:"), and its control characters are
# escaped (see `shown`) so that a file name cannot move the cursor or recolour the terminal.


class _Console:
    """A rich Console made on first use: `--help` and commands that print nothing never load rich."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._made: Any = None

    def made(self) -> Any:
        """The rich Console itself (for rich's Progress)."""
        if self._made is None:
            from rich.console import Console

            self._made = Console(highlight=False, soft_wrap=True, markup=False, emoji=False, **self._options)
        return self._made

    def __getattr__(self, name: str) -> Any:
        return getattr(self.made(), name)

    def _stream(self) -> Any:
        return sys.stderr if self._options.get("stderr") else sys.stdout

    @property
    def is_terminal(self) -> bool:
        """Whether output goes to a terminal; asks rich only when it is loaded or the environment forces."""
        if self._made is None and not any(os.environ.get(v) is not None for v in _RICH_TERMINAL_ENV):
            isatty = getattr(self._stream(), "isatty", None)
            try:
                return bool(isatty and isatty())
            except ValueError:  # a closed stream
                return False
        return bool(self.made().is_terminal)

    def print(self, *objects: Any, **options: Any) -> None:
        """Print as rich does; plain text to a pipe or log is written as it is, without loading rich."""
        plain = self._made is None and not options and all(isinstance(o, str) for o in objects)
        if plain and not self.is_terminal:  # rich would write the same: no markup, highlighting or wrap
            stream = self._stream()
            stream.write(" ".join(objects).expandtabs(8) + "\n")
            stream.flush()
            return
        self.made().print(*objects, **options)


_RICH_TERMINAL_ENV = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "JUPYTER_COLUMNS")


out = _Console()
err = _Console(stderr=True)
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]} | {
    0x0A: "\\n",
    0x0D: "\\r",
    0x09: "\\t",
    **{c: f"\\u{c:04x}" for c in (0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))},
}
_state: dict[str, Any] = {"archive": None}

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of text.")]
JobsOpt = Annotated[
    int, typer.Option(min=0, help="Worker processes for parallel work; 0 means one per core.")
]
ExecutorOpt = Annotated[
    str,
    typer.Option(
        "--executor",
        help="Where parallel work runs: local (processes on this machine) or dask (a Dask cluster).",
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="The Dask scheduler, with --executor dask [default: a cluster of local processes].",
    ),
]
DuplicatesOpt = Annotated[
    bool,
    typer.Option(
        "--include-duplicates",
        help="Keep near-duplicates in editions (`archiver duplicates`); by default only each one's primary.",
    ),
]
NamesOpt = Annotated[
    bool, typer.Option("--verbose", "-v", help="Name each near-duplicate left out, one line each.")
]
CacheOpt = Annotated[
    bool,
    typer.Option(
        "--cache/--no-cache",
        help="Reuse renderings of unchanged articles from the archive's cache/ folder.",
    ),
]


def plural(n: int, noun: str) -> str:
    """ "1 file", "2 files"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def shown(text: object) -> str:
    """Text for the terminal: control and direction characters escaped, nothing else changed."""
    return str(text).translate(_CONTROLS)


def _say(message: str) -> None:
    """One line on stderr, prefixed with the program's name."""
    err.print(shown(f"archiver: {message}"))


def _print_json(data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    sys.stdout.buffer.write(text.encode("utf-8", "backslashreplace"))
    sys.stdout.flush()


def _open(create: bool = False, notes: bool = True) -> Any:
    """The archive, after telling what opening it mended (a damaged or incomplete catalog)."""
    from archiver.store import Archive, home

    archive = Archive(home(_state["archive"]), create=create)
    for note in archive.notes if notes else []:
        _say(note)
    return archive


def _version(value: bool) -> None:
    if value:
        out.print(f"archiver {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    archive: Annotated[
        Path | None,
        typer.Option("--archive", "-a", envvar="ARCHIVER_HOME", help="Archive folder [default: ./archive]."),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Options for every command."""
    _state["archive"] = archive


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders of raw text articles.")],
    dialect: Annotated[
        str | None,
        typer.Option(help="Force a dialect instead of detecting it (see `archiver dialects`)."),
    ] = None,
    strict: Annotated[bool, typer.Option(help="Do not archive a file that has any problem.")] = False,
    jobs: JobsOpt = 0,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    follow_symlinks: Annotated[
        bool, typer.Option("--follow-symlinks", help="Read what symbolic links point to (off: skip them).")
    ] = False,
    time_budget: Annotated[
        float, typer.Option(help="Seconds one file may take to parse (0: no limit).")
    ] = 120.0,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="One line for every file.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Archive raw text files: keep the bytes, build and validate the canonical XML.

    Bad files get one line each on stderr and exit code 1; the rest is archived.

    Example: archiver ingest sources/ ~/Downloads/article.txt
    """
    from archiver import pipeline
    from archiver.executor import check_executor

    check_executor(executor, scheduler)  # a wrong name stops here, before the archive is made
    if dialect:
        from archiver.ingest import dialects  # loads the readers: only when a name is to be checked

        dialects.get(dialect)  # an unknown name stops here, with the known ones listed
    found = pipeline.input_files(paths, follow_symlinks)
    with _open(create=True) as archive:
        told = len(archive.notes)
        outcomes = _run_with_progress(
            archive,
            found.files,
            dialect,
            strict,
            show=not json_out,
            jobs=jobs,
            executor=executor,
            scheduler=scheduler,
            follow_symlinks=follow_symlinks,
            budget=time_budget,
            verbose=verbose,
        )
        for note in archive.notes[told:]:  # what storing mended on the way (leftover temporaries)
            _say(note)
    if json_out:
        _print_json([o.as_dict() for o in outcomes])
    else:
        _ingest_summary(outcomes, found.hidden)
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(ExitCode.INPUT_FAILED)


def _ingest_summary(outcomes: list[Any], hidden: int) -> None:
    counts = {s: sum(o.status == s for o in outcomes) for s in ("new", "new-version", "unchanged", "failed")}
    problems = sum(len(o.problems) for o in outcomes)
    extra = f"; {hidden} hidden files left out" if hidden else ""
    versions = plural(counts["new-version"], "new version")
    err.print(
        f"{plural(len(outcomes), 'file')}: {counts['new']} new, {versions}, "
        f"{counts['unchanged']} unchanged, {counts['failed']} failed, {plural(problems, 'problem')}{extra}"
    )


def _report_outcome(outcome: Any, verbose: bool) -> None:
    """A line for each problem of one input file; with `verbose`, a line for the file too."""
    if outcome.failure:
        _say(f"{outcome.path}: {outcome.failure.code}: {outcome.failure.message}")
    for p in outcome.problems:
        _say(f"{outcome.path}: {p.code}: {p.message}")
    if verbose and outcome.status != "failed":
        err.print(shown(f"  {outcome.status:<11} {outcome.id}  {(outcome.title or '')[:60]}"))


def _run_with_progress(
    archive: Any, files: list[Path], dialect: str | None, strict: bool, show: bool, **options: Any
) -> Any:
    """Ingest with a bar per stage; problems print as they come, the summary even after Ctrl-C."""
    from archiver import pipeline

    verbose = options.pop("verbose", False)
    seen: list[pipeline.Outcome] = []

    def report(outcome: pipeline.Outcome) -> None:
        seen.append(outcome)
        _report_outcome(outcome, verbose)

    with _stages(show and len(files) > 1) as on_stage:
        try:
            return pipeline.ingest(
                archive, files, dialect, strict, progress=report, on_stage=on_stage, **options
            )
        except KeyboardInterrupt:
            on_stage.stop()
            _ingest_summary(seen, 0)
            _say(f"interrupted: {len(files) - len(seen)} files not ingested; what was stored is complete")
            raise typer.Exit(130) from None


@app.command("list")
def list_(
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help="Show superseded versions too.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """List archived articles in date order: one line each, cut to the terminal, tab-separated in a pipe.

    Example: archiver list --json | jq '.[].title'
    """
    with _open() as archive:
        entries = list(archive.entries(all_versions))
    if json_out:
        _print_json([e.as_dict() for e in entries])
        return
    rows = [
        (e.id, e.date or "—", shown(e.language), shown(_listed_name(e.name, e.version)), shown(e.title))
        for e in entries
    ]
    if out.is_terminal:  # one line per article, cut to the terminal's width (the whole row: --json)
        widths = [
            min(most, max([len(head), *(len(r[i]) for r in rows)]))
            for i, (head, most) in enumerate(LIST_COLUMNS)
        ]
        widths[-1] = max(12, out.width - sum(widths[:-1]) - 2 * (len(widths) - 1))
        from rich.table import Table

        table = Table(box=None, pad_edge=False)
        for (head, _), width in zip(LIST_COLUMNS, widths, strict=True):
            table.add_column(head, no_wrap=True, overflow="ellipsis", width=width)
        for row in rows:
            table.add_row(*row)
        out.print(table)
    else:  # in a pipe: tab-separated, nothing cut (archiver list | grep …, | cut -f5)
        out.file.write("".join("\t".join(row) + "\n" for row in rows))  # rich would expand the tabs
    err.print(plural(len(entries), "article"))


LIST_COLUMNS = (("id", 16), ("date", 16), ("lang", 5), ("file", 24), ("title", 0))  # most characters shown


def _listed_name(name: str, version: int) -> str:
    return name if version == 1 else f"{name} (v{version})"


@app.command()
def show(
    article: Annotated[
        str, typer.Argument(help="Archive id (or its first characters), external id or file name.")
    ],
    xml: Annotated[bool, typer.Option("--xml", help="Print the canonical XML.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Show one article's metadata, how each value was inferred and how sure, and its body's shape.

    Example: archiver show 46013887131c49c3
    """
    from archiver import report

    with _open() as archive:
        entry = archive.find(article)
        if xml:
            sys.stdout.buffer.write(archive.xml_bytes(entry.id))
            return
        doc = archive.document(entry.id)
    if json_out:
        _print_json(report.as_dict(doc, entry))
        return
    from rich.table import Table

    table = Table(box=None, show_header=False, pad_edge=False)
    for _ in range(3):
        table.add_column(overflow="fold")
    for label, value, how in report.lines(doc, entry):
        table.add_row(label, shown(value), shown(how))
    out.print(table)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find (SQLite FTS5 syntax allowed).")],
    limit: Annotated[int, typer.Option(min=1, help="At most this many results.")] = 20,
    json_out: JsonOpt = False,
) -> None:
    """Full-text search over titles and bodies.

    Example: archiver search "Poetin AND Kim"
    """
    with _open() as archive:
        hits = archive.catalog.search(query, limit)
    if json_out:
        _print_json([{**e.as_dict(), "snippet": snip} for e, snip in hits])
        return
    for e, snip in hits:
        out.print(shown(f"{e.id}  {e.date or '—':<10}  {e.title}"))
        out.print(shown(f"    {' '.join(snip.split())}"))
    err.print(plural(len(hits), "result"))


@app.command()
def duplicates(
    threshold: Annotated[
        float,
        typer.Option(
            min=0.05, max=1.0, help="How alike two bodies must be (Jaccard of their word shingles)."
        ),
    ] = 0.8,
    json_out: JsonOpt = False,
) -> None:
    """List near-duplicates: the same story archived twice (two sources, two scrapes), in clusters.

    Each cluster's first article is its primary (earliest date, then richest metadata), the one
    editions keep; the others show their similarity to it, exact and as MinHash estimated it.

    Example: archiver duplicates --threshold 0.9 --json
    """
    from archiver import near
    from archiver.errors import UsageError

    if math.isnan(threshold):  # typer's range lets NaN through; every comparison with it fails
        raise UsageError("--threshold must be a number from 0.05 to 1.0, not nan")
    with _open() as archive:
        clusters, note = near.find(archive, threshold)
    if note:
        _say(note)
    if json_out:
        _print_json([c.as_dict() for c in clusters])
        return
    for number, cluster in enumerate(clusters, start=1):
        out.print(f"cluster {number}: {plural(len(cluster.members), 'article')}")
        for i, m in enumerate(cluster.members):
            e, role = m.entry, "primary" if i == 0 else f"{m.exact:.2f} (estimated {m.estimated:.2f})"
            out.print(shown(f"  {e.id}  {e.date or '—':<10}  {role:<23}  {e.title}  [{e.source or e.name}]"))
    articles = sum(len(c.members) for c in clusters)
    err.print(f"{plural(len(clusters), 'cluster')} of near-duplicates ({plural(articles, 'article')})")


@app.command()
def validate(
    articles: Annotated[list[str] | None, typer.Argument(help="Ids to check [default: all].")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Check archived XML against the RELAX NG schema and the Schematron rules.

    Example: archiver validate
    """
    from archiver import pipeline

    with _open() as archive:
        report = pipeline.validate(archive, articles)
    _finish_check(report, "valid", json_out)


@app.command()
def verify(json_out: JsonOpt = False) -> None:
    """Check the whole archive both ways: originals against their SHA-256, XML against the checksums
    recorded when it was written, catalog rows against files and files against rows, and leftovers
    of interrupted writes. Exit code 4 when anything is found; `archiver repair` mends what it can.

    Example: archiver verify
    """
    from archiver.store.audit import verify as audit

    with _open(notes=False) as archive:  # what opening mended comes as catalog-mended findings
        result = audit(archive, _check_progress("verify"))
    if json_out:
        _print_json({"checked": result.checked, "findings": [f.as_dict() for f in result.findings]})
    else:
        for finding in result.findings:
            _say(str(finding))
        bad = len({f.subject for f in result.failed})
        err.print(
            f"{plural(result.checked, 'article')} checked, {plural(len(result.failed), 'finding')} "
            f"about {plural(bad, 'item')}"
        )
        fixable = sum(f.fixable for f in result.failed)
        if fixable:
            err.print(f"`archiver repair` can mend {fixable} of them")
    if result.failed:
        raise typer.Exit(ExitCode.INVALID)


@app.command()
def repair(json_out: JsonOpt = False) -> None:
    """Mend what verify finds, from the originals and the XML: leftover temporaries removed, missing
    catalog rows added, interrupted ingests finished, missing or changed XML re-derived from its
    original (a changed XML is kept aside in set-aside/). Each action is reported; exit code 4 when
    something could not be mended (a changed or missing original: restore it from a backup).

    Example: archiver repair
    """
    from archiver.repair import repair as mend

    with _open() as archive:
        result = mend(archive, _check_progress("repair"))
    if json_out:
        _print_json(
            {
                "actions": [a.as_dict() for a in result.actions],
                "remaining": [f.as_dict() for f in result.remaining],
            }
        )
    else:
        for action in result.actions:
            verb = "repaired" if action.done else "not repaired"
            _say(f"{action.finding.subject}: {action.finding.code}: {verb}: {action.message}")
        for finding in result.remaining:
            _say(f"still: {finding}")
        fixed = sum(a.done for a in result.actions)
        err.print(f"{fixed} repaired, {len(result.remaining)} findings remain")
    if result.remaining:
        raise typer.Exit(ExitCode.INVALID)


@app.command()
def reingest(
    articles: Annotated[
        list[str] | None, typer.Argument(help="Ids (or first characters, external ids, file names).")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every archived article, all versions.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Re-normalise archived originals with the current rules and show, per article, what changed:
    metadata field by field, body blocks added, removed and changed. A changed article gets its new
    XML and its old XML is kept in set-aside/; the original is never touched. Unchanged articles
    are left as they are. An article that cannot be re-normalised gets one line and the rest go on.

    Example: archiver reingest --all --dry-run
    """
    from archiver.errors import UsageError
    from archiver.reingest import reingest as renormalise
    from archiver.reingest import summary

    if bool(articles) == all_:
        raise UsageError("name the articles to reingest, or pass --all (not both)")
    with _open() as archive:
        chosen = [archive.find(key) for key in articles] if articles else list(archive.entries(True))
        report = None if json_out else _print_reingested
        results = renormalise(archive, chosen, dry_run, _check_progress("reingest"), report)
    counts = summary(results)
    if json_out:
        _print_json({"dry_run": dry_run, "summary": counts, "articles": [r.as_dict() for r in results]})
    else:
        what = ", ".join(f"{name} {n}" for name, n in counts["fields"].items())
        blocks = counts["blocks"]
        body = (
            f"; bodies {counts['bodies']} ({blocks['added']} blocks added, "
            f"{blocks['removed']} removed, {blocks['changed']} changed)"
            if counts["bodies"]
            else ""
        )
        kept = " (dry run: nothing written)" if dry_run else "; old XML kept in set-aside/"
        err.print(
            f"{plural(counts['articles'], 'article')}: {counts['changed']} changed, "
            f"{counts['unchanged']} unchanged, {counts['failed']} failed"
            + (f"; fields: {what}{body}" if counts["changed"] else "")
            + (kept if counts["changed"] else "")
        )
    if counts["failed"]:
        raise typer.Exit(ExitCode.INPUT_FAILED)


def _print_reingested(result: Any) -> None:
    """One article's diff on stdout (changed ones only); a failure is one line on stderr."""
    if result.failure:
        _say(f"{result.id}: {result.failure.code}: {result.failure.message}")
        return
    if result.status != "changed":
        return
    out.print(
        shown(f"{result.id}  {result.name}  changed" + (f" (old XML: {result.kept})" if result.kept else ""))
    )
    for change in result.fields:
        out.print(shown(f"  {change.field:<10} {change.old or '—'}  →  {change.new or '—'}"))
    if result.blocks:
        b = result.blocks
        kinds = sorted(set(b.before) | set(b.after))
        counts = ", ".join(f"{k} {b.before.get(k, 0)} → {b.after.get(k, 0)}" for k in kinds)
        out.print(
            f"  {'blocks':<10} {sum(b.before.values())} → {sum(b.after.values())}: {b.count('added')} added, "
            f"{b.count('removed')} removed, {b.count('changed')} changed ({counts})"
        )
        for edit in b.edits[:5]:
            sign = {"added": "+", "removed": "-", "changed": "~"}[edit.op]
            text = f"{edit.old} → {edit.new}" if edit.op == "changed" else edit.old or edit.new
            out.print(shown(f"    {sign} {text}"))
        if len(b.edits) > 5:
            out.print(f"    … {len(b.edits) - 5} more (--json lists them all)")


def _check_progress(name: str) -> Callable[[int, int], None]:
    """A progress callback that draws a bar on a terminal for long checks."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(TextColumn(name), BarColumn(), MofNCompleteColumn(), console=err.made(), transient=True)
    task = bar.add_task(name, total=None)

    def step(done: int, total: int) -> None:
        if total >= 200 and not bar.live.is_started:
            bar.start()
        bar.update(task, completed=done, total=total)
        if done >= total and bar.live.is_started:
            bar.stop()

    return step


def _finish_check(report: dict[str, list[str]], word: str, json_out: bool) -> None:
    bad = {k: v for k, v in report.items() if v}
    if json_out:
        _print_json({"checked": len(report), "failed": bad})
    else:
        for key, issues in bad.items():
            for issue in issues:
                _say(f"{key}: {issue}")
        err.print(f"{len(report)} documents checked, {len(report) - len(bad)} {word}, {len(bad)} not")
    if bad:
        raise typer.Exit(ExitCode.INVALID)


@app.command()
def export(
    fmt: Annotated[
        str | None,
        typer.Argument(metavar="FORMAT", help="Output format (`archiver formats` lists them), or --format."),
    ] = None,
    articles: Annotated[
        list[str] | None, typer.Argument(help="Ids (or first characters, external ids, file names).")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every article (the default without ids).")] = False,
    date_from: Annotated[
        str | None,
        typer.Option(
            "--from", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD); 2019-04 overlaps 2019-04-10."
        ),
    ] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Up to this date, same forms.")] = None,
    lang: Annotated[str | None, typer.Option(help="Only articles in this language (nl, en, …).")] = None,
    source: Annotated[str | None, typer.Option(help="Only articles whose source contains this.")] = None,
    query: Annotated[str | None, typer.Option(help="Only articles matching this full-text query.")] = None,
    each: Annotated[
        bool, typer.Option("--each", help="One file per article instead of one edition.")
    ] = False,
    title: Annotated[str | None, typer.Option(help="Edition title [default: says what it holds].")] = None,
    group_by: Annotated[str, typer.Option(help="Sections of an edition: month, source or none.")] = "month",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="A file with the format's suffix, or a folder to name files in [default: dist/].",
        ),
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option", "-O", metavar="KEY=VALUE", help="A format option, repeatable (`archiver formats`)."
        ),
    ] = None,
    include_duplicates: DuplicatesOpt = False,
    verbose: NamesOpt = False,
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            help="A format, repeatable: --format pdf --format epub makes both in one run, and the "
            "EPUB then carries the PDF's page numbers (-o is a folder; ids follow as arguments).",
        ),
    ] = None,
    cache: CacheOpt = True,
    jobs: JobsOpt = 0,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Export articles as one edition (or one file each), typeset in each article's language.

    Example: archiver export pdf --from 2019-04 --to 2019-04 -O paper=A5 -O marks=yes -o dist/april.pdf
    """
    from archiver.export import EXPORTERS

    names = list(formats or [])
    if names and fmt in EXPORTERS:
        err.print(f"archiver: give the format as FORMAT or as --format, not both ({fmt!r} and --format)")
        raise typer.Exit(ExitCode.USAGE)
    if names and fmt:  # with --format, every argument is an article
        articles = [fmt, *(articles or [])]
    elif not names:
        if not fmt:
            err.print("archiver: give a FORMAT (or --format, repeatable)")
            raise typer.Exit(ExitCode.USAGE)
        names = [fmt]
    from archiver import recipes
    from archiver.store import Selection

    if all_ and articles:
        err.print("archiver: give ids or --all, not both")
        raise typer.Exit(ExitCode.USAGE)
    if each and title:
        err.print("archiver: --title names an edition; with --each every file has its article's title")
        raise typer.Exit(ExitCode.USAGE)
    # Bad names stop here with exit code 2, before anything is read.
    first, *more = recipes.export_jobs(
        names,
        option or [],
        grouping=group_by,
        title=title,
        each=each,
        cache=cache,
        jobs=jobs,
        executor=executor,
        scheduler=scheduler,
        include_duplicates=include_duplicates,
    )
    selection = Selection(articles or [], date_from, date_to, lang, source, query)
    with _open() as archive, _stages(not json_out) as on_stage:
        done = recipes.export(archive, first, selection, output, on_stage, also=more)
    if json_out:
        _print_json(
            {
                "paths": [str(p) for p in done.paths],
                "articles": done.articles,
                "cached": done.cached,
                "rendered": done.rendered,
                "problems": [p.as_dict() for p in done.problems],
                "duplicates": [{"id": id, "of": kept} for id, kept in done.duplicates.items()],
            }
        )
    else:
        _print_problems(done.problems)
        _print_duplicates(done.duplicates, verbose)
        paths = done.paths
        where = paths[0] if len(paths) == 1 else f"{Path(os.path.commonpath(paths))}/"
        reuse = f"; {plural(done.cached, 'rendering')} reused, {done.rendered} made" if cache else ""
        written = plural(len(paths), f"{'+'.join(names)} file")
        left = f", {done.left_out} left out (unreadable)" if done.left_out else ""
        left += f", {plural(len(done.duplicates), 'near-duplicate')} left out" if done.duplicates else ""
        err.print(shown(f"{written} written: {where} ({plural(done.articles, 'article')}{left}{reuse})"))
    if done.left_out:
        raise typer.Exit(ExitCode.INVALID)


def _print_problems(problems: list[Any]) -> None:
    for problem in problems:
        _say(str(problem))


def _print_duplicates(duplicates: dict[str, str], verbose: bool) -> None:
    """The near-duplicates editions left out (not a problem: exit code 0): one line, or one line each."""
    if verbose:
        for id, kept in duplicates.items():
            _say(f"{id}: near-duplicate of {kept}; left out of the edition (--include-duplicates keeps it)")
    elif duplicates:
        _say(
            f"{plural(len(duplicates), 'near-duplicate')} left out of the edition "
            "(`archiver duplicates` lists them, --include-duplicates keeps them, -v names each)"
        )


class _StageBars:
    """One progress bar per stage ("read", "parse", "store", "pdf render"…), each with a count and ETA."""

    def __init__(self, progress: Any) -> None:
        self.progress = progress
        self.tasks: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.progress is None:  # no bars drawn (not a terminal)
            return
        if stage not in self.tasks:
            self.tasks[stage] = self.progress.add_task(stage, total=total)
        self.progress.update(self.tasks[stage], completed=done, total=total)

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


@contextmanager
def _stages(show: bool = True) -> Iterator[_StageBars]:
    """Bars for long work on a terminal (none in pipes, logs and --json), gone when the work ends."""
    if not show or not err.is_terminal:  # no bars to draw: rich.progress is not even loaded (40 ms)
        yield _StageBars(None)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description:<14}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err.made(), transient=True) as progress:
        yield _StageBars(progress)


@app.command()
def formats(json_out: JsonOpt = False) -> None:
    """List the export formats, their file suffixes and their options (for export -O KEY=VALUE).

    Example: archiver formats
    """
    from archiver.export import formats as table
    from archiver.export.options import usage

    if json_out:
        _print_json(table())
        return
    for name, info in table().items():
        out.print(f"{name:<6} {info['suffix']:<7} {info['description']}", markup=False)
        for key, option in info["options"].items():
            out.print(f"    {usage(key, option)}", markup=False)


@app.command()
def build(
    sources: Annotated[
        list[Path] | None, typer.Argument(help="Raw files or folders [default: sources/].")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the exports.")] = Path("dist"),
    cache: CacheOpt = True,
    jobs: JobsOpt = 0,
    executor: ExecutorOpt = "local",
    scheduler: SchedulerOpt = None,
    include_duplicates: DuplicatesOpt = False,
    verbose: NamesOpt = False,
) -> None:
    """The main job: ingest sources, validate the archive, export every format (edition and each article).

    Example: archiver build sources/ --out dist/
    """
    from archiver import recipes

    with _open(create=True) as archive, _stages() as on_stage:
        report = recipes.build(
            archive,
            sources or [Path("sources")],
            out,
            _print_outcome,
            on_stage,
            jobs=jobs,
            cache=cache,
            executor=executor,
            scheduler=scheduler,
            include_duplicates=include_duplicates,
        )
    _print_problems(report.problems)
    _print_duplicates(report.duplicates, verbose)
    err.print(
        f"{len(report.outcomes)} sources, {report.failed} failed, {len(report.invalid)} invalid; "
        f"{len(report.written)} files in {out}/"
    )
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _print_outcome(outcome: Any) -> None:
    """One input of a build: its failure and problems, as ingest reports them."""
    _report_outcome(outcome, verbose=False)


@app.command("cache")
def cache_(
    clear: Annotated[bool, typer.Option("--clear", help="Delete every cached rendering.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Show how much the render cache holds (the archive's cache/ folder), or empty it.

    The cache keeps each article's rendering so that exports redo only what changed; it is
    derived data, safe to delete at any time (the next export is a cold one).

    Example: archiver cache --clear
    """
    from archiver.export import cache

    with _open() as archive:
        folder = (archive.root / cache.FOLDER).resolve()
        try:
            files, size = cache.clear(folder) if clear else cache.usage(folder)
        except OSError as exc:
            raise ArchiveError(f"{exc.filename or folder}: cannot delete: {exc.strerror or exc}") from None
    if json_out:
        _print_json({"path": str(folder), "files": files, "bytes": size, "cleared": clear})
        return
    verb = "deleted" if clear else "holds"
    err.print(shown(f"render cache {folder}: {verb} {files} files, {size / 2**20:.1f} MiB"))


@app.command()
def dialects(json_out: JsonOpt = False) -> None:
    """List the raw-text dialects ingest recognises (names for --dialect).

    Example: archiver dialects
    """
    from archiver.ingest.dialects import DIALECTS

    if json_out:
        _print_json({name: d.description for name, d in DIALECTS.items()})
        return
    for name, d in DIALECTS.items():
        out.print(f"{name:<14} {d.description}", markup=False)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on; only this machine unless told.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8080,
    allow_upload: Annotated[
        bool, typer.Option("--allow-upload", help="Accept uploads at /api/upload (they need the token).")
    ] = False,
    token: Annotated[
        str | None, typer.Option(help="The upload token (16+ characters); --token-file keeps it out of `ps`.")
    ] = None,
    token_file: Annotated[
        Path | None, typer.Option("--token-file", help="A file whose first line is the upload token.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, max=64, help="Server processes sharing the port [default: one per CPU, at most 4]."
        ),
    ] = None,
) -> None:
    """Serve the archive to browsers and e-readers: web pages, OPDS 1.2 and 2.0 catalogs, a JSON API.

    Read-only unless --allow-upload. Example: archiver serve --port 8080, then open http://127.0.0.1:8080/
    """
    from archiver.serve import run
    from archiver.store import home

    settings = run.settings_of(home(_state["archive"]), allow_upload, run.token_of(token, token_file))
    count = workers or run.default_workers()
    run.serve(settings, host, port, say=lambda line: err.print(shown(line)), workers=count)


def _terminated(signum: int, frame: object) -> None:
    from archiver import executor

    executor.stopping(signum)  # noted first: the exception below can be lost (see stopping)
    raise SystemExit(128 + signum)  # unwinds like any exit: temporary files go, workers stop


def _interrupted(signum: int, frame: object) -> None:
    from archiver import executor

    executor.stopping(signum)
    raise KeyboardInterrupt


def main() -> None:
    """Console entry point: library errors become one line and an exit code."""
    import signal

    # numpy's OpenBLAS keeps a thread a core that spins for a while after each product; the
    # language scores' small products gain nothing from it, and an ingest's workers had it take
    # CPU from them (0.1 s of 2.8 at 1,000 articles; the scores are the same to the bit either
    # way). Set before numpy loads; a user's own setting stands.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    signal.signal(signal.SIGTERM, _terminated)
    signal.signal(signal.SIGINT, _interrupted)
    everything = app.registered_commands
    try:
        app.registered_commands = _named_command(sys.argv[1:]) or everything
        app()
    except ArchiverError as exc:
        _say(str(exc))
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:
        _say("interrupted")
        sys.exit(130)
    finally:
        app.registered_commands = everything


_ARCHIVE_OPTIONS = ("--archive", "-a")


def _named_command(args: list[str]) -> list[Any]:
    """The registered command that `args` plainly names, alone; else none.

    typer builds every command's options before running one (24 ms of a 0.25 s start); when the
    words before the command are only --archive options, the group needs no other command. Any
    other start (--help, --version, a mistyped name) gets every command, and click's own answer.
    """
    i = 0
    while i < len(args):
        if args[i] in _ARCHIVE_OPTIONS:
            i += 2  # the option and its value
        elif args[i].startswith("--archive="):
            i += 1
        else:
            return [c for c in app.registered_commands if _command_name(c) == args[i]]
    return []


def _command_name(command: Any) -> str:
    """The name a registered typer command is called by (its function's, dashed, unless given)."""
    return str(command.name or command.callback.__name__.replace("_", "-"))
