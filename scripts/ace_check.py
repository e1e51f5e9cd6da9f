"""Read a DAISY Ace report.json and fail (exit 1) on any violation, printing one line per violation."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> int:
    report = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    violations = [
        (doc["earl:testSubject"]["url"], test["earl:test"]["dct:title"], test["earl:test"].get("earl:impact"))
        for doc in report.get("assertions", [])
        for test in doc.get("assertions", [])
    ]
    for url, title, impact in violations:
        print(f"ace: {url}: {impact}: {title}")
    outcome = report["earl:result"]["earl:outcome"]
    print(f"ace: {sys.argv[1]}: {outcome}, {len(violations)} violations")
    return 0 if outcome == "pass" and not violations else 1


if __name__ == "__main__":
    sys.exit(main())
