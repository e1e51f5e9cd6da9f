"""Run ingest in a forked child with a time limit: a runaway regex holds the GIL, so threads cannot."""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import pytest

from archiver.document.model import Document
from archiver.document.xmlio import from_bytes, to_bytes
from archiver.errors import PROBLEM_CODES, InputError
from archiver.ingest import ingest_bytes, language
from tests.conftest import WHEN


@dataclass
class Outcome:
    """What became of one input: archived (with problem codes) or refused (with the code)."""

    seconds: float
    document: Document | None = None
    problems: list[tuple[str, str, int | None]] = field(default_factory=list)
    refused: str = ""  # the InputError code
    crash: str = ""  # any other exception, which is a bug

    @property
    def codes(self) -> set[str]:
        return {code for code, _, _ in self.problems}


def _child(data: bytes, name: str, dialect: str | None, out: Connection) -> None:
    start = time.perf_counter()
    try:
        result = ingest_bytes(data, name, WHEN, dialect)
        document = from_bytes(to_bytes(result.document))  # it must also read back
        problems = [(p.code, p.message, p.line) for p in result.problems]
        out.send(Outcome(time.perf_counter() - start, document, problems))
    except InputError as exc:
        out.send(Outcome(time.perf_counter() - start, refused=exc.code))
    except BaseException as exc:  # report, don't hide: the test turns this into a failure
        out.send(Outcome(time.perf_counter() - start, crash=f"{type(exc).__name__}: {str(exc)[:200]}"))


def ingest_within(
    data: bytes, seconds: float, name: str = "attack.txt", dialect: str | None = None
) -> Outcome:
    """Ingest `data` and read the XML back, in a child process; fail the test past `seconds`."""
    language.detect("warm up")  # load the model once, before forking, so children share it
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(data, name, dialect, send), daemon=True)
    proc.start()
    send.close()
    try:
        if not receive.poll(seconds):
            pytest.fail(f"{name}: still running after {seconds} s")
        outcome: Outcome = receive.recv()
    finally:
        proc.kill()
        proc.join()
    assert not outcome.crash, f"{name}: {outcome.crash}"
    assert outcome.refused in ("", *PROBLEM_CODES), outcome.refused
    assert all(code in PROBLEM_CODES for code in outcome.codes)
    return outcome
