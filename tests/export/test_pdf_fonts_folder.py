"""A PDF export leaves no font folder behind, and a render process shares one font configuration."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from archiver.export import pdf_fonts_folder, pdf_render
from tests.conftest import SOURCES

HTML = (
    b'<html><head><link rel="stylesheet" href="archiver:styles/print.css"/></head>'
    b"<body><p>Text.</p></body></html>"
)


def test_an_export_with_workers_leaves_no_font_folder(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    archiver = [sys.executable, "-m", "archiver", "--archive", str(tmp_path / "arc")]
    subprocess.run([*archiver, "ingest", str(SOURCES)], check=True, env=env, capture_output=True)
    export = [
        *archiver,
        "export",
        "pdf",
        "--jobs",
        "2",
        "--include-duplicates",
        "-o",
        str(tmp_path / "e.pdf"),
    ]
    done = subprocess.run(export, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "e.pdf").stat().st_size > 10_000
    assert (
        sorted(p.name for p in temp.iterdir()) == []
    )  # WeasyPrint's folders were 55 MB each, left by workers


def test_renders_in_one_process_share_one_font_folder() -> None:
    first = pdf_render.render_html(HTML, "@page { size: A5 }")
    fonts = pdf_render._styles("@page { size: A5 }")[2]
    held = Path(fonts._folder)
    assert held.name.startswith(f"{pdf_fonts_folder.PREFIX}{os.getpid()}-") and any(held.iterdir())
    second = pdf_render.render_html(HTML, "@page { size: A5 }")
    assert pdf_render._styles("@page { size: A5 }")[2] is fonts and second == first
    pdf_render.render_html(HTML, "@page { size: A4 }")  # another stylesheet, the same fonts and folder
    assert pdf_render._styles("@page { size: A4 }")[2] is fonts
    assert [p.name for p in held.parent.glob(f"{pdf_fonts_folder.PREFIX}{os.getpid()}-*")] == [held.name]


def test_sweep_removes_only_old_folders_of_dead_processes(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    gone = int(dead.stdout)
    old, young, alive, other = (
        tmp_path / f"{pdf_fonts_folder.PREFIX}{gone}-old",
        tmp_path / f"{pdf_fonts_folder.PREFIX}{gone}-young",
        tmp_path / f"{pdf_fonts_folder.PREFIX}{os.getpid()}-mine",
        tmp_path / "weasyprint-someone",
    )
    for folder in (old, young, alive, other):
        folder.mkdir()
        (folder / "font").write_bytes(b"x")
    hour_ago = time.time() - 2 * pdf_fonts_folder.STALE_AFTER
    for folder in (old, alive, other):
        os.utime(folder, (hour_ago, hour_ago))
    assert pdf_fonts_folder.sweep(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (young, alive, other))
