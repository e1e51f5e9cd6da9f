"""Near-duplicate fixtures: tests/near/fixtures archived once per session (the tests copy it to write)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archiver import pipeline
from archiver.store import Archive

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The clusters the fixtures hold, by file name; every other fixture is unrelated (same topics).
STORM = {"storm-coastal-courier.txt", "westhaven-harbour-flood-daily-post.txt"}  # two sources
SCRAPES = {"bibliotheek-scrape-2024-05-02.txt", "bibliotheek-scrape-2024-05-03.txt"}  # two scrapes
BRIDGE = {"changjiang-qiao-xinhua.txt", "changjiang-qiao-wanbao.txt"}  # Chinese, two sources
PRIMARIES = {"storm-coastal-courier.txt", "bibliotheek-scrape-2024-05-02.txt", "changjiang-qiao-xinhua.txt"}


def archived(root: Path) -> Path:
    """The fixtures archived at `root`."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1704067200")
        with Archive(root, create=True) as archive:
            outcomes = pipeline.ingest(archive, sorted(FIXTURES.iterdir()), jobs=1)
    assert [o.status for o in outcomes] == ["new"] * len(outcomes)
    return root


@pytest.fixture(scope="session")
def near_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return archived(tmp_path_factory.mktemp("near") / "arc")


@pytest.fixture
def near_root(near_master: Path, tmp_path: Path) -> Path:
    """A copy of the fixture archive for one test (signatures get written into its catalog)."""
    root = tmp_path / "arc"
    shutil.copytree(near_master, root)
    return root


def names(archive: Archive) -> dict[str, str]:
    """File name of every article id."""
    return {e.id: e.name for e in archive.entries()}
