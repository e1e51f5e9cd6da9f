"""A long map of fresh workers runs in rounds: no set of workers runs more than its share of calls."""

from __future__ import annotations

import os

import pytest

from archiver import executor
from archiver.executor import Local


def pid(n: int) -> tuple[int, int]:
    return n, os.getpid()


def crashed(n: int) -> tuple[int, int]:
    return n, 0


def test_a_long_map_is_run_in_rounds_by_new_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor, "FRESH_CALLS", 2)  # 2 workers: 4 calls a set
    fresh = Local(pid, crashed, 2, fresh=True)
    try:
        got = fresh.map([(n,) for n in range(8)])
    finally:
        fresh.close()
    assert [n for n, _ in got] == list(range(8))
    first, second = {p for _, p in got[:4]}, {p for _, p in got[4:]}
    assert os.getpid() not in first | second
    assert not first & second  # the second round ran in workers started for it


def test_a_map_first_fills_the_running_workers_share(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor, "FRESH_CALLS", 2)
    fresh = Local(pid, crashed, 2, fresh=True)
    try:
        before = {p for _, p in fresh.map([(n,) for n in range(3)])}
        after = fresh.map([(n,) for n in range(3, 6)])
    finally:
        fresh.close()
    assert [n for n, _ in after] == [3, 4, 5]
    assert after[0][1] in before  # the fourth call of the set: the same workers
    assert not {p for _, p in after[1:]} & before  # then new ones
