"""Runners: the local pool and a real Dask LocalCluster give the same results, in order."""

from __future__ import annotations

import os
import signal
import time

import pytest

from archiver import executor
from archiver.errors import UnknownName, UsageError
from archiver.executor import runner


def square(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def die(n: int) -> tuple[int, int]:
    if n == 3:
        os._exit(1)  # a worker that dies, as under the OOM killer
    return square(n)


def crashed(n: int) -> tuple[int, int]:
    return -1, 0


def test_local_and_dask_agree_and_keep_order(scheduler: str) -> None:
    calls = [(n,) for n in range(20)]
    local = runner(square, crashed, jobs=2)
    dask = runner(square, crashed, kind="dask", scheduler=scheduler)
    try:
        here, there = local.map(calls), dask.map(calls)
    finally:
        local.close()
        dask.close()
    assert [r for r, _ in here] == [r for r, _ in there] == [n * n for n in range(20)]
    assert {pid for _, pid in there} - {os.getpid()}, "the work ran in Dask worker processes"


def test_a_dying_worker_fails_only_its_call_on_both(scheduler: str) -> None:
    calls = [(n,) for n in range(6)]
    for made in (runner(die, crashed, jobs=2), runner(die, crashed, kind="dask", scheduler=scheduler)):
        try:
            results = [r for r, _ in made.map(calls)]
        finally:
            made.close()
        assert results == [0, 1, 4, -1, 16, 25]


def test_calls_go_in_chunks_and_a_death_in_a_chunk_fails_only_its_call() -> None:
    calls = [(n,) for n in range(100)]  # chunks of 12 for two workers: call 3 dies with its chunk
    local = runner(die, crashed, jobs=2)
    try:
        results = local.map(calls)
        assert [r for r, _ in local.map([(n,) for n in range(4, 100)])] == [n * n for n in range(4, 100)]
    finally:
        local.close()
    assert [r for r, _ in results] == [-1 if n == 3 else n * n for n in range(100)]
    assert len({pid for _, pid in results} - {os.getpid()}) > 1  # in worker processes, the dead one replaced


def test_unknown_executor_and_unreachable_scheduler_are_usage_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor, "CONNECT_TIMEOUT", 1)
    with pytest.raises(UnknownName):
        runner(square, crashed, kind="slurm")
    with pytest.raises(UsageError, match="--scheduler is for --executor dask"):
        runner(square, crashed, scheduler="tcp://127.0.0.1:9")
    for address in ("tcp://127.0.0.1:9", "bogus", "http://127.0.0.1:9"):
        unreachable = runner(square, crashed, kind="dask", scheduler=address)
        assert unreachable.map([]) == []  # nothing to send: no connection tried
        with pytest.raises(UsageError, match="cannot reach the Dask scheduler"):
            unreachable.map([(1,)])
        unreachable.close()


def test_a_worker_killed_between_rounds_fails_no_call() -> None:
    local = runner(square, crashed, jobs=2)
    try:
        local.map([(n,) for n in range(8)])
        pool = local.pool  # type: ignore[attr-defined]
        os.kill(next(iter(pool._processes)), signal.SIGKILL)  # an idle worker, as the OOM killer ends it
        for _ in range(100):  # until the pool knows itself broken: it then refuses new calls
            if pool._broken:
                break
            time.sleep(0.05)
        assert pool._broken
        results = local.map([(n,) for n in range(8)])
    finally:
        local.close()
    assert [r for r, _ in results] == [n * n for n in range(8)]
