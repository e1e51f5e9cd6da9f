"""scripts/load.py's core for a second: a real server on loopback, real users, figures that add up."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from scripts import load
from tests.near.conftest import archived


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return archived(tmp_path_factory.mktemp("load") / "arc")


def test_one_second_of_users_on_each_kind_of_page(tiny: Path) -> None:
    urls = load.urls_of(tiny, random.Random(1), count=40)
    assert set(urls) == set(load.TARGETS_MS) and all(urls.values())
    with load.serving(tiny) as (base, pid):
        assert base.startswith("http://127.0.0.1:")
        phases = [
            asyncio.run(
                load.run_phase(base, kind, urls[kind], users=4, pause=0.1, seconds=1.0, server_pid=pid)
            )
            for kind in load.TARGETS_MS
        ]
        flat = asyncio.run(load.run_phase(base, "article", urls["article"], 2, 0.0, 1.0, pid))
    for phase in [*phases, flat]:
        s = phase.summary()
        assert s["errors"] == 0 and s["requests"] == len(phase.latencies_ms) > 0, s
        assert 0 < s["p50_ms"] <= s["p95_ms"] <= s["p99_ms"] <= s["max_ms"]  # type: ignore[operator]
        assert 0.9 < phase.seconds < 15 and s["server_cpu_s"] > 0  # type: ignore[operator]
    # paced users: at most one request per pause each (and the deadline stops them)
    assert all(p.requests <= 4 * (1.0 / 0.1 + 1) for p in phases)
    assert flat.requests > phases[0].requests / 2 and flat.summary()["meets_target"] is None
    assert load.table(phases)[0].startswith("| pages | phase |") and len(load.table(phases)) == 5


def test_percentiles_are_nearest_rank() -> None:
    phase = load.Phase("search", True, 1, 1.0, latencies_ms=[float(n) for n in range(1, 101)])
    assert (phase.percentile(50), phase.percentile(95), phase.percentile(99)) == (50.0, 95.0, 99.0)
    assert load.Phase("opds", True, 1, 1.0).percentile(95) == 0.0
