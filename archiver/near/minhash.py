"""MinHash signatures, their estimate and LSH bands, computed as datasketch 2.0 does, with numpy alone.

datasketch's package loads scipy when it is imported (its LSH tunes bands with scipy's
integrator): 0.4 s on every export that leaves near-duplicates out, for three small functions.
These are the same: the affine32 scheme's permutations from numpy's seeded RandomState, the
MurmurHash3 finalizer, `a * h + b` wrapping in 32 bits, and the bands that minimise the
weighted false positive and false negative probabilities. Those probabilities are integrals of
polynomials of degree at most `num_perm`, which Gauss-Legendre quadrature with more than
`num_perm / 2` nodes gives exactly (up to rounding). Signatures are made a block of shingles at
a time, so that a long text needs little memory. tests/near/test_minhash.py compares every
value with datasketch's.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

FMIX = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)  # MurmurHash3's 32-bit finalizer: shifts and multipliers
ROWS = 1 << 16  # shingles permuted at a time: a 3.5 MB e-text's 600,000 would take 0.6 GB at once


@cache
def permutations(num_perm: int, seed: int) -> tuple[Any, Any]:
    """The affine permutations' (a, b) as read-only uint32 arrays (a odd), as datasketch draws them."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.flags.writeable = b.flags.writeable = False  # shared by every signature of the process
    return a, b


def fmix(values: Any) -> Any:
    """The MurmurHash3 finalizer on uint32 values (a bijection that spreads structured hashes)."""
    s1, m1, s2, m2, s3 = FMIX
    values = values ^ (values >> np.uint32(s1))
    values = values * np.uint32(m1)
    values = values ^ (values >> np.uint32(s2))
    values = values * np.uint32(m2)
    return values ^ (values >> np.uint32(s3))


def signature(hashes: Any, num_perm: int, seed: int) -> Any:
    """The MinHash of 32-bit hashes (a non-empty uint32 array) under the affine32 scheme."""
    a, b = permutations(num_perm, seed)
    values = np.asarray(hashes, dtype=np.uint32).reshape(-1, 1)
    found = np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, len(values), ROWS):
        permuted = fmix(values[start : start + ROWS]) * a + b  # wraps modulo 2^32, as the scheme means
        np.minimum(found, permuted.min(axis=0), out=found)
    return found


def jaccard(a: Any, b: Any) -> float:
    """The Jaccard estimate of two signatures: the share of permutations whose minimum agrees."""
    if len(a) != len(b):
        raise ValueError("signatures of different lengths")
    return float(np.count_nonzero(a == b)) / float(len(a))


@cache
def bands(threshold: float, num_perm: int, weights: tuple[float, float] = (0.5, 0.5)) -> tuple[int, int]:
    """(b, r): b bands of r rows, b * r <= num_perm, with the least weighted sum of false positive and
    false negative probabilities at `threshold` (datasketch's `_optimal_param`, and its checks)."""
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0.0, 1.0], not {threshold}")
    nodes, node_weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)  # exact to degree num_perm + 1
    low = _points(nodes, node_weights, 0.0, threshold)
    high = _points(nodes, node_weights, threshold, 1.0)
    best, chosen = float("inf"), (0, 0)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            positive = _integral(low, 1 - (1 - low[0] ** float(r)) ** float(b))
            negative = _integral(high, (1 - high[0] ** float(r)) ** float(b))
            error = positive * weights[0] + negative * weights[1]
            if error < best:
                best, chosen = error, (b, r)
    if chosen[0] < 2:
        raise ValueError(f"too few bands (b < 2) for threshold {threshold}")
    return chosen


def _points(nodes: Any, weights: Any, start: float, end: float) -> tuple[Any, Any]:
    """Gauss-Legendre nodes and weights moved from [-1, 1] to [start, end]."""
    half = (end - start) / 2
    return start + half * (nodes + 1), half * weights


def _integral(points: tuple[Any, Any], values: Any) -> float:
    """The integral over the points' interval of the function that has `values` at them."""
    return float(np.dot(points[1], values))


def hashranges(threshold: float, num_perm: int) -> list[tuple[int, int]]:
    """The (start, end) of each band of a signature, as MinHashLSH(threshold, num_perm) cuts them."""
    b, r = bands(threshold, num_perm)
    return [(i * r, (i + 1) * r) for i in range(b)]
