"""One file never stops a batch: bugs, slow files, unreadable results and dying workers fail alone."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from archiver import pipeline
from archiver.document.model import Paragraph, Quote
from archiver.ingest import ingest_bytes
from archiver.store import Archive
from tests.conftest import SEED, SOURCES


def _inbox(tmp_path: Path) -> list[Path]:
    files = []
    for i, src in enumerate(sorted(SOURCES.iterdir())[:4]):
        path = tmp_path / "in" / f"{i}-{src.name}"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(src.read_bytes())
        files.append(path)
    bad = tmp_path / "in" / "9-bad.txt"
    bad.write_bytes(b"TRIGGER\n\nA paragraph that a broken reader cannot take.\n")
    return [*files[:2], bad, *files[2:]]


def _broken(exc: BaseException | None = None, sleep: float = 0.0, die: bool = False) -> object:
    real = pipeline.ingest_bytes

    def fake(data: bytes, *args: object, **kw: object) -> object:
        if data.startswith(b"TRIGGER"):
            if die:
                os._exit(3)
            if sleep:
                time.sleep(sleep)
            if exc:
                raise exc
        return real(data, *args, **kw)  # type: ignore[arg-type]

    return fake


@pytest.fixture(autouse=True, scope="module")
def _warm() -> None:
    """Load the lazy parts (date parser, language model) first: the budget is for parsing."""
    ingest_bytes(SEED.read_bytes(), SEED.name, "2024-01-01T00:00:00Z")


CASES = {
    "type-error": (_broken(TypeError("unsupported operand")), "internal-error", "TypeError"),
    "key-error": (_broken(KeyError("x")), "internal-error", "KeyError"),
    "recursion": (_broken(RecursionError()), "too-complex", "nests too deeply"),
    "slow": (_broken(sleep=8), "time-budget", "budget"),
}


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("case", CASES)
def test_a_bug_on_one_file_fails_that_file_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, jobs: int
) -> None:
    fake, code, words = CASES[case]
    monkeypatch.setattr(pipeline, "ingest_bytes", fake)  # worker processes fork after this
    files = _inbox(tmp_path)
    with Archive(tmp_path / "arc", create=True) as archive:
        outcomes = pipeline.ingest(archive, files, jobs=jobs, budget=3.0)
    assert [o.status for o in outcomes] == ["new", "new", "failed", "new", "new"]
    failure = outcomes[2].failure
    assert failure is not None and failure.code == code and words in failure.message
    assert failure.source.endswith("9-bad.txt")


def test_a_dying_worker_fails_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "ingest_bytes", _broken(die=True))
    files = _inbox(tmp_path)
    with Archive(tmp_path / "arc", create=True) as archive:
        outcomes = pipeline.ingest(archive, files, jobs=2)
    assert [o.status for o in outcomes] == ["new", "new", "failed", "new", "new"]
    assert outcomes[2].failure is not None and "worker process died" in outcomes[2].failure.message


def test_a_document_its_reader_cannot_read_back_is_never_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def deep(data: bytes, *args: object, **kw: object) -> object:
        result = ingest_bytes(data, *args, **kw)  # type: ignore[arg-type]
        block: object = Paragraph("deep")
        for _ in range(300):  # lxml reads back 256 levels at most
            block = Quote((block,))  # type: ignore[arg-type]
        result.document.body.append(block)  # type: ignore[arg-type]
        return result

    monkeypatch.setattr(pipeline, "ingest_bytes", deep)
    with Archive(tmp_path / "arc", create=True) as archive:
        (outcome,) = pipeline.ingest(archive, [SEED])
        assert outcome.status == "failed" and outcome.failure is not None
        assert outcome.failure.code == "too-complex"
        assert list(archive.entries()) == [] and archive.document_ids() == set()
