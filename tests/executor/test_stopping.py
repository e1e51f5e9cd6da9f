"""A termination signal noted by the handler stops a runner, even when the handler's exception was lost."""

from __future__ import annotations

import os
import signal

import pytest

from archiver import executor
from archiver.executor import runner


def die(n: int) -> int:
    if n == 3:
        os._exit(1)  # as a worker sent the group's SIGTERM dies
    return n * n


def crashed(n: int) -> int:
    return -1


@pytest.fixture(autouse=True)
def no_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor, "_STOPPING", [])


def test_workers_dead_of_the_stopping_signal_are_not_retried_one_by_one() -> None:
    local = runner(die, crashed, jobs=2)
    executor.stopping(signal.SIGTERM)  # the handler ran, its SystemExit lost in a fork callback
    try:
        with pytest.raises(SystemExit) as stopped:
            local.map([(n,) for n in range(6)])
    finally:
        local.close()
    assert stopped.value.code == 128 + signal.SIGTERM


def test_a_noted_interrupt_stops_after_the_round() -> None:
    local = runner(abs, crashed, jobs=2)
    try:
        assert local.map([(-n,) for n in range(6)]) == list(range(6))
        executor.stopping(signal.SIGINT)
        with pytest.raises(KeyboardInterrupt):
            local.map([(-n,) for n in range(6)])
    finally:
        local.close()


def test_without_a_signal_a_dead_worker_fails_only_its_call() -> None:
    local = runner(die, crashed, jobs=2)
    try:
        assert local.map([(n,) for n in range(6)]) == [0, 1, 4, -1, 16, 25]
    finally:
        local.close()
