"""Language identification: py3langid's verdicts and probabilities exactly, from a model loaded fast."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from archiver.ingest import language
from tests.conftest import SOURCES

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
