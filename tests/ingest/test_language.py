"""Language identification: py3langid's verdicts and probabilities exactly, from a model loaded fast
and walked in numpy."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from archiver.ingest import language
from tests.conftest import FIXTURES, SOURCES

TEXTS = [
    "De Noord-Koreaanse leider is donderdag aangekomen in Vladivostok.",
    "The ferry between the two harbours resumed service on Monday morning.",
    "Die Stadtbibliothek öffnet am Samstag ihre neuen Räume.",
    "La canicule s'installe à Paris : les autorités appellent à la prudence.",
    "Это короткий текст на русском языке.",
    "",
    "12 34 56",
    *(p.read_bytes().decode("utf-8", "replace") for p in sorted(SOURCES.iterdir())),
]


@pytest.fixture(scope="module")
def reference() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A fresh identifier, so that the model is loaded again under the test's settings."""
    language._identifier.cache_clear()
    yield
    monkeypatch.undo()
    language._identifier.cache_clear()


def test_the_cached_model_gives_py3langids_verdicts(
    reference: LanguageIdentifier, fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHIVER_MODEL_CACHE", str(tmp_path))
    for text in TEXTS:  # the first call unpacks the model into tmp_path
        code, prob = reference.classify(text[: language.SAMPLE])
        assert language.detect(text) == (code, round(float(prob), 2))
        assert language._identifier().classify(text) == reference.classify(text)  # to the last bit
    (folder,) = tmp_path.iterdir()
    assert (folder / "meta.json").exists() and not list(tmp_path.glob(".*"))
    language._identifier.cache_clear()  # and read back from the cache folder
    assert [language._identifier().classify(t) for t in TEXTS] == [reference.classify(t) for t in TEXTS]


def test_without_a_cache_folder_the_model_is_loaded_in_memory(
    reference: LanguageIdentifier, fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("ARCHIVER_MODEL_CACHE", str(blocked))
    assert [language._identifier().classify(t) for t in TEXTS] == [reference.classify(t) for t in TEXTS]


def test_a_cached_model_cut_short_is_unpacked_again(
    reference: LanguageIdentifier, fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHIVER_MODEL_CACHE", str(tmp_path))
    language._identifier()
    (folder,) = tmp_path.iterdir()
    table = folder / "nextmove.u32"
    size = table.stat().st_size
    with table.open("r+b") as fh:
        fh.truncate(1000)  # as a full disk or a careless copy would leave it
    language._identifier.cache_clear()
    assert [language._identifier().classify(t) for t in TEXTS] == [reference.classify(t) for t in TEXTS]
    assert table.stat().st_size == size


def synchronizing_window(moves: np.ndarray, rows: np.ndarray, limit: int = 16) -> int | None:
    """The fewest bytes after which the DFA's state no longer depends on the state it began in.

    Follows every pair (state reached from some state, state reached from the start) over all
    byte strings at once, dropping pairs that have met (they stay together); None if pairs are
    still apart after `limit` bytes.
    """
    n = len(rows)
    apart = np.arange(n, dtype=np.int64) * n  # pair (s, 0) as s * n + 0
    letters = np.arange(256, dtype=np.int64)
    for length in range(1, limit + 1):
        reached = []
        for chunk in np.array_split(apart, max(1, len(apart) // 4096)):  # bounded memory
            a = moves[(rows[chunk // n] << 8)[:, None] + letters].ravel().astype(np.int64)
            b = moves[(rows[chunk % n] << 8)[:, None] + letters].ravel().astype(np.int64)
            reached.append(np.unique(a[a != b] * n + b[a != b]))
        apart = np.unique(np.concatenate(reached))
        if not len(apart):
            return length
    return None


def test_the_models_dfa_forgets_its_past_after_the_listed_window() -> None:
    """What the numpy walk rests on, proved for the installed model: a new model must be listed."""
    identifier = language._identifier()
    assert language._model_key() in language.WINDOWS, "a new py3langid model: prove its window here"
    moves = np.asarray(identifier.tk_nextmove)
    rows = np.asarray(identifier.tk_row, dtype=np.int64)
    assert synchronizing_window(moves, rows) == language.WINDOWS[language._model_key()]


def test_the_numpy_walk_scores_every_text_as_py3langid_does(reference: LanguageIdentifier) -> None:
    """Scores equal to the bit, on the fixtures, on texts made of random characters and on edge cases."""
    ours = language._identifier()
    assert type(ours) is not LanguageIdentifier  # the numpy walk is in use
    rnd = random.Random(8)
    made = ["".join(chr(rnd.randrange(9, 0x3100)) for _ in range(rnd.randrange(0, 400))) for _ in range(150)]
    edges = ["a", "ab", "abcde", "abcdef", "abcdefg", "é", "\x00", "\x00" * 9, "ÉCOLE FERMÉE", "\U0001f600"]
    fixtures = [p.read_bytes().decode("utf-8", "replace") for p in sorted(FIXTURES.glob("*.txt"))]
    for text in [*TEXTS, *fixtures, *made, *edges]:
        sample = text[: language.SAMPLE]
        assert np.array_equal(ours._decide(sample), reference._decide(sample)), sample[:60]
