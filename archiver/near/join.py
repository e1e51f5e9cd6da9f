"""Joining near-duplicates: LSH bands of the MinHash propose, exact Jaccard decides, union-find groups.

The bands are those of datasketch's `MinHashLSH` (near.minhash tunes how many, and how wide, for
a threshold, as it does); the buckets are grouped here in one pass, so that a story archived a
thousand times costs about a thousand exact comparisons, not the half million pairs its bucket
holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from archiver.near import shingles as sh

# The bands are tuned 0.2 below the threshold: a pair at the threshold is then proposed 98.6 %
# of the time (tuned at the threshold itself: 40 %). Exact Jaccard decides every proposal.
MARGIN = 0.2
PEERS = 4  # members of one group a newcomer to a bucket is compared with


class Groups:
    """Union-find over article ids."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def root(self, x: str) -> str:
        while self.parent.setdefault(x, x) != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        self.parent[self.root(a)] = self.root(b)

    def groups(self) -> list[set[str]]:
        """Every group of two or more ids."""
        found: dict[str, set[str]] = defaultdict(set)
        for x in self.parent:
            found[self.root(x)].add(x)
        return [g for g in found.values() if len(g) > 1]


def buckets(sketches: dict[str, Any], threshold: float) -> Iterator[list[str]]:
    """Ids whose MinHash agree on a whole band, bucket by bucket (buckets of one left out)."""
    from archiver.near import minhash

    for start, end in minhash.hashranges(max(0.05, threshold - MARGIN), sh.NUM_PERM):
        bucket: dict[bytes, list[str]] = defaultdict(list)
        for id, values in sketches.items():
            bucket[values[start:end].tobytes()].append(id)
        yield from (ids for ids in bucket.values() if len(ids) > 1)


def join(sketches: dict[str, Any], sets: dict[str, Any], threshold: float) -> list[set[str]]:
    """Groups of ids whose shingle sets are at least `threshold` alike (joined through any member).

    `sketches` are MinHash values (numpy arrays), `sets` sorted shingle arrays. A newcomer to
    a bucket is compared with up to PEERS members of each group already met there; one already
    in such a group is not compared again.
    """
    groups = Groups()
    for ids in buckets(sketches, threshold):
        met: dict[str, list[str]] = {}  # a group's root -> members of it in this bucket
        for id in ids:
            if groups.root(id) not in met:
                for peers in list(met.values()):
                    if any(sh.overlap(sets[id], sets[p]) >= threshold for p in peers):
                        groups.join(id, peers[0])
            mine = groups.root(id)
            together = [p for key in list(met) if groups.root(key) == mine for p in met.pop(key)]
            met[mine] = [*together, id][:PEERS]
    return groups.groups()
