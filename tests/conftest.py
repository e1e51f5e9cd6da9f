"""Shared fixtures and the --update-golden switch."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLDEN = Path(__file__).resolve().parent / "golden"  # one folder per stage: ingest, xhtml, epub, pdf
INGEST_GOLDEN = GOLDEN / "ingest"
WHEN = "2024-01-01T00:00:00Z"  # a fixed normalisation time, so goldens are stable
SEED = SOURCES / "000_46013887131c49c3.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite golden files from current output; review with `git diff tests/golden`.",
    )
    parser.addoption(
        "--update-visual",
        action="store_true",
        help="Rewrite tests/visual/approved/ from current renders; look at each changed PNG.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(autouse=True)
def _fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704067200")  # = WHEN
    monkeypatch.delenv("ARCHIVER_HOME", raising=False)
