"""The server remembers counts, orders and facets per catalog state: a change shows at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archiver import pipeline
from archiver.serve.library import _MEMO_LIMIT, Filters, Library
from archiver.store import Archive
from tests.near.conftest import FIXTURES, archived


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return archived(tmp_path / "arc")


def test_lists_and_facets_follow_every_write(root: Path, tmp_path: Path) -> None:
    lib = Library(root)
    before = lib.newest(1, 50)
    assert before.total == 9 and dict(lib.facet("language")) == {"en": 4, "nl": 2, "zh": 3}
    assert lib.chosen(Filters(language="zh"), 1, 2).more  # three, two a page
    new = tmp_path / "new" / "westhaven-ferries-back.txt"
    new.parent.mkdir()
    shutil.copyfile(FIXTURES / "westhaven-storm-ferries.txt", new)
    with new.open("a") as f:
        f.write("\nThe first ferry left at nine on Tuesday, full of islanders going home.\n")
    with Archive(root) as archive:
        (outcome,) = pipeline.ingest(archive, [new], jobs=1)
    after = lib.newest(1, 50)
    assert after.total == 10 and outcome.id in {e.id for e in after.entries}
    assert dict(lib.facet("language"))["en"] == 5
    assert [e.id for e in lib.chosen(Filters(language="en"), 1, 50).entries].count(outcome.id or "") == 1


def test_remembered_lists_are_bounded(root: Path) -> None:
    lib = Library(root)
    for n in range(_MEMO_LIMIT + 50):  # filters come from requests: each a list to remember
        assert lib.chosen(Filters(source=f"nobody-{n}"), 1, 10).total == 0
    assert len(lib._memo[1]) <= _MEMO_LIMIT + 1
