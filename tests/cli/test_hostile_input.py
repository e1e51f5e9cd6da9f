"""Odd names and odd files, as a careless operator or a hostile user hands them to the CLI."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.conftest import SEED


def run(
    *args: str | Path | bytes, archive: Path, umask: int | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "archiver", "--archive", os.fsencode(archive), *map(os.fsencode, args)],
        capture_output=True,
        timeout=120,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )


def article(folder: Path, name: str | bytes, title: str = "Harbour ferry resumes") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = Path(os.fsdecode(os.path.join(os.fsencode(folder), os.fsencode(name))))
    path.write_text(f"{title}\n\nThe ferry across the harbour runs again from Monday, {name!r}.\n")
    return path


def test_a_file_name_that_is_not_utf8_is_archived_and_shown_escaped(tmp_path: Path) -> None:
    article(tmp_path / "in", b"caf\xe9-news.txt")
    result = run("ingest", "--json", tmp_path / "in", archive=tmp_path / "arc")
    assert result.returncode == 0, result.stderr
    (outcome,) = json.loads(result.stdout)
    assert outcome["status"] == "new" and outcome["path"].endswith("caf\\xe9-news.txt")
    listed = json.loads(run("list", "--json", archive=tmp_path / "arc").stdout)
    assert listed[0]["name"] == "caf\\xe9-news.txt"


def test_control_characters_in_names_and_titles_never_reach_the_terminal_raw(tmp_path: Path) -> None:
    article(tmp_path / "in", "evil\n\x1b[31mred.txt", title="Title \x1b]0;pwned\x07 :smile: [bold]x[/bold]")
    (tmp_path / "in" / "empty\x1b[2J.txt").write_bytes(b"")
    result = run("ingest", tmp_path / "in", archive=tmp_path / "arc")
    assert b"\x1b" not in result.stderr and b"\\x1b[2J" in result.stderr
    listing = run("list", archive=tmp_path / "arc")
    assert b"\x1b" not in listing.stdout and b"\\x1b" in listing.stdout
    assert b":smile:" in listing.stdout and b"[bold]" in listing.stdout  # no emoji codes, no markup


def test_long_names_in_multibyte_letters_are_capped_in_bytes(tmp_path: Path) -> None:
    name = "ü" * 121 + ".txt"  # 246 bytes: fine for the file system, too long with a temporary suffix
    article(tmp_path / "in", name)
    result = run("ingest", tmp_path / "in", archive=tmp_path / "arc")
    assert result.returncode == 0, result.stderr
    (kept,) = (tmp_path / "arc" / "originals").rglob("*.txt")
    assert len(kept.name.encode()) <= 200 and kept.name.endswith(".txt")
    assert run("verify", archive=tmp_path / "arc").returncode == 0


def test_links_fifos_and_hidden_files_are_never_skipped_silently(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    real = article(tmp_path / "elsewhere", "real.txt")
    article(inbox, "plain.txt", title="Plain article here")
    (inbox / "link.txt").symlink_to(real)
    (inbox / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (inbox / "linked-folder").symlink_to(tmp_path / "elsewhere")
    os.mkfifo(inbox / "pipe.txt")
    (inbox / ".hidden.txt").write_text("Hidden\n\nNot for the archive.\n")
    result = run("ingest", inbox, archive=tmp_path / "arc")
    err = result.stderr.decode()
    assert result.returncode == 1
    for name in ("link.txt", "dangling.txt", "linked-folder", "pipe.txt"):
        assert any(name in line and ": skipped:" in line for line in err.splitlines()), (name, err)
    assert "1 new" in err and "1 hidden files left out" in err
    followed = run("ingest", "--follow-symlinks", inbox, archive=tmp_path / "arc2")
    err = followed.stderr.decode()
    assert "2 new" in err  # plain.txt, and real.txt through both links (same bytes: once)
    assert "dangling.txt: skipped" in err and "pipe.txt: skipped" in err


def test_files_follow_the_umask(tmp_path: Path) -> None:
    article(tmp_path / "in", "a.txt")
    assert run("ingest", tmp_path / "in", archive=tmp_path / "arc", umask=0o027).returncode == 0
    modes = {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "arc").rglob("*") if p.is_file()}
    assert modes == {0o640}
    out = tmp_path / "a.epub"
    assert run("export", "epub", "-o", out, archive=tmp_path / "arc", umask=0o022).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_a_named_symlink_is_followed_only_when_asked(tmp_path: Path) -> None:
    link = tmp_path / "seed-link.txt"
    link.symlink_to(SEED)
    refused = run("ingest", link, archive=tmp_path / "arc")
    assert refused.returncode == 1 and b"--follow-symlinks" in refused.stderr
    assert run("ingest", "--follow-symlinks", link, archive=tmp_path / "arc").returncode == 0
