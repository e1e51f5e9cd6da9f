"""`archiver serve` on the command line: loopback by default, uploads need a token, clear refusals."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archiver.cli import app
from archiver.errors import UsageError
from archiver.serve import Settings, run
from archiver.serve.settings import ENVIRONMENT, settings_from_environment
from tests.cli.test_cli import run as run_process


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """uvicorn.run recorded instead of run (the settings for several workers restored afterwards)."""
    calls: list[dict[str, object]] = []
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.setattr(run, "check_free", lambda host, port: None)  # 8080 may be taken on this machine
    monkeypatch.setenv(ENVIRONMENT, "")
    return calls


def settings_of(call: dict[str, object]) -> Settings:
    """The settings uvicorn was given: on the app itself, or for the workers in the environment."""
    if call["app"] == run.FACTORY:
        assert call["factory"] is True
        return settings_from_environment()
    settings: Settings = call["app"].state.settings  # type: ignore[attr-defined]
    return settings


def test_binds_loopback_unless_told(archive_root: Path, started: list[dict[str, object]]) -> None:
    result = CliRunner().invoke(app, ["--archive", str(archive_root), "serve"])
    assert result.exit_code == 0, result.output
    assert started[0]["host"] == "127.0.0.1" and started[0]["port"] == 8080
    assert "http://127.0.0.1:8080/" in result.output
    settings = settings_of(started[0])
    assert not settings.allow_upload and settings.token is None
    assert settings.root == archive_root


def test_workers_default_to_the_cpus_and_one_serves_in_process(
    archive_root: Path, started: list[dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "default_workers", lambda: 3)
    base = ["--archive", str(archive_root), "serve"]
    assert CliRunner().invoke(app, base).exit_code == 0
    assert started[0]["app"] == run.FACTORY and started[0]["workers"] == 3
    assert CliRunner().invoke(app, [*base, "--workers", "1"]).exit_code == 0
    assert "workers" not in started[1] and settings_of(started[1]).root == archive_root
    assert 1 <= run.default_workers() <= run.MAX_DEFAULT_WORKERS


def test_zero_workers_is_a_usage_error(archive_root: Path) -> None:
    result = run_process("serve", "--workers", "0", archive=archive_root)
    assert result.returncode == 2 and "--workers" in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 4  # click's framed one-line message


def test_bad_worker_settings_are_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENVIRONMENT, "{not json")
    with pytest.raises(UsageError, match=f"^{ENVIRONMENT}: not settings of `archiver serve`"):
        settings_from_environment()
    monkeypatch.delenv(ENVIRONMENT)
    with pytest.raises(UsageError, match="start the server with `archiver serve`"):
        settings_from_environment()


def test_another_host_is_said_aloud(
    archive_root: Path, started: list[dict[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(run, "lan_address", lambda: "192.0.2.7")
    result = CliRunner().invoke(
        app, ["--archive", str(archive_root), "serve", "--host", "0.0.0.0", "--port", "9"]
    )
    assert result.exit_code == 0 and started[0]["host"] == "0.0.0.0"
    assert "not only this machine" in result.output
    assert "on this network: http://192.0.2.7:9/" in result.output  # 0.0.0.0 is no address to visit


def test_the_network_address_is_one_others_can_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    found = run.lan_address()
    assert found is None or not ipaddress.ip_address(found).is_loopback

    def unreachable(self: socket.socket, address: object) -> None:
        raise OSError("Network is unreachable")

    monkeypatch.setattr(socket.socket, "connect", unreachable)
    assert run.lan_address() is None  # no route out: nothing is printed


def test_upload_needs_a_long_enough_token(
    archive_root: Path, tmp_path: Path, started: list[dict[str, object]]
) -> None:
    refused = run_process("serve", "--allow-upload", archive=archive_root)  # stops before it listens
    assert refused.returncode == 2 and "--allow-upload needs --token" in refused.stderr
    short = run_process("serve", "--allow-upload", "--token", "short", archive=archive_root)
    assert short.returncode == 2 and "at least 16 characters" in short.stderr
    alone = run_process("serve", "--token", "a-token-of-twenty-chars", archive=archive_root)
    assert alone.returncode == 2 and "are for --allow-upload" in alone.stderr  # guards nothing alone
    runner = CliRunner()
    base = ["--archive", str(archive_root), "serve", "--allow-upload"]
    token_file = tmp_path / "token"
    token_file.write_text("a-token-of-twenty-chars\n")
    result = runner.invoke(app, [*base, "--token-file", str(token_file)])
    assert result.exit_code == 0, result.output
    assert settings_of(started[0]).token == "a-token-of-twenty-chars"


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
