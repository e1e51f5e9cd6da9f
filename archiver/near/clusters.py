"""Clusters of near-duplicate articles: MinHash LSH finds candidates, exact Jaccard on shingles decides."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from archiver.near import shingles as sh
from archiver.store import Archive
from archiver.store.catalog import Entry
from archiver.store.signatures import Signature, ensure, texts

THRESHOLD = 0.8  # Jaccard similarity of the shingle sets from which two articles are one story
# LSH only proposes pairs, exact Jaccard decides: its bands are tuned 0.2 lower, so that a pair
# at the threshold is proposed 98.6 % of the time (at the threshold itself: 40 %).
_MARGIN = 0.2
_PRECISION = {"day": 3, "month": 2, "year": 1}


@dataclass(frozen=True)
class Member:
    """One article of a cluster and its similarity to the cluster's primary (1.0 for the primary)."""

    entry: Entry
    estimated: float  # from the MinHash signatures
    exact: float  # Jaccard of the shingle sets

    def as_dict(self) -> dict[str, object]:
        e = self.entry
        return {
            "id": e.id,
            "title": e.title,
            "date": e.date,
            "source": e.source,
            "name": e.name,
            "estimated": round(self.estimated, 3),
            "exact": round(self.exact, 3),
        }


@dataclass(frozen=True)
class Cluster:
    """Articles that tell one story; the first member is the primary, the copy editions keep."""

    members: list[Member]

    @property
    def primary(self) -> Entry:
        return self.members[0].entry

    def as_dict(self) -> dict[str, object]:
        return {"primary": self.primary.id, "members": [m.as_dict() for m in self.members]}


def rank(e: Entry) -> tuple[object, ...]:
    """The order in which a cluster's members deserve to be kept: earliest date, then richest metadata.

    Ties go to the earlier ingest, then to the file name (of two scrapes, the earlier one's).
    """
    richness = (
        _PRECISION.get(e.date_precision or "", 0)
        + bool(json.loads(e.authors))
        + bool(e.source)
        + bool(e.external_id)
        + (e.title_origin == "explicit")
    )
    return (e.date is None, (e.date or "")[:10], -richness, e.ingested, e.name, e.id)


def make_signature(title: str, search_text: str) -> Signature:
    """The signature of one catalog article (its title left out: headlines differ between sources)."""
    found = sh.shingles(sh.body_text(title, search_text))
    return Signature(len(found), sh.signature(found) if found else None)


def find(archive: Archive, threshold: float = THRESHOLD, keep: bool = True) -> tuple[list[Cluster], str]:
    """Near-duplicate clusters among the newest version of every article, earliest primary first.

    Missing signatures are made (and kept in the catalog when `keep`); the note says so.
    """
    from datasketch import MinHashLSH

    signatures, note = ensure(archive, sh.RULES, make_signature, keep)
    sketches = {id: sh.lean(s.minhash) for id, s in sorted(signatures.items()) if s.minhash}
    lsh = MinHashLSH(threshold=max(0.05, threshold - _MARGIN), num_perm=sh.NUM_PERM)
    with lsh.insertion_session() as session:
        for id, sketch in sketches.items():
            session.insert(id, sketch)
    pairs = {(a, b) for a, sketch in sketches.items() for b in lsh.query(sketch) if a < b}
    sets = {id: sh.shingles(sh.body_text(*pair)) for id, pair in texts(archive, _ids(pairs)).items()}
    joined = _components((a, b) for a, b in sorted(pairs) if sh.jaccard(sets[a], sets[b]) >= threshold)
    entries = archive.catalog.get_many(id for group in joined for id in group)
    clusters = []
    for group in joined:
        ranked = sorted((entries[id] for id in group), key=rank)
        first = ranked[0].id
        clusters.append(
            Cluster(
                [
                    Member(e, sketches[first].jaccard(sketches[e.id]), sh.jaccard(sets[first], sets[e.id]))
                    for e in ranked
                ]
            )
        )
    return sorted(clusters, key=lambda c: rank(c.primary)), note


def _ids(pairs: Iterable[tuple[str, str]]) -> set[str]:
    return {id for pair in pairs for id in pair}


def _components(edges: Iterable[tuple[str, str]]) -> list[set[str]]:
    """Connected components (union-find) of the similar pairs."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[root(a)] = root(b)
    groups: dict[str, set[str]] = {}
    for x in parent:
        groups.setdefault(root(x), set()).add(x)
    return list(groups.values())


def left_out(clusters: list[Cluster], chosen: Iterable[str]) -> dict[str, str]:
    """Of the chosen ids, those an edition leaves out, each with the chosen copy it keeps instead.

    In each cluster the best-ranked chosen member is kept (the primary, when it is chosen).
    """
    wanted = set(chosen)
    out: dict[str, str] = {}
    for cluster in clusters:
        present = [m.entry.id for m in cluster.members if m.entry.id in wanted]
        out.update({id: present[0] for id in present[1:]})
    return out
