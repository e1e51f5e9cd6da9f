"""The entry point builds only the command the arguments name: the same output as the whole app."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from archiver import cli

# main() with the whole app, every command built (as before), and main() as it is.
_MAIN = "import sys; from archiver import cli; sys.argv[0] = 'archiver'; cli.main()"
_WHOLE = _MAIN.replace("cli.main()", "cli._named_command = lambda args: []; cli.main()")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["ingest", "x.txt"], "ingest"),
        (["--archive", "arc", "list"], "list"),
        (["-a", "ingest", "show", "x"], "show"),  # "ingest" is the archive's folder here
        (["--archive=arc", "cache", "--help"], "cache"),
        (["--help"], None),
        (["--version", "ingest"], None),
        (["-a"], None),
        (["ingst"], None),
        (["-aarc", "list"], None),
        ([], None),
    ],
)
def test_the_named_command_is_found_only_when_plainly_named(args: list[str], named: str | None) -> None:
    found = cli._named_command(args)
    assert [cli._command_name(c) for c in found] == ([named] if named else [])


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["ingest", "--help"],
        ["-a", "{arc}", "export", "--help"],
        ["--archive={arc}", "list", "--help"],
        ["ingest"],
        ["ingst", "x"],
        ["-a", "{arc}", "list"],
        ["-a", "{arc}", "export", "epub", "--bogus"],
        ["--version"],
    ],
)
def test_main_answers_as_the_whole_app(args: list[str], tmp_path: Path) -> None:
    argv = [a.format(arc=tmp_path / "missing") for a in args]
    runs = [
        subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True)
        for code in (_WHOLE, _MAIN)
    ]
    whole, narrowed = ((r.returncode, r.stdout, r.stderr) for r in runs)
    assert narrowed == whole
    assert whole[1] or whole[2]  # something was said


def test_main_builds_the_named_command_alone_and_leaves_the_app_whole(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = list(cli.app.registered_commands)
    built: list[list[str]] = []
    get_command = typer.main.get_command

    def spy(app: typer.Typer) -> Any:
        built.append([cli._command_name(c) for c in app.registered_commands])
        return get_command(app)

    monkeypatch.setattr(typer.main, "get_command", spy)
    monkeypatch.setattr(sys, "argv", ["archiver", "formats", "--help"])
    # main() sets signal handlers and an environment variable; the tests' process keeps neither
    # (a pool forked later by another test would inherit the handlers)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", os.environ.get("OPENBLAS_NUM_THREADS", "1"))
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        with pytest.raises(SystemExit):
            cli.main()
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    assert "Usage: archiver formats" in capsys.readouterr().out
    assert built == [["formats"]]
    assert cli.app.registered_commands == before
