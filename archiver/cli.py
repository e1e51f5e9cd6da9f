"""The typer command line: parse options, call the library, print, map errors to exit codes."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from archiver import __version__
from archiver.errors import ArchiverError, ExitCode

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
out = Console(highlight=False, soft_wrap=True, markup=False)  # text from sources is never markup
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
_state: dict[str, Any] = {"archive": None}

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of text.")]


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _open(create: bool = False) -> Any:
    from archiver.store import Archive, home

    return Archive(home(_state["archive"]), create=create)


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
    jobs: Annotated[int, typer.Option(help="Worker processes for parsing; 0 means one per core.")] = 1,
    json_out: JsonOpt = False,
) -> None:
    """Archive raw text files: keep the bytes, build and validate the canonical XML.

    Example: archiver ingest sources/ ~/Downloads/article.txt
    """
    from archiver import pipeline
    from archiver.ingest import dialects

    if dialect and dialect not in dialects.DIALECTS:
        err.print(f"archiver: unknown dialect {dialect!r}; known: {', '.join(dialects.DIALECTS)}")
        raise typer.Exit(ExitCode.USAGE)
    files = list(pipeline.input_files(paths))
    workers = jobs if jobs > 0 else (os.cpu_count() or 1)
    with _open(create=True) as archive:
        outcomes = _run_with_progress(archive, files, dialect, strict, show=not json_out, jobs=workers)
    failed = [o for o in outcomes if o.status == "failed"]
    if json_out:
        _print_json([o.as_dict() for o in outcomes])
    else:
        counts = {s: sum(o.status == s for o in outcomes) for s in ("new", "new-version", "unchanged")}
        problems = sum(len(o.problems) for o in outcomes)
        err.print(
            f"{len(outcomes)} files: {counts['new']} new, {counts['new-version']} new versions, "
            f"{counts['unchanged']} unchanged, {len(failed)} failed, {problems} problems"
        )
    if failed:
        raise typer.Exit(ExitCode.INPUT_FAILED)


def _run_with_progress(
    archive: Any, files: list[Path], dialect: str | None, strict: bool, show: bool, jobs: int = 1
) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from archiver import pipeline

    def report(outcome: pipeline.Outcome) -> None:
        if outcome.error:
            err.print(f"archiver: {outcome.path}: {outcome.error}")
        for p in outcome.problems:
            err.print(f"archiver: {outcome.path}: {p.code}: {p.message}")
        if show and outcome.status != "failed":
            title = (outcome.title or "")[:60]
            err.print(f"  {outcome.status:<11} {outcome.id}  {title}", markup=False)

    columns = (TextColumn("ingest"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True, disable=not show or len(files) < 2) as bar:
        task = bar.add_task("ingest", total=len(files))

        def step(outcome: pipeline.Outcome) -> None:
            report(outcome)
            bar.advance(task)

        return pipeline.ingest(archive, files, dialect, strict, progress=step, jobs=jobs)


@app.command("list")
def list_(
    all_versions: Annotated[
        bool, typer.Option("--all-versions", help="Show superseded versions too.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """List archived articles in date order.

    Example: archiver list --json | jq '.[].title'
    """
    with _open() as archive:
        entries = list(archive.entries(all_versions))
    if json_out:
        _print_json([e.as_dict() for e in entries])
        return
    table = Table("id", "date", "lang", "title", "file", box=None, pad_edge=False)
    for e in entries:
        name = e.name if e.version == 1 else f"{e.name} (v{e.version})"
        table.add_row(e.id, e.date or "—", e.language, e.title, name)
    out.print(table)
    err.print(f"{len(entries)} articles")


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
    table = Table(box=None, show_header=False, pad_edge=False)
    for _ in range(3):
        table.add_column(overflow="fold")
    for label, value, how in report.lines(doc, entry):
        table.add_row(label, value, how)
    out.print(table)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to find (SQLite FTS5 syntax allowed).")],
    limit: Annotated[int, typer.Option(help="At most this many results.")] = 20,
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
        out.print(f"{e.id}  {e.date or '—':<10}  {e.title}", markup=False)
        out.print(f"    {snip}", markup=False)
    err.print(f"{len(hits)} results")


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
    """Fixity check: every original still has its recorded SHA-256, and every file is in place.

    Example: archiver verify
    """
    from archiver import pipeline

    with _open() as archive:
        report = pipeline.verify(archive)
    _finish_check(report, "intact", json_out)


def _finish_check(report: dict[str, list[str]], word: str, json_out: bool) -> None:
    bad = {k: v for k, v in report.items() if v}
    if json_out:
        _print_json({"checked": len(report), "failed": bad})
    else:
        for key, issues in bad.items():
            for issue in issues:
                err.print(f"archiver: {key}: {issue}", markup=False)
        err.print(f"{len(report)} documents checked, {len(report) - len(bad)} {word}, {len(bad)} not")
    if bad:
        raise typer.Exit(ExitCode.INVALID)


@app.command()
def export(
    fmt: Annotated[
        str, typer.Argument(metavar="FORMAT", help="Output format (`archiver formats` lists them).")
    ],
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
) -> None:
    """Export articles as one edition (or one file each), typeset in each article's language.

    Example: archiver export pdf --from 2019-04 --to 2019-04 -O paper=A5 -O marks=yes -o dist/april.pdf
    """
    from archiver import recipes
    from archiver.store import Selection

    if all_ and articles:
        err.print("archiver: give ids or --all, not both")
        raise typer.Exit(ExitCode.USAGE)
    job = recipes.export_job(fmt, option or [], group_by, title, each)  # bad names: exit 2, nothing read
    selection = Selection(articles or [], date_from, date_to, lang, source, query)
    with _open() as archive, _bars() as bar:
        done = recipes.export(archive, job, selection, output, progress=bar(f"export {fmt}"))
    _print_problems(done.problems)
    paths = done.paths
    where = paths[0] if len(paths) == 1 else f"{paths[0].parent}/"
    err.print(f"{len(paths)} {fmt} file(s) written: {where}", markup=False)


def _print_problems(problems: list[Any]) -> None:
    for problem in problems:
        err.print(f"archiver: {problem}", markup=False)


@contextmanager
def _bars() -> Iterator[Callable[[str], Callable[[Path, int, int], None]]]:
    """Progress bars for exports (silent when not on a terminal): bar(label) gives a step callback."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err, transient=True) as progress:

        def bar(label: str) -> Callable[[Path, int, int], None]:
            task = progress.add_task(label, total=None)
            return lambda path, done, total: progress.update(task, completed=done, total=total)

        yield bar


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
        out.print(f"{name:<6} {info['suffix']:<6} {info['description']}", markup=False)
        for key, option in info["options"].items():
            out.print(f"    {usage(key, option)}", markup=False)


@app.command()
def build(
    sources: Annotated[
        list[Path] | None, typer.Argument(help="Raw files or folders [default: sources/].")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the exports.")] = Path("dist"),
) -> None:
    """The main job: ingest sources, validate the archive, export every format (edition and each article).

    Example: archiver build sources/ --out dist/
    """
    from archiver import recipes

    with _open(create=True) as archive, _bars() as bar:
        report = recipes.build(
            archive, sources or [Path("sources")], out, _print_outcome, lambda fmt: bar(f"export {fmt}")
        )
    _print_problems(report.problems)
    err.print(
        f"{len(report.outcomes)} sources, {report.failed} failed, {len(report.invalid)} invalid; "
        f"{len(report.written)} files in {out}/"
    )
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _print_outcome(outcome: Any) -> None:
    """One input of a build, as ingest reports it: error and problems, else status, id and title."""
    if outcome.error:
        err.print(f"archiver: {outcome.path}: {outcome.error}", markup=False)
    for p in outcome.problems:
        err.print(f"archiver: {outcome.path}: {p.code}: {p.message}", markup=False)
    if outcome.status != "failed":
        err.print(f"  {outcome.status:<11} {outcome.id}  {(outcome.title or '')[:60]}", markup=False)


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


def main() -> None:
    """Console entry point: library errors become one line and an exit code."""
    try:
        app()
    except ArchiverError as exc:
        err.print(f"archiver: {exc}", markup=False)
        sys.exit(int(exc.exit_code))
