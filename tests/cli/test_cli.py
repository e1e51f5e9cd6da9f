"""The command line, run as a user runs it: real processes, real exit codes, real output."""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from archiver.document.validate import errors_of_bytes
from tests.conftest import SEED, SOURCES

COMMANDS = [
    "ingest",
    "list",
    "show",
    "search",
    "validate",
    "verify",
    "export",
    "build",
    "cache",
    "dialects",
    "formats",
]


def run(*args: str | Path, archive: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    if archive is not None:
        env["ARCHIVER_HOME"] = str(archive)
    return subprocess.run(
        [sys.executable, "-m", "archiver", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,  # a hang fails; a slow shared CI machine does not
    )


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli") / "arc"
    result = run("ingest", SOURCES, archive=root)
    assert result.returncode == 0, result.stderr
    return root


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert "Example: archiver" in result.stdout


def test_top_level_help_documents_exit_codes() -> None:
    result = run("--help")
    assert "Exit codes" in result.stdout and all(c in result.stdout for c in COMMANDS)


def test_ingest_reports_each_file(archive: Path) -> None:
    result = run("ingest", "--json", SOURCES, archive=archive)
    outcomes = json.loads(result.stdout)
    assert result.returncode == 0
    assert len(outcomes) == len(list(SOURCES.iterdir()))
    assert {o["status"] for o in outcomes} == {"unchanged"}


def test_list_json(archive: Path) -> None:
    entries = json.loads(run("list", "--json", archive=archive).stdout)
    assert len(entries) == len(list(SOURCES.iterdir()))
    seed = next(e for e in entries if e["external_id"] == "46013887131c49c3")
    assert (seed["date"], seed["date_precision"], seed["language"]) == ("2019-04", "month", "nl")


def test_list_in_a_pipe_is_one_tab_separated_line_per_article(archive: Path) -> None:
    result = run("list", archive=archive)
    entries = {e["id"]: e for e in json.loads(run("list", "--json", archive=archive).stdout)}
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == len(entries) and all(len(r) == 5 for r in rows)
    for id, date, lang, name, title in rows:
        assert (date, lang, name, title) == (
            entries[id]["date"] or "—",
            entries[id]["language"],
            entries[id]["name"],
            entries[id]["title"],  # whole, however long
        )
    assert result.stderr.strip() == f"{len(entries)} articles"


def test_list_on_a_terminal_fits_each_article_on_one_line(archive: Path) -> None:
    command = [sys.executable, "-m", "archiver", "--archive", str(archive), "list"]
    env = {**os.environ, "COLUMNS": "80", "TERM": "dumb"}
    shown = subprocess.run(
        ["script", "-qc", " ".join(command), "/dev/null"], capture_output=True, text=True, env=env, check=True
    ).stdout.splitlines()
    lines = [line for line in shown if line.strip() and not line.startswith(("id ", "\x1b"))]
    assert len(lines) == len(list(SOURCES.iterdir())) + 1  # the articles and the count
    assert all(len(line.rstrip()) <= 80 for line in shown)


def test_show_the_seed(archive: Path) -> None:
    text = run("show", "46013887131c49c3", archive=archive)
    assert text.returncode == 0
    for expected in (
        "2019-04 (month precision)",
        "derived by first-sentence",
        "detected by py3langid",
        "Top is ook gebaar naar VS",
        "credit: AFP",
        "12 paragraphs",
        "3 subheadings",
        "1 figure,",
    ):
        assert expected in text.stdout, expected
    data = json.loads(run("show", "--json", SEED.name, archive=archive).stdout)
    assert data["dates"][0]["precision"] == "month" and data["language"]["value"] == "nl"
    xml = run("show", "--xml", "46013887131c49c3", archive=archive).stdout.encode()
    assert errors_of_bytes(xml) == []


def test_search(archive: Path) -> None:
    hits = json.loads(run("search", "--json", "Vladivostok", archive=archive).stdout)
    assert [h["external_id"] for h in hits] == ["46013887131c49c3"]
    assert run("search", "noord-korea", archive=archive).returncode == 0  # plain words: searched as written
    bad = run("search", "noord-korea (", archive=archive)  # meant as FTS5 syntax, but broken
    assert (
        bad.returncode == 2 and "a parenthesis is not closed" in bad.stderr and "Traceback" not in bad.stderr
    )
    empty = run("search", "", archive=archive)
    assert empty.returncode == 2 and "at least one word" in empty.stderr


def test_validate_and_verify(archive: Path) -> None:
    result = run("validate", "--json", archive=archive)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["failed"] == {}
    result = run("verify", "--json", archive=archive)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"checked": len(list(SOURCES.iterdir())), "findings": []}


def test_bad_inputs_get_one_line_each_and_the_batch_goes_on(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "[draft] empty.txt").write_bytes(b"")  # brackets: a path is never terminal markup
    (inbox / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)))
    (inbox / "broken.txt").write_bytes(codecs.BOM_UTF8 + b"caf\xe9 \xff\xfe")
    (inbox / "sub" / "good.txt").write_bytes(SEED.read_bytes())
    with (inbox / "dump.txt").open("wb") as fh:
        fh.truncate(65 * 2**20)  # sparse: large on paper, nothing on disk
    os.mkfifo(tmp_path / "pipe.txt")
    result = run("ingest", inbox, tmp_path / "missing.txt", tmp_path / "pipe.txt", archive=tmp_path / "arc")
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("archiver: ")]
    assert len(errors) == 6, result.stderr
    for name, code in [
        ("[draft] empty.txt", "empty"),
        ("photo.jpg", "binary"),
        ("broken.txt", "undecodable"),
        ("missing.txt", "unreadable"),
        ("pipe.txt", "skipped"),
        ("dump.txt", "too-large"),
    ]:
        assert any(name in e and f": {code}:" in e for e in errors), (name, errors)
    assert "1 new" in result.stderr
    listed = json.loads(run("list", "--json", archive=tmp_path / "arc").stdout)
    assert [e["name"] for e in listed] == ["good.txt"]


def test_strict_refuses_files_with_problems(tmp_path: Path) -> None:
    odd = tmp_path / "odd.txt"
    odd.write_text("Datum: morgen vroeg\n\nEen korte tekst over de markt in de stad.\n")
    result = run("ingest", "--strict", odd, archive=tmp_path / "arc")
    assert result.returncode == 1
    assert "date-unparsed" in result.stderr and "strict" in result.stderr
    relaxed = run("ingest", odd, archive=tmp_path / "arc")
    assert relaxed.returncode == 0 and "date-unparsed" in relaxed.stderr


def test_exit_codes_for_archive_and_lookup_errors(tmp_path: Path, archive: Path) -> None:
    missing = run("list", archive=tmp_path / "nowhere")
    assert missing.returncode == 3 and "no archive here" in missing.stderr
    unknown = run("show", "ffff0000", archive=archive)
    assert unknown.returncode == 5 and "no such article" in unknown.stderr
    bad_dialect = run("ingest", "--dialect", "klingon", SEED, archive=tmp_path / "arc2")
    assert bad_dialect.returncode == 2 and "known: front-matter" in bad_dialect.stderr


def test_verify_fails_on_a_damaged_archive(tmp_path: Path) -> None:
    root = tmp_path / "arc"
    assert run("ingest", SEED, archive=root).returncode == 0
    original = next((root / "originals").rglob("*.txt"))
    original.write_bytes(b"tampered")
    result = run("verify", archive=root)
    assert result.returncode == 4 and "original-changed" in result.stderr


def test_commands_without_pdf_do_not_import_weasyprint(archive: Path) -> None:
    code = (
        "import sys; from archiver.cli import app\n"
        "try:\n    app(['--archive', sys.argv[1], 'list'])\nexcept SystemExit:\n    pass\n"
        "print('weasyprint' in sys.modules, 'ebooklib' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(archive)], capture_output=True, text=True)
    assert result.stdout.strip().splitlines()[-1] == "False False"


def test_ingest_into_a_pipe_does_not_load_rich(archive: Path) -> None:
    code = (
        "import sys; from archiver.cli import app\n"
        "try:\n    app(['--archive', sys.argv[1], 'ingest', sys.argv[2]])\nexcept SystemExit:\n    pass\n"
        "print('rich loaded:', 'rich' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(archive), str(SEED)], capture_output=True, text=True
    )
    assert result.stdout.strip().splitlines()[-1] == "rich loaded: False"
    assert "1 file: 0 new, 0 new versions, 1 unchanged" in result.stderr


PLAIN = ["archiver: a.txt: plain", "Ĳsselmeer — «guillemets» 😀 \\x1b[31m", "a\tb  "]


@pytest.mark.parametrize("text", PLAIN)
def test_plain_output_is_what_rich_writes(text: str) -> None:
    import io

    from rich.console import Console

    from archiver.cli import _Console

    ours, theirs = io.StringIO(), io.StringIO()
    console = _Console()
    console._stream = lambda: ours  # type: ignore[method-assign]
    console.print(text)
    Console(file=theirs, highlight=False, soft_wrap=True, markup=False, emoji=False).print(text)
    assert console._made is None and ours.getvalue() == theirs.getvalue()


def test_export_epub_and_build(archive: Path, tmp_path: Path) -> None:
    result = run(
        "export",
        "epub",
        "--from",
        "2019-04-10",
        "--to",
        "2019-04",
        "-o",
        tmp_path / "april.epub",
        archive=archive,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "april.epub").read_bytes()[:2] == b"PK"
    assert run("export", "epub", "--from", "april", archive=archive).returncode == 2
    assert run("export", "mobi", archive=archive).returncode == 2
    assert run("export", "epub", "--lang", "xx", archive=archive).returncode == 5
    built = run("build", SOURCES, "--out", tmp_path / "dist", archive=tmp_path / "arc")
    assert built.returncode == 0, built.stderr
    names = sorted(p.name for p in (tmp_path / "dist").rglob("*.epub"))
    assert len(names) == len(list(SOURCES.iterdir())) + 1


def test_export_json_counts_renderings_and_cache_clears(archive: Path, tmp_path: Path) -> None:
    run("cache", "--clear", archive=archive)
    first = run("export", "epub", "--json", "-o", tmp_path / "a.epub", archive=archive)
    again = run("export", "epub", "--json", "-o", tmp_path / "b.epub", archive=archive)
    cold, warm = json.loads(first.stdout), json.loads(again.stdout)
    n = len(list(SOURCES.iterdir()))
    assert (cold["articles"], cold["rendered"], cold["cached"]) == (n, n + 1, 0)  # and the cover
    assert (warm["rendered"], warm["cached"]) == (0, n + 1)
    assert (tmp_path / "a.epub").read_bytes() == (tmp_path / "b.epub").read_bytes()
    held = json.loads(run("cache", "--json", archive=archive).stdout)
    with zipfile.ZipFile(tmp_path / "a.epub") as zf:  # each distinct compressed member, kept by content
        deflated = {hashlib.sha256(zf.read(i)).digest() for i in zf.infolist() if i.compress_type}
    # per article its XHTML, its parsed record and its kept page (with the page's compressed bytes);
    # the colophon's kept page and its entries; the cover; the navigation document; the dates in
    # words; the stat index of the archived XML; and each other compressed member by content
    files = 3 * n + 6 + len(deflated) - (n + 1)
    assert len(deflated) > n
    assert held["files"] == files and held["bytes"] > 0
    cleared = run("cache", "--clear", archive=archive)
    assert cleared.returncode == 0 and f"deleted {files} files" in cleared.stderr
    assert json.loads(run("cache", "--json", archive=archive).stdout)["files"] == 0


def test_dialects_lists_the_registry() -> None:
    result = run("dialects", "--json")
    assert result.returncode == 0
    assert set(json.loads(result.stdout)) == {
        "front-matter", "mail", "sgml-newswire", "gutenberg", "rst", "header-block", "date-prefix",
        "title-line", "body-only",
    }  # fmt: skip


def test_formats_lists_the_registry_with_options() -> None:
    result = run("formats", "--json")
    assert result.returncode == 0
    table = json.loads(result.stdout)
    assert list(table) == ["epub", "pdf", "jsonld", "nitf"] and table["pdf"]["suffix"] == ".pdf"
    assert table["epub"]["options"] == {}
    assert table["pdf"]["options"]["paper"]["choices"] == ["A4", "A5", "Letter"]
    text = run("formats").stdout
    assert "-O paper=A4|A5|Letter" in text and "[default: no]" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "mobi"], "unknown format 'mobi'; known: epub, pdf, jsonld, nitf"),
        (
            ["export", "epub", "--group-by", "weekday"],
            "unknown grouping 'weekday'; known: month, source, none",
        ),
        (["export", "pdf", "-O", "paper=A3"], "unknown paper 'A3'; known: A4, A5, Letter"),
        (["export", "pdf", "--option", "colour=red"], "unknown pdf option 'colour'; known: paper, layout"),
        (["export", "pdf", "-O", "bleed=20"], "option bleed: 20 is outside 0 to 10"),
        (["export", "pdf", "-O", "marks"], "write KEY=VALUE"),
        (["export", "epub", "-O", "paper=A5"], "epub has no options"),
        (["export", "epub", "--from", "april"], "use YYYY, YYYY-MM or YYYY-MM-DD"),
        (["export", "epub", "--executor", "slurm"], "unknown executor 'slurm'; known: local, dask"),
    ],
)
def test_unknown_names_and_bad_options_are_one_line_and_exit_2(
    args: list[str], message: str, tmp_path: Path
) -> None:
    result = run(*args, archive=tmp_path / "nowhere")  # checked before the (missing) archive is opened
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr


def test_export_pdf_reports_missing_glyphs_and_goes_on(tmp_path: Path) -> None:
    odd = tmp_path / "grin.txt"
    odd.write_text("A grin\n\nThe mayor smiled 😀 at the opening of the new harbour ferry terminal.\n")
    assert run("ingest", odd, archive=tmp_path / "arc").returncode == 0
    result = run(
        "export",
        "pdf",
        "-O",
        "paper=A5",
        "-O",
        "marks=true",
        "-o",
        tmp_path / "grin.pdf",
        archive=tmp_path / "arc",
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "glyph-missing" in line]
    assert len(lines) == 1 and "U+1F600 GRINNING FACE" in lines[0], result.stderr
    assert (tmp_path / "grin.pdf").read_bytes()[:5] == b"%PDF-"


def test_a_damaged_document_is_left_out_of_exports_and_build_goes_on(tmp_path: Path) -> None:
    root = tmp_path / "arc"
    assert run("ingest", *sorted(SOURCES.iterdir())[:3], archive=root).returncode == 0
    damaged = sorted((root / "documents").rglob("*.xml"))[0]
    damaged.write_bytes(damaged.read_bytes()[:200])  # cut off: not even XML any more
    exported = run("export", "epub", "--json", "-o", tmp_path / "e.epub", archive=root)
    assert exported.returncode == 4, exported.stderr
    found = json.loads(exported.stdout)
    assert found["articles"] == 2 and [p["code"] for p in found["problems"]] == ["invalid-document"]
    assert damaged.stem in found["problems"][0]["source"] and (tmp_path / "e.epub").exists()
    built = run("build", SOURCES, "--out", tmp_path / "dist", archive=root)
    assert built.returncode == 4 and "invalid" in built.stderr  # reported, and the rest exported
    assert len(list((tmp_path / "dist").rglob("*.epub"))) == len(list(SOURCES.iterdir()))  # n-1 + edition


def test_careless_export_and_search_arguments_are_usage_errors(archive: Path, tmp_path: Path) -> None:
    """A file name with another format's suffix, the format given twice, a zero limit: exit 2, one line."""
    wrong = run("export", "epub", "-o", tmp_path / "edition.pdf", archive=archive)
    assert wrong.returncode == 2 and "epub editions are .epub files" in wrong.stderr
    assert not (tmp_path / "edition.pdf").exists()  # no folder made under a file's name
    zipped = run("export", "nitf", "-o", tmp_path / "news.xml", archive=archive)
    assert zipped.returncode == 2 and ".zip" in zipped.stderr
    both = run("export", "epub", "--format", "pdf", "-o", tmp_path / "out", archive=archive)
    assert both.returncode == 2 and "not both" in both.stderr
    assert run("search", "Vladivostok", "--limit", "0", archive=archive).returncode == 2
    one = run("search", "Vladivostok", archive=archive)
    assert one.returncode == 0 and "1 result\n" in one.stderr
