"""Time each hostile input in its own process: `python -m tests.ingest.measure [NAME…] [--timeout S]`.

Reports wall and CPU seconds of ingest (and the XML round trip unless --no-xml), and the peak
memory above a process that has loaded everything (+MB).

`--articles N [--jobs J] [--profile]` instead ingests N distinct articles (the samples in turn)
into a fresh archive in this process, and reports seconds and CPU per stage (read, parse, store:
when each stage's count reached N), or with --profile the 30 costliest functions (cProfile).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The child reads the input from a file, so that its peak memory is ingest's, not the generator's.
_CHILD = """
import json, sys, time
from pathlib import Path
from archiver.document.xmlio import from_bytes, to_bytes
from archiver.errors import InputError
from archiver.ingest import dates, ingest_bytes, language
path, xml = sys.argv[1], sys.argv[2] == "xml"
language.detect("warm up")  # the model (about 70 MB, 1 s) is loaded once per process anyway
dates.parse("5 mei 2019", "nl")  # and so is the date parser
def status(key):
    line = next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith(key))
    return int(line.split()[1]) // 1024
Path("/proc/self/clear_refs").write_text("5")  # reset the peak: loading the model peaked higher
base = status("VmRSS:")
data = Path(path).read_bytes()
t, cpu = time.perf_counter(), time.process_time()
try:
    result = ingest_bytes(data, "attack.txt", "2024-01-01T00:00:00Z")
    outcome = "archived " + ",".join(sorted({p.code for p in result.problems}))
    if xml:
        from_bytes(to_bytes(result.document))
except InputError as exc:
    outcome = f"InputError {exc.code}"
except Exception as exc:
    outcome = f"CRASH {type(exc).__name__}: {str(exc)[:60]}"
peak = status("VmHWM:")
print(json.dumps([time.perf_counter() - t, time.process_time() - cpu, outcome, peak - base]))
"""


def _input(name: str) -> Path:
    """The attack's bytes in a file (made once; the large ones take a while to build)."""
    from tests.ingest.attacks import ATTACKS, prose

    path = Path(tempfile.gettempdir()) / "archiver-attacks" / name.replace(":", "-")
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        kind, _, size = name.partition(":")
        data = (
            ATTACKS[name]() if name in ATTACKS else prose(int(size) * 2**20, None if kind == "flat" else 72)
        )
        path.write_bytes(data)
    return path


def run(name: str, timeout: float, xml: bool = True) -> str:
    """One attack's seconds, outcome and peak memory, or how long it ran before it was stopped."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, str(_input(name)), "xml" if xml else "-"],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return f"{name:28} > {timeout:.0f} s (stopped)"
    if proc.returncode:
        return f"{name:28} died after {time.perf_counter() - start:.1f} s: {proc.stderr.strip()[-120:]}"
    seconds, cpu, outcome, peak = json.loads(proc.stdout.strip().splitlines()[-1])
    return f"{name:28} {seconds:7.2f} s  cpu {cpu:7.2f} s  +{peak:5d} MB  {outcome}"


def articles(n: int, jobs: int, profile: bool) -> str:
    """Ingest n articles in this process: when each stage finished, or the costliest functions."""
    import cProfile
    import io
    import pstats

    from archiver import pipeline
    from archiver.store import Archive
    from tests.store.test_faults import corpus

    base = Path(tempfile.mkdtemp(prefix="archiver-measure-"))
    files = corpus(base / "in", n)
    finished: dict[str, str] = {}
    start, cpu = time.perf_counter(), time.process_time()

    def stage(name: str, done: int, total: int) -> None:
        if done == total:
            finished[name] = (
                f"{name} {time.perf_counter() - start:.2f} s (cpu {time.process_time() - cpu:.2f})"
            )

    profiler = cProfile.Profile() if profile else None
    with Archive(base / "arc", create=True) as archive:
        if profiler:
            profiler.enable()
        pipeline.ingest(archive, files, jobs=jobs, on_stage=stage)
        if profiler:
            profiler.disable()
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        return out.getvalue()
    return f"{n} articles, jobs {jobs}: " + "; ".join(finished.values()) + " (cpu of this process only)"


def main() -> None:
    from tests.ingest.attacks import ATTACKS

    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="*", help="attack names, or wrapped:MB / flat:MB for prose")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--no-xml", action="store_true", help="time ingest only, not the XML round trip")
    parser.add_argument("--articles", type=int, help="ingest this many articles instead (see above)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if args.articles:
        print(articles(args.articles, args.jobs, args.profile))
        return
    for name in args.names or list(ATTACKS):
        print(run(name, args.timeout, not args.no_xml), flush=True)


if __name__ == "__main__":
    main()
