"""Near-duplicates: the same story archived twice (two sources, two scrapes), found with MinHash LSH."""

from archiver.near.clusters import THRESHOLD, Cluster, Member, find, left_out

__all__ = ["THRESHOLD", "Cluster", "Member", "find", "left_out"]
