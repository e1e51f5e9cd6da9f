"""Benchmark: whole processes, as a user runs them, beside the peers on the same files, in one run.

For each size it makes that many distinct raw articles (the samples of sources/ in turn, each
with one numbered closing paragraph), then measures:
  archiver ingest (cold, then again unchanged), the EPUB edition (cold, warm, and after one
  article changed, checked byte-identical to a cold export), the PDF edition (the same), and
  the peers on the same files: pandoc -> EPUB, pandoc -> HTML -> WeasyPrint for the PDF, and
  calibre's ebook-convert (one file per article) at small sizes.
Every measurement is a fresh process tree: wall seconds, CPU seconds (user + system of the tree,
workers included) and peak memory as the largest sum of resident sets over the whole tree
(sampled every 20 ms). Prints a Markdown table and the ratios the issue's targets are stated in,
writes the figures as JSON and a log-log chart (matplotlib PNG).

Usage: .venv/bin/python scripts/bench.py [--sizes 1 100 1000 5000 20000] [--pdf-max 5000]
       [--pdf-peer-max 1000] [--check-max 1000] [--calibre-max 100]
       [--json build/bench.json] [--chart docs/img/bench.png]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHIVER = [sys.executable, "-m", "archiver"]
WEASYPRINT = [sys.executable, "-m", "weasyprint"]
KEEP = "--include-duplicates"  # the corpus repeats the samples: near-duplicates that editions would leave out


@dataclass
class Run:
    """One measured process tree."""

    size: int
    step: str
    wall: float
    cpu: float
    rss_mb: float
    code: int
    peer: str = ""  # the step of the peer this one is compared with


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants now (0 once it is gone)."""
    import psutil

    try:
        top = psutil.Process(pid)
        procs = [top, *top.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.Error):  # a worker that just ended
            total += proc.memory_info().rss
    return total


def measure(cmd: list[str], size: int, step: str, peer: str = "", env: dict[str, str] | None = None) -> Run:
    """Run `cmd` to the end; wall, tree CPU (wait4 counts waited-for descendants) and peak tree RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert proc.stderr is not None
    errors = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = errors.decode("utf-8", "replace").strip().splitlines()[-3:]
        print(f"bench: {step} at {size} exited {proc.returncode}: {' / '.join(tail)}", file=sys.stderr)
    cpu = usage.ru_utime + usage.ru_stime
    rss = max(peak, usage.ru_maxrss * 1024)
    return Run(size, step, round(wall, 3), round(cpu, 3), round(rss / 2**20, 1), proc.returncode, peer)


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


def change_one(folder: Path) -> None:
    """Edit one raw article (the middle one) as a correction would: a sentence added at its end."""
    files = sorted(folder.iterdir())
    path = files[len(files) // 2]
    path.write_bytes(path.read_bytes() + b"\nCorrection: a sentence added after publication.\n")


def pages(path: Path) -> int:
    """A PDF's page count (0 when there is no file)."""
    import pikepdf

    if not path.exists():
        return 0
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def per_page(n: int, runs: list[Run], out: Path) -> list[str]:
    """Pages and CPU per page of archiver's PDF and the peer's: the gap is pages times cost per page."""
    cpu = {r.step: r.cpu for r in runs if r.size == n}
    ours, theirs = pages(out / "a.pdf"), pages(out / "p.pdf")
    line = f"{n}: PDF pages: archiver {ours}"
    if ours and "export pdf" in cpu:
        line += f" ({1000 * cpu['export pdf'] / ours:.0f} ms CPU a page, whole export)"
    peer = cpu.get("weasyprint pdf of pandoc html")
    if theirs and peer is not None:
        line += f", pandoc → WeasyPrint {theirs} ({1000 * peer / theirs:.0f} ms CPU a page)"
    return [line]


def same_bytes(a: Path, b: Path) -> str:
    return "identical" if a.read_bytes() == b.read_bytes() else "DIFFERENT"


def bench_size(
    n: int, args: argparse.Namespace, tools: dict[str, str | None], tmp: Path
) -> tuple[list[Run], list[str]]:
    runs: list[Run] = []
    notes: list[str] = []
    # `tmp` stays until the whole run ends (see main)
    raw, arc, out = tmp / "raw", tmp / "arc", tmp / "out"
    make_corpus(raw, n)
    out.mkdir()
    base = [*ARCHIVER, "--archive", str(arc)]
    files = sorted(str(p) for p in raw.iterdir())

    def run(step: str, cmd: list[str], peer: str = "") -> Run:
        r = measure(cmd, n, step, peer)
        runs.append(r)
        print(f"  {n:>6} {step:<34} {r.wall:8.2f} s wall {r.cpu:8.2f} s CPU {r.rss_mb:7.0f} MB", flush=True)
        return r

    run("ingest", [*base, "ingest", str(raw)])
    run("ingest again (unchanged)", [*base, "ingest", str(raw)])
    if tools["pandoc"]:
        run(
            "pandoc epub",
            [tools["pandoc"], "-f", "markdown", "-t", "epub3", "-o", str(out / "p.epub"), *files],
        )
    run("export epub", [*base, "export", "epub", KEEP, "-o", str(out / "a.epub")], "pandoc epub")
    run("export epub (warm cache)", [*base, "export", "epub", KEEP, "-o", str(out / "a2.epub")])
    notes.append(f"{n}: warm EPUB {same_bytes(out / 'a.epub', out / 'a2.epub')} to cold")
    do_pdf = n <= args.pdf_max
    if do_pdf:
        if tools["pandoc"] and n <= args.pdf_peer_max:
            html = out / "p.html"
            run("pandoc html", [tools["pandoc"], "-f", "markdown", "-s", "-o", str(html), *files])
            run("weasyprint pdf of pandoc html", [*WEASYPRINT, str(html), str(out / "p.pdf")])
        run(
            "export pdf",
            [*base, "export", "pdf", KEEP, "-o", str(out / "a.pdf")],
            "pandoc → weasyprint pdf",
        )
        run("export pdf (warm cache)", [*base, "export", "pdf", KEEP, "-o", str(out / "a2.pdf")])
        notes.append(f"{n}: warm PDF {same_bytes(out / 'a.pdf', out / 'a2.pdf')} to cold")
        notes += per_page(n, runs, out)
    if n >= 100:
        change_one(raw)
        run("ingest, one article changed", [*base, "ingest", str(raw)])
        run("export epub, one article changed", [*base, "export", "epub", KEEP, "-o", str(out / "c.epub")])
        run(
            "export epub, cold (check)",
            [*base, "export", "epub", KEEP, "--no-cache", "-o", str(out / "c0.epub")],
        )
        notes.append(f"{n}: EPUB after one change {same_bytes(out / 'c.epub', out / 'c0.epub')} to cold")
        if do_pdf:
            run(
                "export pdf, one article changed",
                [*base, "export", "pdf", KEEP, "-o", str(out / "c.pdf")],
            )
            if n <= args.check_max:  # a second cold PDF only to compare bytes: costly at 5,000
                run(
                    "export pdf, cold (check)",
                    [*base, "export", "pdf", KEEP, "--no-cache", "-o", str(out / "c0.pdf")],
                )
                same = same_bytes(out / "c.pdf", out / "c0.pdf")
                notes.append(f"{n}: PDF after one change {same} to cold")
    if tools["calibre"] and n <= args.calibre_max:
        convert = tools["calibre"]
        loop = f'i=0; for f in "{raw}"/*; do i=$((i+1)); "{convert}" "$f" "{out}/c$i.epub" || true; done'
        run("calibre ebook-convert, one per file", ["sh", "-c", loop])
        run(
            "export epub --each",
            [*base, "export", "epub", "--each", "-o", str(out / "each")],
            "calibre ebook-convert, one per file",
        )
    return runs, notes


def by_step(runs: list[Run]) -> dict[tuple[int, str], Run]:
    return {(r.size, r.step): r for r in runs}


def ratios(runs: list[Run]) -> list[str]:
    """The issue's targets as measured ratios, one line each."""
    got = by_step(runs)
    lines = []
    for n in sorted({r.size for r in runs}):
        w = {step: r.wall for (size, step), r in got.items() if size == n}
        ing, epub, pandoc = w.get("ingest"), w.get("export epub"), w.get("pandoc epub")
        if ing is not None:
            again = w.get("ingest again (unchanged)", 0.0)
            lines.append(f"{n}: ingest {ing:.2f} s ({n / ing:.0f} articles/s); unchanged again {again:.2f} s")
        if ing and epub and pandoc:
            both = ing + epub
            lines.append(f"{n}: ingest + EPUB {both:.2f} s = {both / pandoc:.2f} × pandoc ({pandoc:.2f} s)")
        pdf, p_html, p_pdf = w.get("export pdf"), w.get("pandoc html"), w.get("weasyprint pdf of pandoc html")
        if pdf and p_html and p_pdf:
            peer = p_html + p_pdf
            lines.append(
                f"{n}: PDF edition {pdf:.2f} s = {pdf / peer:.2f} × pandoc → WeasyPrint ({peer:.2f} s)"
            )
        for fmt in ("epub", "pdf"):
            cold, changed = w.get(f"export {fmt}"), w.get(f"export {fmt}, one article changed")
            if cold and changed:
                lines.append(
                    f"{n}: {fmt.upper()} after one change {changed:.2f} s, "
                    f"{cold / changed:.1f}× faster than cold ({cold:.2f} s)"
                )
        cold_both = [w.get(f"export {fmt}") for fmt in ("epub", "pdf")]
        changed_both = [w.get(f"export {fmt}, one article changed") for fmt in ("epub", "pdf")]
        if all(cold_both) and all(changed_both):  # the issue: "rebuilds the EPUB and the PDF edition"
            cold, changed = sum(filter(None, cold_both)), sum(filter(None, changed_both))
            lines.append(
                f"{n}: EPUB and PDF after one change {changed:.2f} s, "
                f"{cold / changed:.1f}× faster than both cold ({cold:.2f} s)"
            )
    pdfs = {r.size: r for r in runs if r.step == "export pdf"}
    if 1000 in pdfs and 5000 in pdfs:
        grow = pdfs[5000].wall / pdfs[1000].wall
        lines.append(f"PDF 5000 / 1000: {grow:.2f} × the time; peak {pdfs[5000].rss_mb:.0f} MB at 5000")
    return lines


def table(runs: list[Run]) -> list[str]:
    got = by_step(runs)
    out = ["| articles | step | wall s | CPU s | peak MB (tree) | vs peer |", "|---|---|---|---|---|---|"]
    for r in runs:
        peer = got.get((r.size, r.peer)) if r.peer else None
        if r.peer == "pandoc → weasyprint pdf":
            a, b = got.get((r.size, "pandoc html")), got.get((r.size, "weasyprint pdf of pandoc html"))
            ratio = f"{r.wall / (a.wall + b.wall):.2f}×" if a and b else ""
        else:
            ratio = f"{r.wall / peer.wall:.2f}×" if peer else ""
        failed = "" if r.code == 0 else f" (exit {r.code})"
        out.append(f"| {r.size} | {r.step}{failed} | {r.wall:.2f} | {r.cpu:.2f} | {r.rss_mb:.0f} | {ratio} |")
    return out


CURVES = {  # label in the chart -> the steps summed for it
    "archiver ingest": ("ingest",),
    "archiver ingest + EPUB edition": ("ingest", "export epub"),
    "pandoc EPUB": ("pandoc epub",),
    "archiver PDF edition": ("export pdf",),
    "pandoc → WeasyPrint PDF": ("pandoc html", "weasyprint pdf of pandoc html"),
    "archiver EPUB, one article changed": ("export epub, one article changed",),
    "archiver PDF, one article changed": ("export pdf, one article changed",),
}


def chart(runs: list[Run], path: Path) -> None:
    """Seconds against articles, log-log, one line per tool and job."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    got = by_step(runs)
    sizes = sorted({r.size for r in runs})
    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=110)
    for label, steps in CURVES.items():
        points = [
            (n, sum(got[(n, s)].wall for s in steps)) for n in sizes if all((n, s) in got for s in steps)
        ]
        if len(points) >= 2:
            style = "--" if "pandoc" in label else "-"
            ax.plot(*zip(*points, strict=True), style, marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("articles")
    ax.set_ylabel("seconds (wall, whole processes)")
    ax.set_title(f"archiver beside its peers, {os.cpu_count()} cores")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path)


def main() -> int:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=fmt)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1000, 5000, 20000])
    parser.add_argument("--pdf-max", type=int, default=5000, help="largest size to export as a PDF edition")
    parser.add_argument("--pdf-peer-max", type=int, default=1000, help="largest size for pandoc → WeasyPrint")
    parser.add_argument("--check-max", type=int, default=1000, help="largest size for a second cold PDF")
    parser.add_argument("--calibre-max", type=int, default=100, help="largest size to run calibre on")
    parser.add_argument("--json", type=Path, default=ROOT / "build" / "bench.json")
    parser.add_argument("--chart", type=Path, default=ROOT / "build" / "bench.png")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # calibre without a screen
    # As users run it: an installed package has its bytecode compiled (pip does it), so no process
    # measured here compiles archiver's modules again (a shell with PYTHONDONTWRITEBYTECODE would
    # make every process pay about 0.13 s for it).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "archiver")], check=True)
    tools = {"pandoc": shutil.which("pandoc"), "calibre": shutil.which("ebook-convert")}
    runs: list[Run] = []
    notes: list[str] = []
    # Every size's files stay until the end: on ext4, a file created within minutes of many
    # deletions makes the inode allocator step over each recently deleted inode (the kernel's
    # recently_deleted()): an ingest of 1,000 right after deleting an archive of that size took
    # 1.6 times as long (docs/benchmark.md, "Ingest CPU, ninth session").
    # The folders of all sizes together take a few GB at the default sizes.
    with tempfile.TemporaryDirectory(prefix="bench-") as top:
        for i, n in enumerate(args.sizes):
            got, said = bench_size(n, args, tools, Path(top) / f"{i}-{n}")
            runs += got
            notes += said
    print("\n".join(["", *table(runs), "", *(f"- {line}" for line in ratios(runs) + notes)]))
    found = "; ".join(f"{name}: {path or 'not installed'}" for name, path in tools.items())
    print(f"\n{os.cpu_count()} cores; {found}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps([asdict(r) for r in runs], indent=1) + "\n")
    chart(runs, args.chart)
    print(f"figures: {args.json}; chart: {args.chart}")
    return 0 if all(r.code == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
