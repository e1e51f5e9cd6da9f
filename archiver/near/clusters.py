"""Clusters of near-duplicate articles, their primary (the copy editions keep) and their similarity."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from archiver.near import shingles as sh
from archiver.near.join import join
from archiver.store import Archive
from archiver.store.catalog import Entry
from archiver.store.signatures import Signature, ensure

THRESHOLD = 0.8  # Jaccard similarity of the shingle sets from which two articles are one story
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
    return Signature(len(found), sh.signature(found) if found else None, sh.packed(found))


def find(
    archive: Archive, threshold: float = THRESHOLD, keep: bool = True, wait: float | None = None
) -> tuple[list[Cluster], str]:
    """Near-duplicate clusters among the newest version of every article, earliest primary first.

    Missing signatures are made (and kept in the catalog when `keep` and the archive lock comes
    within `wait` seconds, None: as for any writer); the note says so.
    """
    import numpy as np

    signatures, note = ensure(archive, sh.RULES, make_signature, keep, wait)
    kept = {id: s for id, s in sorted(signatures.items()) if s.minhash}
    sketches = {id: np.frombuffer(s.minhash or b"", dtype="<u4") for id, s in kept.items()}
    sets = {id: sh.unpacked(s.hashes) for id, s in kept.items()}
    groups = join(sketches, sets, threshold)
    entries = archive.catalog.get_many(id for group in groups for id in group)
    clusters = []
    for group in groups:
        ranked = sorted((entries[id] for id in group), key=rank)
        first = kept[ranked[0].id].minhash or b""
        clusters.append(
            Cluster(
                [
                    Member(
                        e,
                        sh.estimate(first, kept[e.id].minhash or b""),
                        sh.overlap(sets[ranked[0].id], sets[e.id]),
                    )
                    for e in ranked
                ]
            )
        )
    return sorted(clusters, key=lambda c: rank(c.primary)), note


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
