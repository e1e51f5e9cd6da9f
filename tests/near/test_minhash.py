"""archiver.near.minhash gives what datasketch 2.0 gives: signatures, estimates and LSH bands."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash
from datasketch.lsh import _optimal_param

from archiver.near import minhash
from archiver.near import shingles as sh


def _theirs(hashes: list[int]) -> MinHash:
    sketch = MinHash(num_perm=sh.NUM_PERM, seed=sh.SEED, hashfunc=lambda v: v, scheme=sh.SCHEME)
    sketch.update_batch(hashes)
    return sketch


@pytest.mark.parametrize("size", [1, 2, 3, 50, 4000])
def test_signatures_are_datasketchs(size: int) -> None:
    rng = np.random.default_rng(size)
    hashes = sorted({int(h) for h in rng.integers(0, 1 << 32, size, dtype=np.uint64)} | {0, (1 << 32) - 1})
    ours = np.frombuffer(sh.signature(set(hashes)), dtype="<u4")
    assert ours.tolist() == _theirs(hashes).hashvalues.tolist()


def test_estimates_are_datasketchs() -> None:
    words = [f"w{i}" for i in range(300)]
    a, b = sh.shingles(" ".join(words)), sh.shingles(" ".join([*words[:250], "x", "y"]))
    mine = sh.estimate(sh.signature(a), sh.signature(b))
    lean = [LeanMinHash(_theirs(sorted(s)), scheme=sh.SCHEME) for s in (a, b)]
    assert mine == lean[0].jaccard(lean[1])
    assert 0 < mine < 1


def test_bands_are_datasketchs_for_every_threshold_the_command_line_reaches() -> None:
    # `duplicates --threshold` takes 0.05..1.0; the bands are tuned MARGIN (0.2) below, at least 0.05
    for hundredth in range(5, 81):
        threshold = hundredth / 100
        assert minhash.bands(threshold, sh.NUM_PERM) == _optimal_param(threshold, sh.NUM_PERM, 0.5, 0.5)
    b, r = minhash.bands(0.6, sh.NUM_PERM)
    assert minhash.hashranges(0.6, sh.NUM_PERM) == [(i * r, (i + 1) * r) for i in range(b)]


@pytest.mark.parametrize("threshold", [-0.1, 1.2, float("nan"), 1.0])
def test_thresholds_datasketch_refuses_are_refused(threshold: float) -> None:
    with pytest.raises(ValueError):
        _optimal_param_checked(threshold)
    with pytest.raises(ValueError):
        minhash.bands(threshold, sh.NUM_PERM)


def _optimal_param_checked(threshold: float) -> None:
    from datasketch import MinHashLSH

    with warnings.catch_warnings():  # scipy's integrator warns of NaN before datasketch refuses it
        warnings.simplefilter("ignore")
        MinHashLSH(threshold=threshold, num_perm=sh.NUM_PERM)


def test_a_long_text_is_signed_in_blocks_as_one(monkeypatch: pytest.MonkeyPatch) -> None:
    hashes = np.arange(1000, dtype=np.uint32) * np.uint32(2654435761)
    whole = minhash.signature(hashes, sh.NUM_PERM, sh.SEED)
    monkeypatch.setattr(minhash, "ROWS", 7)
    assert minhash.signature(hashes, sh.NUM_PERM, sh.SEED).tolist() == whole.tolist()
    assert whole.tolist() == _theirs(sorted(int(h) for h in hashes)).hashvalues.tolist()


def test_signatures_of_other_lengths_are_not_compared() -> None:
    with pytest.raises(ValueError):
        minhash.jaccard(np.zeros(4, dtype=np.uint32), np.zeros(5, dtype=np.uint32))


def test_near_duplicates_load_neither_datasketch_nor_scipy() -> None:
    code = (
        "import sys; from archiver.near import join, shingles as sh; import numpy as np\n"
        "s = {i: np.frombuffer(sh.signature({i, 7}), dtype='<u4') for i in range(3)}\n"
        "join.join(s, {i: np.array([i, 7], dtype='<u4') for i in range(3)}, 0.8)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('datasketch', 'scipy')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
