"""wordfreq's word lists mapped from the cache folder: the same words and frequencies as its dicts."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import wordfreq

from archiver.ingest import hyphens, wordlists

ABSENT = ["", "zzqxv", "verminderdee", "Verminderde", "\udcff", "a\nb", "ver minderde"]


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder, and lists loaded again under it."""
    monkeypatch.setenv("ARCHIVER_MODEL_CACHE", str(tmp_path))
    wordlists.frequencies.cache_clear()
    yield tmp_path
    monkeypatch.undo()
    wordlists.frequencies.cache_clear()


def _same(table: object, lang: str, wordlist: str) -> None:
    """Every word of wordfreq's dict has its frequency in `table`, and nothing else is there."""
    expected = wordfreq.get_frequency_dict(lang, wordlist=wordlist)
    assert isinstance(table, wordlists.WordTable)
    assert len(table) == len(expected)
    assert dict(table.pairs()) == expected  # every word and its frequency
    sample = list(expected.items())[:: 1 if len(expected) < 100_000 else 37]  # looked up by binary search
    assert all(table[word] == freq and word in table for word, freq in sample)
    for word in ABSENT:
        assert word not in expected  # (the list itself has none of them)
        assert word not in table and table.get(word, 0.0) == 0.0
        with pytest.raises(KeyError):
            table[word]


@pytest.mark.parametrize(("lang", "wordlist"), [("nl", "small"), ("el", "small"), ("nl", "best")])
def test_a_mapped_list_holds_wordfreqs_words_and_frequencies(cached: Path, lang: str, wordlist: str) -> None:
    _same(wordlists.frequencies(lang, wordlist), lang, wordlist)  # unpacked into the folder
    (folder,) = cached.iterdir()
    assert (folder / "meta.json").exists() and not list(cached.glob(".*"))
    wordlists.frequencies.cache_clear()
    _same(wordlists.frequencies(lang, wordlist), lang, wordlist)  # and read back from it


def test_languages_without_a_list_have_none(cached: Path) -> None:
    assert "xx" not in wordfreq.available_languages("best")
    assert wordlists.frequencies("xx", "best") is None
    assert wordlists.frequencies("../nl", "small") is None
    assert wordlists.frequencies("", "small") is None
    assert "da" in wordfreq.available_languages("best")  # a small list only: "best" is that one
    assert wordlists.list_file("da", "best") == wordlists.list_file("da", "small")
    assert not list(cached.iterdir())


def test_a_list_cut_short_is_unpacked_again(cached: Path) -> None:
    wordlists.frequencies("nl", "small")
    (folder,) = cached.iterdir()
    words = folder / "words.utf8"
    size = words.stat().st_size
    with words.open("r+b") as fh:
        fh.truncate(1000)  # as a full disk or a careless copy would leave it
    wordlists.frequencies.cache_clear()
    _same(wordlists.frequencies("nl", "small"), "nl", "small")
    assert words.stat().st_size == size


def test_without_a_cache_folder_the_dict_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("ARCHIVER_MODEL_CACHE", str(blocked))
    wordlists.frequencies.cache_clear()
    try:
        assert wordlists.frequencies("nl", "small") == wordfreq.get_frequency_dict("nl", wordlist="small")
    finally:
        monkeypatch.undo()
        wordlists.frequencies.cache_clear()


def test_line_end_hyphens_are_decided_without_importing_wordfreq(cached: Path) -> None:
    wordlists.frequencies("nl", "small"), wordlists.frequencies("nl", "best")  # the cache is filled
    code = (
        "import sys; from archiver.ingest import hyphens; "
        "print(hyphens.decide('ver', 'minderde', 'nl', False), hyphens.decide('niet', 'leden', 'nl', True), "
        "'wordfreq' in sys.modules)"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    expected = (hyphens.decide("ver", "minderde", "nl", False), hyphens.decide("niet", "leden", "nl", True))
    assert shown.strip() == f"{expected[0]} {expected[1]} False"
    assert expected[0] == (hyphens.Verdict.BREAK, "")
