"""Measure how PDF export time grows with the size of one article (seconds and pages per size).

Generates one synthetic Dutch article per size and shape - `paragraphs` (blank-line paragraphs
of ~120 characters) or `block` (one hard-wrapped block, which ingest reads as one paragraph) -
ingests it, and times its PDF export (pdf.render), each size in a fresh process. Prints a
Markdown table; CPU time per page (this process and pdftotext) should stay roughly flat as the
article grows. Wall time depends on what else the machine runs.
Usage: .venv/bin/python scripts/pdf_scaling.py [--sizes 0.25 0.5 1 2] [--shapes paragraphs block]
       [--layout newspaper] [--profile DIR]   (--profile: one cProfile file per run, CPU time;
       it slows Python code several times, so use it to compare sizes, not for the table)
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

WORDS = [
    "de",
    "het",
    "een",
    "van",
    "en",
    "in",
    "op",
    "te",
    "dat",
    "is",
    "voor",
    "met",
    "niet",
    "zijn",
    "aan",
    "er",
    "maar",
    "om",
    "ook",
    "als",
    "bij",
    "nog",
    "wel",
    "door",
    "naar",
    "uit",
    "over",
    "tot",
    "dan",
    "kan",
    "worden",
    "stad",
    "markt",
    "regering",
    "minister",
    "verkiezing",
    "schaatsers",
    "ijs",
    "winter",
    "zomer",
    "haven",
    "veerboot",
    "bibliotheek",
    "gemeenteraad",
    "fietsbrug",
    "provincie",
]


def article_text(size: int, shape: str) -> str:
    """About `size` characters of deterministic text with a title line."""
    rng = random.Random(size)
    paragraphs, total = [], 0
    while total < size:
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < 120:
            words.append(rng.choice(WORDS))
        sentence = " ".join(words)
        paragraphs.append(sentence[0].upper() + sentence[1:] + ".")
        total += len(paragraphs[-1]) + 2
    title = "Een zeer lang artikel over de stad en de haven\n\n"
    if shape == "paragraphs":
        return title + "\n\n".join(paragraphs) + "\n"
    return title + "\n".join(textwrap.wrap(" ".join(paragraphs), 72)) + "\n"


def _cpu() -> float:
    """CPU seconds of this process and its finished children (pdftotext runs in one)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def one(shape: str, megabytes: float, layout: str, profile: str | None) -> dict[str, Any]:
    """Measure one size in this process: the stages of archiver.export.pdf.render."""
    import cProfile

    import pikepdf

    from archiver.export import pdf
    from archiver.export.edition import gather
    from archiver.export.frame import frame
    from archiver.ingest import ingest_bytes

    raw = article_text(int(megabytes * 1_000_000), shape).encode()
    doc = ingest_bytes(raw, f"scaling-{shape}.txt", "2024-01-01T00:00:00Z").document
    profiler = cProfile.Profile(time.process_time) if profile else None
    if profiler:
        profiler.enable()
    start = (time.perf_counter(), _cpu())
    data = pdf.render(frame(gather([doc])), pdf.PdfOptions(layout=layout))
    wall, cpu = time.perf_counter() - start[0], _cpu() - start[1]
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(Path(profile or ".") / f"{shape}-{megabytes:g}MB.prof"))
    with pikepdf.open(io.BytesIO(data)) as done:
        pages = len(done.pages)
    return {"shape": shape, "mb": megabytes, "bytes": len(raw), "pages": pages, "wall": wall, "cpu": cpu}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="+", type=float, default=[0.25, 0.5, 1, 2])
    parser.add_argument("--shapes", nargs="+", default=["paragraphs", "block"])
    parser.add_argument("--layout", default="book", help="book (one column) or newspaper (two)")
    parser.add_argument("--profile", help="folder for one cProfile file per run")
    parser.add_argument("--one", nargs=2, metavar=("SHAPE", "MB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    if args.one:
        print(json.dumps(one(args.one[0], float(args.one[1]), args.layout, args.profile)))
        return 0
    print("| shape | MB | pages | wall s | CPU s | CPU ms/page |")
    print("|---|---|---|---|---|---|")
    for shape in args.shapes:
        for size in args.sizes:
            cmd = [sys.executable, __file__, "--one", shape, str(size), "--layout", args.layout]
            cmd += ["--profile", args.profile] if args.profile else []
            r = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
            per_page = 1000 * r["cpu"] / r["pages"]
            row = f"| {shape} | {size:g} | {r['pages']} | {r['wall']:.1f} | {r['cpu']:.1f} | {per_page:.0f} |"
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
