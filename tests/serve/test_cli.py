"""`archiver serve` on the command line: loopback by default, uploads need a token, clear refusals."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archiver.cli import app
from archiver.serve import run
from tests.cli.test_cli import run as run_process


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """uvicorn.run recorded instead of run."""
    calls: list[dict[str, object]] = []
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.setattr(run, "check_free", lambda host, port: None)  # 8080 may be taken on this machine
    return calls


def test_binds_loopback_unless_told(archive_root: Path, started: list[dict[str, object]]) -> None:
    result = CliRunner().invoke(app, ["--archive", str(archive_root), "serve"])
    assert result.exit_code == 0, result.output
    assert started[0]["host"] == "127.0.0.1" and started[0]["port"] == 8080
    assert "http://127.0.0.1:8080/" in result.output
    settings = started[0]["app"].state.settings  # type: ignore[attr-defined]
    assert not settings.allow_upload and settings.token is None


def test_another_host_is_said_aloud(archive_root: Path, started: list[dict[str, object]]) -> None:
    result = CliRunner().invoke(
        app, ["--archive", str(archive_root), "serve", "--host", "0.0.0.0", "--port", "9"]
    )
    assert result.exit_code == 0 and started[0]["host"] == "0.0.0.0"
    assert "not only this machine" in result.output


def test_upload_needs_a_long_enough_token(
    archive_root: Path, tmp_path: Path, started: list[dict[str, object]]
) -> None:
    refused = run_process("serve", "--allow-upload", archive=archive_root)  # stops before it listens
    assert refused.returncode == 2 and "--allow-upload needs --token" in refused.stderr
    short = run_process("serve", "--allow-upload", "--token", "short", archive=archive_root)
    assert short.returncode == 2 and "at least 16 characters" in short.stderr
    runner = CliRunner()
    base = ["--archive", str(archive_root), "serve", "--allow-upload"]
    token_file = tmp_path / "token"
    token_file.write_text("a-token-of-twenty-chars\n")
    result = runner.invoke(app, [*base, "--token-file", str(token_file)])
    assert result.exit_code == 0, result.output
    assert started[0]["app"].state.settings.token == "a-token-of-twenty-chars"  # type: ignore[attr-defined]


def test_token_file_problems_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="cannot read the token"):
        run.token_of(None, tmp_path / "missing")
    (tmp_path / "empty").write_text("")
    with pytest.raises(Exception, match="empty"):
        run.token_of(None, tmp_path / "empty")


def test_a_missing_archive_is_exit_3(tmp_path: Path) -> None:
    result = run_process("serve", archive=tmp_path / "none")
    assert result.returncode == 3 and "no archive here" in result.stderr


def test_help_has_an_example() -> None:
    result = run_process("serve", "--help")
    assert result.returncode == 0 and "Example: archiver serve" in result.stdout
    assert "127.0.0.1" in result.stdout


def test_a_port_in_use_is_one_line_before_anything_starts(archive_root: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_process("serve", "--port", str(port), archive=archive_root)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"archiver: cannot listen on 127.0.0.1:{port}: Address already in use "
        "(choose another --host or --port)"
    )
