"""Time each hostile input in its own process: `python -m tests.ingest.measure [NAME…] [--timeout S]`."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

_CHILD = """
import json, resource, sys, time
from tests.ingest.attacks import ATTACKS, prose
from archiver.document.xmlio import from_bytes, to_bytes
from archiver.errors import InputError
from archiver.ingest import ingest_bytes
name, xml = sys.argv[1], sys.argv[2] == "xml"
data = ATTACKS[name]() if name in ATTACKS else prose(int(name.split(":")[1]) * 2**20,
                                                   None if name.startswith("flat") else 72)
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
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(json.dumps([time.perf_counter() - t, time.process_time() - cpu, outcome, peak]))
"""


def run(name: str, timeout: float, xml: bool = True) -> str:
    """One attack's seconds, outcome and peak memory, or how long it ran before it was stopped."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, name, "xml" if xml else "-"],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return f"{name:28} > {timeout:.0f} s (stopped)"
    if proc.returncode:
        return f"{name:28} died after {time.perf_counter() - start:.1f} s: {proc.stderr.strip()[-120:]}"
    seconds, cpu, outcome, peak = json.loads(proc.stdout.strip().splitlines()[-1])
    return f"{name:28} {seconds:7.2f} s  cpu {cpu:7.2f} s  {peak:6d} MB  {outcome}"


def main() -> None:
    from tests.ingest.attacks import ATTACKS

    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="*", help="attack names, or wrapped:MB / flat:MB for prose")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--no-xml", action="store_true", help="time ingest only, not the XML round trip")
    args = parser.parse_args()
    for name in args.names or list(ATTACKS):
        print(run(name, args.timeout, not args.no_xml), flush=True)


if __name__ == "__main__":
    main()
