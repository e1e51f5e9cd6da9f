"""2,000 synthetic articles: every planted copy is found, nothing else clusters (correctness, not time)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from archiver.near import find, shingles
from archiver.store import Archive
from archiver.store.catalog import Entry

FOOTER = "Subscribe to the weekly letter for more stories from the coast and the valleys around it."


def _words(rng: random.Random) -> list[str]:
    syllables = ["ka", "lo", "mi", "ren", "tas", "vu", "bel", "or", "dri", "sen", "pa", "hu", "ne", "gol"]
    return sorted({"".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(6000)})


def _story(rng: random.Random, vocabulary: list[str]) -> list[str]:
    """Eight paragraphs of 30 to 50 words; one in five ends with the same footer (one site's)."""
    paras = [" ".join(rng.choices(vocabulary, k=rng.randint(30, 50))) + "." for _ in range(8)]
    return [*paras, FOOTER] if rng.random() < 0.2 else paras


def _entry(n: int, date: str) -> Entry:
    return Entry(
        id=f"{n:016x}",
        name=f"article-{n:05d}.txt",
        version=1,
        title=f"Article {n}",
        title_origin="explicit",
        date=date,
        date_precision="day",
        language="en",
        authors=json.dumps([]),
        source=None,
        external_id=None,
        dialect="header-block",
        sha256="0" * 64,
        size=1,
        blocks=8,
        ingested="2024-01-01T00:00:00Z",
    )


def test_two_thousand_articles_cluster_exactly_as_planted(tmp_path: Path) -> None:
    rng = random.Random(11)
    vocabulary = _words(rng)
    rows: list[tuple[Entry, str]] = []
    planted: list[set[str]] = []
    for n in range(1820):
        paras = _story(rng, vocabulary)
        entry = _entry(n, f"2020-{1 + n % 12:02d}-{1 + n % 28:02d}")
        rows.append((entry, "\n".join([entry.title, *paras])))
        if n % 12 == 0 and len(planted) < 150:  # a copy from another source: last paragraph trimmed
            copy = _entry(10_000 + n, "2020-12-31")
            text = "\n".join(paras[:-1]).replace(".", " —").upper()
            rows.append((copy, f"{copy.title}\n{text}"))
            planted.append({entry.id, copy.id})
            if len(planted) % 5 == 0:  # and a second scrape of the original, with an added line
                scrape = _entry(20_000 + n, "2021-01-01")
                rows.append((scrape, "\n".join([scrape.title, *paras, "Updated at 14:05."])))
                planted[-1].add(scrape.id)
    assert len(rows) == 2000
    with Archive(tmp_path / "arc", create=True) as archive:
        archive.catalog.add_many(rows)
        clusters, note = find(archive)
    assert note == "made near-duplicate signatures for 2000 articles"
    found = [{m.entry.id for m in c.members} for c in clusters]
    assert sorted(map(sorted, found)) == sorted(map(sorted, planted))
    assert all(c.primary.id < f"{10_000:016x}" for c in clusters)  # the original: the earliest date


def test_a_story_kept_a_thousand_times_costs_about_a_thousand_comparisons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """scripts/bench.py's corpus: each sample again and again with one numbered closing line."""
    rng = random.Random(5)
    vocabulary = _words(rng)
    stories = [_story(rng, vocabulary) for _ in range(3)]
    rows = []
    for n in range(1200):
        entry = _entry(n, f"2021-01-{1 + n % 28:02d}")
        rows.append((entry, "\n".join([entry.title, *stories[n % 3], f"Copy {n} of story {n % 3}."])))
    calls = []
    overlap = shingles.overlap
    monkeypatch.setattr(shingles, "overlap", lambda a, b: calls.append(1) or overlap(a, b))
    with Archive(tmp_path / "arc", create=True) as archive:
        archive.catalog.add_many(rows)
        clusters, _ = find(archive)
    assert sorted(len(c.members) for c in clusters) == [400, 400, 400]
    assert {int(c.primary.id, 16) for c in clusters} == {0, 28, 56}  # the first of each dated 2021-01-01
    assert len(calls) < 2 * 1200 + 3 * 400  # comparisons while joining, then each member with its primary
