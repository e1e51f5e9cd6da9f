"""Benchmark: whole-process wall time, CPU time and peak memory for 1, 100 and 1000 articles.

Runs archiver as a user would (separate processes) on copies of sources/ made distinct, and
pandoc on the same files where it is installed, and prints a Markdown table with ratios.
Usage: .venv/bin/python scripts/bench.py [--sizes 1 100 1000] [--pdf-max 100]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHIVER = [sys.executable, "-m", "archiver"]
# Runs one command in a fresh interpreter, so its peak memory is its own.
MEASURE = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
    "wall = time.perf_counter() - t\n"
    "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "cpu = r.ru_utime + r.ru_stime\n"
    "print(json.dumps({'code': code, 'wall': wall, 'cpu': cpu, 'rss_mb': r.ru_maxrss / 1024}))\n"
)


def measure(cmd: list[str]) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout)
    if result["code"] != 0:
        raise SystemExit(f"bench: {' '.join(cmd[:4])}… exited {result['code']}")
    return result


def make_corpus(folder: Path, n: int) -> None:
    """n distinct raw articles: the samples in turn, each with one numbered closing paragraph."""
    samples = sorted(p for p in (ROOT / "sources").iterdir() if p.is_file())
    folder.mkdir(parents=True)
    for i in range(n):
        src = samples[i % len(samples)]
        data = src.read_bytes()
        newline = b"\r\n" if b"\r\n" in data else b"\n"
        extra = f"Bench copy {i} of {src.stem}.".encode("ascii")  # ASCII fits every sample's encoding
        (folder / f"{i:05d}_{src.name}").write_bytes(data.rstrip() + newline * 2 + extra + newline)


def row(label: str, r: dict[str, float], base: dict[str, float] | None = None) -> str:
    ratio = f"{r['wall'] / base['wall']:.2f}×" if base else ""
    return f"| {label} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['rss_mb']:.0f} | {ratio} |"


def main() -> int:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=fmt)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--pdf-max", type=int, default=100, help="largest size to render as one PDF")
    parser.add_argument("--calibre-max", type=int, default=100, help="largest size to run calibre on")
    args = parser.parse_args()
    pandoc = shutil.which("pandoc")
    calibre = shutil.which("ebook-convert")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # calibre without a screen
    print("| step | wall s | CPU s | peak MB | vs peer |")
    print("|---|---|---|---|---|")
    env_note = os.environ.get("SOURCE_DATE_EPOCH", "unset")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            raw, arc, out = Path(tmp) / "raw", Path(tmp) / "arc", Path(tmp) / "out"
            make_corpus(raw, n)
            out.mkdir()
            base = [*ARCHIVER, "--archive", str(arc)]
            print(row(f"{n}: ingest", measure([*base, "ingest", str(raw)])))
            print(row(f"{n}: ingest again (unchanged)", measure([*base, "ingest", str(raw)])))
            if n > 1:
                fresh = [*ARCHIVER, "--archive", str(arc) + "-jobs", "ingest", "--jobs", "0", str(raw)]
                print(row(f"{n}: ingest, one worker per core", measure(fresh)))
            ref = None
            if pandoc:
                files = sorted(str(p) for p in raw.iterdir())
                ref = measure([pandoc, "-f", "markdown", "-t", "epub3", "-o", str(out / "p.epub"), *files])
            epub = measure([*base, "export", "epub", "-o", str(out / "a.epub")])
            print(row(f"{n}: export epub edition", epub, ref))
            if ref:
                print(row(f"{n}: pandoc epub of the same files", ref))
            if calibre and n <= args.calibre_max:
                fails = out / "calibre-failures.txt"
                loop = (
                    f'i=0; for f in "{raw}"/*; do i=$((i+1)); '
                    f'"{calibre}" "$f" "{out}/c$i.epub" || echo "$f" >> "{fails}"; done'
                )
                ref_each = measure(["sh", "-c", loop])
                failed = len(fails.read_text().splitlines()) if fails.exists() else 0
                each = measure([*base, "export", "epub", "--each", "-o", str(out / "each")])
                print(row(f"{n}: export epub --each (one per article)", each, ref_each))
                print(row(f"{n}: calibre ebook-convert, one per file ({failed} failed)", ref_each))
            if n <= args.pdf_max:
                pdf = measure([*base, "export", "pdf", "-o", str(out / "a.pdf")])
                print(row(f"{n}: export pdf edition", pdf))
    print(
        f"\nSOURCE_DATE_EPOCH={env_note}; {os.cpu_count()} cores; pandoc: {pandoc or 'not installed'}; "
        f"calibre: {calibre or 'not installed'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
