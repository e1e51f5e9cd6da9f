"""Serve fixtures: the samples archived once per session, and a test client on that archive."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from archiver import pipeline
from archiver.serve import Settings, create_app
from archiver.store import Archive
from tests.conftest import SOURCES
from tests.export.conftest import EPOCH
from tests.near.conftest import near_master, near_root  # noqa: F401  (fixtures: a copy per test)

HEADING = re.compile(r"<h([1-6])[\s>]")


@pytest.fixture(scope="session")
def archive_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sources/ archived once; the tests only read it."""
    root = tmp_path_factory.mktemp("serve") / "arc"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        with Archive(root, create=True) as archive:
            outcomes = pipeline.ingest(archive, sorted(SOURCES.iterdir()))
    assert all(o.status == "new" for o in outcomes)
    return root


@pytest.fixture(scope="session")
def app_client(archive_root: Path) -> Iterator[TestClient]:
    """A client on the session archive, small pages so that paging shows on nine articles."""
    with TestClient(create_app(Settings(root=archive_root, page_size=4))) as client:
        yield client


@pytest.fixture
def client(app_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return app_client


def headings_in_order(html: str) -> bool:
    """The page starts at h1 and never skips a level going down."""
    levels = [int(n) for n in HEADING.findall(html)]
    return bool(levels) and levels[0] == 1 and all(b <= a + 1 for a, b in pairwise(levels))
