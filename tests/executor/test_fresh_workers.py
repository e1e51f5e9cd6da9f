"""Fresh workers: a new interpreter each, holding nothing of the parent's memory."""

from __future__ import annotations

import os

import pytest

from archiver import executor
from archiver.executor import Local, runner

STATE = {"set": "at import"}  # the parent changes it; a forked worker sees the change, a fresh one not


def seen(n: int) -> tuple[int, str, int]:
    return n, STATE["set"], os.getpid()


def crashed(n: int) -> tuple[int, str, int]:
    return n, "crashed", 0


def test_fresh_workers_start_without_the_parents_state_and_keep_the_order() -> None:
    STATE["set"] = "in the parent"
    try:
        fresh = runner(seen, crashed, jobs=2, fresh=True)
        forked = runner(seen, crashed, jobs=2)
        try:
            got = fresh.map([(n,) for n in range(6)])
            assert [n for n, _, _ in got] == list(range(6))
            assert {state for _, state, _ in got} == {"at import"}
            assert all(pid != os.getpid() for _, _, pid in got)
            assert {state for _, state, _ in forked.map([(n,) for n in range(4)])} == {"in the parent"}
        finally:
            fresh.close()
            forked.close()
    finally:
        STATE["set"] = "at import"


def test_one_job_runs_here_even_when_fresh() -> None:
    assert Local(seen, crashed, 1, fresh=True).map([(1,)]) == [(1, STATE["set"], os.getpid())]


def test_fresh_workers_are_replaced_after_their_share_of_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor, "FRESH_CALLS", 2)
    fresh, forked = Local(seen, crashed, 2, fresh=True), Local(seen, crashed, 2)
    try:
        rounds = [{pid for _, _, pid in fresh.map([(n,) for n in range(4)])} for _ in range(2)]
        assert not rounds[0] & rounds[1]  # 4 calls = 2 each: the second round runs in new workers
        kept = {pid for _, _, pid in forked.map([(n,) for n in range(4)])}
        pool = forked.pool
        kept |= {pid for _, _, pid in forked.map([(n,) for n in range(4)])}
        # forked workers stay: the same pool's processes ran both (which of the two took a call is
        # the scheduler's choice: under load one worker may run all of the first four)
        assert pool is not None and forked.pool is pool and kept <= set(pool._processes)
    finally:
        fresh.close()
        forked.close()
