"""Clusters of the fixtures: two sources, two scrapes and a Chinese pair; same-topic articles apart."""

from __future__ import annotations

import os
from pathlib import Path

from archiver.near import find, left_out
from archiver.near import shingles as sh
from archiver.store import Archive
from archiver.store.signatures import stored
from tests.near.conftest import BRIDGE, PRIMARIES, SCRAPES, STORM, names


def test_the_stories_cluster_and_same_topic_articles_do_not(near_root: Path) -> None:
    with Archive(near_root) as archive:
        clusters, note = find(archive)
        name = names(archive)
    assert note == "made near-duplicate signatures for 9 articles"
    found = sorted((sorted(name[m.entry.id] for m in c.members) for c in clusters), key=str)
    assert found == sorted((sorted(STORM), sorted(SCRAPES), sorted(BRIDGE)), key=str)
    assert {name[c.primary.id] for c in clusters} == PRIMARIES
    # clusters come in the order of their primaries' dates
    assert [c.primary.date for c in clusters] == ["2023-09-28", "2024-02-11", "2024-05-02"]
    for cluster in clusters:
        first, *others = cluster.members
        assert (first.exact, first.estimated) == (1.0, 1.0)
        for m in others:
            assert 0.8 <= m.exact < 1.0
            assert abs(m.estimated - m.exact) < 0.15


def test_a_trimmed_last_paragraph_still_clusters_but_a_higher_threshold_splits(near_root: Path) -> None:
    with Archive(near_root) as archive:
        clusters, _ = find(archive, threshold=0.9)
        name = names(archive)
    # the scrapes differ by one added line (0.92); the sources by a last paragraph (0.88)
    assert [{name[m.entry.id] for m in c.members} for c in clusters] == [SCRAPES]


def test_signatures_are_kept_once_and_remade_when_a_row_changes(near_root: Path) -> None:
    with Archive(near_root) as archive:
        find(archive)
        kept = stored(archive, sh.RULES)
        assert len(kept) == 9 and all(s.shingles > 20 and s.minhash for s in kept.values())
        assert find(archive)[1] == ""  # nothing left to make
        entry = next(e for e in archive.entries() if e.name in STORM)
        body = archive.catalog._rows(
            "SELECT body FROM search WHERE rowid = (SELECT rowid FROM articles WHERE id = ?)", (entry.id,)
        )[0][0]
        archive.catalog.add(entry, body)  # stored again: a new row, the old signature no longer counts
        assert entry.id not in stored(archive, sh.RULES)
        clusters, note = find(archive)
        assert note == "made near-duplicate signatures for 1 article"
        assert archive.catalog._rows("SELECT count(*) FROM signatures")[0][0] == 9  # the stale one went
        assert len(clusters) == 3


def test_a_rebuilt_catalog_makes_its_signatures_again(near_root: Path) -> None:
    with Archive(near_root) as archive:
        before = [[m.entry.id for m in c.members] for c in find(archive)[0]]
    os.truncate(near_root / "catalog.sqlite", 0)
    with Archive(near_root) as archive:
        assert any("rebuilt it from 9 XML files" in n for n in archive.notes)
        assert stored(archive, sh.RULES) == {}
        clusters, note = find(archive)
        assert note == "made near-duplicate signatures for 9 articles"
        assert [[m.entry.id for m in c.members] for c in clusters] == before


def test_an_archive_that_cannot_be_written_still_gets_its_answer(near_root: Path) -> None:
    with Archive(near_root) as archive:
        clusters, note = find(archive, keep=False)
        assert len(clusters) == 3 and note == ""
        assert stored(archive, sh.RULES) == {}


def test_an_edition_keeps_the_best_chosen_member_of_each_cluster(near_root: Path) -> None:
    with Archive(near_root) as archive:
        clusters, _ = find(archive)
        by_name = {e.name: e.id for e in archive.entries()}
    courier, post = by_name["storm-coastal-courier.txt"], by_name["westhaven-harbour-flood-daily-post.txt"]
    assert left_out(clusters, [courier, post]) == {post: courier}
    assert left_out(clusters, [post]) == {}  # the only copy chosen stays, primary or not
    assert left_out(clusters, by_name.values()).keys() == {
        by_name[n] for n in STORM | SCRAPES | BRIDGE if n not in PRIMARIES
    }
