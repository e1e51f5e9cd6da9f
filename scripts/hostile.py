"""The hostile corpus through the real command line: each attack alone, then all in one batch.

Prints a Markdown table (attack, exit code, seconds, peak memory, what archiver said) for the
closing notes. Usage: .venv/bin/python scripts/hostile.py [--timeout 300] [--skip NAME ...]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ingest.attacks import ATTACKS  # noqa: E402


def archiver(*args: str | Path, home: Path, timeout: float) -> tuple[int | None, float, str]:
    """Exit code (None when stopped), wall seconds and the last stderr line of one whole process."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "archiver", "--archive", str(home), *map(str, args)],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - start, "stopped"
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    said = next((line for line in lines if line.startswith("archiver: ")), lines[-1] if lines else "")
    return proc.returncode, time.perf_counter() - start, said


def peak_children_mb() -> int:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--skip", nargs="*", default=[])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hostile-"))
    print("| attack | exit | seconds | what archiver said |")
    print("|---|---|---|---|")
    for name, make in ATTACKS.items():
        if name in args.skip:
            continue
        data = make()  # the attacks are made on demand (some are large)
        path = work / "in" / name / f"{name}.txt"
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        code, seconds, said = archiver("ingest", path, home=work / name, timeout=args.timeout)
        said = said.replace(str(path), path.name).replace("|", "\\|")[:110]
        print(f"| {name} ({len(data):,} B) | {code} | {seconds:.1f} | {said} |")
    batch = work / "batch"
    for name, make in ATTACKS.items():
        if name not in args.skip:
            (batch / f"{name}.txt").parent.mkdir(parents=True, exist_ok=True)
            (batch / f"{name}.txt").write_bytes(make())
    for good in sorted((ROOT / "sources").iterdir()):
        (batch / good.name).write_bytes(good.read_bytes())
    code, seconds, _ = archiver("ingest", "--jobs", "2", batch, home=work / "all", timeout=args.timeout * 3)
    summary = (
        subprocess.run(
            [sys.executable, "-m", "archiver", "--archive", str(work / "all"), "verify"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        .stderr.strip()
        .splitlines()[-1]
    )
    print(
        f"\nAll {len(os.listdir(batch))} files in one `ingest --jobs 2`: exit {code}, {seconds:.1f} s; "
        f"verify: {summary}; peak RSS of one process {peak_children_mb()} MB"
    )


if __name__ == "__main__":
    main()
