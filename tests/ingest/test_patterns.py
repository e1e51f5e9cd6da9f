"""Every pattern ingest runs over input costs linear time: long repetitive strings must be cheap.

A pattern with nested or adjacent unbounded repetition over 20,000 characters takes seconds
(quadratic) or forever; a linear one takes a millisecond. The bound sits far between the two.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time

import pytest

import archiver.ingest

N = 20_000
BOUND = 0.5  # seconds for one scan of N characters; linear scans take about a millisecond
UNITS = [" ", "a", "A", "Aa-", "a-", "A-", "1", "12 ", "#", "-", "_", "*", ">", ".", ":", "\t", "a ", "A ",
         ". ", "'", "(", "\u00a0", "=", "é", "_a", "*a", "a_", "Aa ", "A.", "2019 ", "januari "]  # fmt: skip
PREFIXES = [
    "",
    "# ",
    "Door ",
    "By A",
    "PARIS",
    "Paris, ",
    "date",
    "(foto: ",
    "Foto: ",
    "1. ",
    "- ",
    "Title: ",
]


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Every compiled str pattern held at module level in archiver.ingest, in tuples too."""
    found: dict[str, re.Pattern[str]] = {}
    for info in pkgutil.walk_packages(archiver.ingest.__path__, "archiver.ingest."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            values = value if isinstance(value, tuple) else (value,)
            for i, pattern in enumerate(values):
                if isinstance(pattern, re.Pattern) and isinstance(pattern.pattern, str):
                    found[f"{info.name}.{name}[{i}]"] = pattern
    return sorted(found.items())


PATTERNS = _patterns()


def test_the_audit_sees_the_patterns_that_mattered() -> None:
    names = {name.rsplit(".", 1)[-1] for name, _ in PATTERNS}
    assert {"DATELINES[1]", "_COMPOUND[0]", "_ATX_OPEN[0]", "HEADER_LINE[0]", "_EMPHASIS[0]"} <= names


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[name for name, _ in PATTERNS])
def test_pattern_is_linear(name: str, pattern: re.Pattern[str]) -> None:
    slowest, worst = 0.0, ""
    for unit in UNITS:
        body = unit * (N // len(unit))
        # A search starts everywhere; a prefix only matters where a match is anchored.
        scans = [(pattern.search, body + end) for end in ("!", "\x01")]
        scans += [(pattern.match, prefix + body + "!") for prefix in PREFIXES]
        for scan, text in scans:
            start = time.perf_counter()
            scan(text)
            elapsed = time.perf_counter() - start
            if elapsed > slowest:
                slowest, worst = elapsed, text[:30]
    assert slowest < BOUND, f"{name} took {slowest:.2f} s on {worst!r}…"
