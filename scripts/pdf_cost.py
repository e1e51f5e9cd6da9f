"""Where a printed page's WeasyPrint time goes: archiver's chunks beside pandoc's HTML, feature by feature.

Makes the bench corpus (scripts/bench.py) of N articles, ingests it, and captures the body chunks
an edition export would render (their HTML and CSS). Then, in this one process, times (CPU) a
render of every chunk as archiver makes it, and again with one print feature switched off at a
time, and WeasyPrint on pandoc's standalone HTML of the same raw files (the bench's PDF peer).
Prints a Markdown table of CPU seconds, pages and milliseconds per page. The features are only
switched off here, to measure them: the PDF is not meant to go without them.
Usage: .venv/bin/python scripts/pdf_cost.py [--articles 80] [--repeat 2]
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

Variant = tuple[str, Callable[[str], str], bool]  # name, CSS change, tagged
VARIANTS: list[Variant] = [
    ("archiver, as printed", lambda css: css, True),
    ("untagged", lambda css: css, False),
    (
        "no hyphenation",
        lambda css: css + " p, span.footnote, figcaption { hyphens: manual !important; }",
        True,
    ),
    ("ragged right", lambda css: css + " p, span.footnote { text-align: left !important; }", True),
    (
        "no ligatures or kerning",
        lambda css: (
            css + " :root { font-variant-ligatures: none !important; font-kerning: none !important; }"
        ),
        True,
    ),
    (
        "no running heads",
        lambda css: (
            css
            + " @page { @top-left { content: none !important; } @top-right { content: none !important; } }"
        ),
        True,
    ),
]


def _chunks(archive: Path) -> list[tuple[bytes, str]]:
    """The body chunks an edition export of `archive` would render (HTML and CSS), nothing rendered."""
    from archiver import recipes
    from archiver.export import pdf_parts
    from archiver.store import Archive, Selection

    caught: list[tuple[bytes, str]] = []

    class Stop(Exception):
        pass

    def files(self: pdf_parts.Rendered, jobs: Sequence[pdf_parts.Job]) -> list[Path]:
        caught.extend((j.html, j.css) for j in jobs if j.notes == "starts")
        raise Stop

    keep = pdf_parts.Rendered.files
    pdf_parts.Rendered.files = files  # type: ignore[method-assign]
    try:
        with Archive(archive) as arc:
            job = recipes.export_job("pdf", cache=False, include_duplicates=True)
            recipes.export(arc, job, Selection(), archive.parent / "x.pdf")
    except Stop:
        pass
    finally:
        pdf_parts.Rendered.files = keep  # type: ignore[method-assign]
    return caught


def _pages(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def _timed(render: Callable[[], bytes], repeat: int) -> tuple[float, bytes]:
    best, data = float("inf"), b""
    for _ in range(repeat):
        start = time.process_time()
        data = render()
        best = min(best, time.process_time() - start)
    return best, data


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=80)
    parser.add_argument("--repeat", type=int, default=2, help="renders per variant; the fastest counts")
    args = parser.parse_args()
    import bench  # scripts/bench.py: the corpus

    from archiver.export.pdf_render import render_html, render_part

    with tempfile.TemporaryDirectory(prefix="pdf-cost-") as tmp:
        raw, arc = Path(tmp) / "raw", Path(tmp) / "arc"
        bench.make_corpus(raw, args.articles)
        subprocess.run(
            [*bench.ARCHIVER, "--archive", str(arc), "ingest", str(raw)], check=True, capture_output=True
        )
        chunks = _chunks(arc)
        pandoc = shutil.which("pandoc")
        peer = None
        if pandoc:
            files = sorted(str(p) for p in raw.iterdir())
            done = subprocess.run([pandoc, "-f", "markdown", "-s", *files], check=True, capture_output=True)
            peer = done.stdout
    import weasyprint

    render_part(*chunks[0])  # warm: fonts and imports load once
    print(f"{args.articles} bench articles, {len(chunks)} body chunks; CPU seconds of this process\n")
    print("| render | CPU s | pages | ms per page |")
    print("|---|---|---|---|")
    for name, change, tagged in VARIANTS:
        total, pages = 0.0, 0
        for html, css in chunks:
            seconds, data = _timed(partial(render_html, html, change(css), tagged=tagged), args.repeat)
            total, pages = total + seconds, pages + _pages(data)
        print(f"| {name} | {total:.2f} | {pages} | {1000 * total / pages:.0f} |")
    if peer is not None:
        seconds, data = _timed(lambda: weasyprint.HTML(string=peer).write_pdf(), args.repeat)
        print(
            f"| pandoc's HTML, WeasyPrint defaults | {seconds:.2f} | {_pages(data)} | "
            f"{1000 * seconds / _pages(data):.0f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
