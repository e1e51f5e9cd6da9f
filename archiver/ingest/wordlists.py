"""wordfreq's word lists, unpacked once per machine into the cache folder and mapped read-only.

wordfreq reads a list by unzipping and unpacking it into a dict: 0.2 s for Dutch's largest
list, 0.47 s for German's, in every worker process that meets a line-end hyphen, and importing
wordfreq itself takes 0.15 s more. Here each list is unpacked once (by wordfreq, into the same
dict) and written as its words sorted by their UTF-8 bytes, their offsets and their
frequencies; each process maps those files and looks a word up by binary search: the same
answers as the dict (a test compares every word), loaded in milliseconds and shared by workers.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterator, Mapping
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from archiver.ingest import mapped
from archiver.ingest.language import cache_dir

_LAYOUT = 1  # bump when the cached files change form


class WordTable(Mapping[str, float]):
    """A word list as a read-only mapping of word -> frequency, over mapped files."""

    def __init__(self, words: memoryview, offsets: memoryview[int], freqs: memoryview[float]) -> None:
        self._words, self._offsets, self._freqs = words, offsets, freqs
        self._indexes = range(len(freqs))

    def _word(self, i: int) -> bytes:
        return bytes(self._words[self._offsets[i] : self._offsets[i + 1]])

    def _find(self, word: object) -> int | None:
        if not isinstance(word, str):
            return None
        try:
            key = word.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: no list holds them
            return None
        i = bisect.bisect_left(self._indexes, key, key=self._word)
        return i if i < len(self._indexes) and self._word(i) == key else None

    def __getitem__(self, word: str) -> float:
        i = self._find(word)
        if i is None:
            raise KeyError(word)
        return float(self._freqs[i])

    def __contains__(self, word: object) -> bool:
        return self._find(word) is not None

    def __len__(self) -> int:
        return len(self._indexes)

    def __iter__(self) -> Iterator[str]:
        return (self._word(i).decode("utf-8") for i in self._indexes)

    def pairs(self) -> Iterator[tuple[str, float]]:
        """Every (word, frequency), in the order of the words' UTF-8 bytes, without lookups."""
        return zip(self, self._freqs, strict=True)


def list_file(lang: str, wordlist: str) -> Path | None:
    """The file wordfreq reads for `lang`'s list ("small", or "best": the large one if there is
    one), found without importing wordfreq; None when it has no such list."""
    spec = find_spec("wordfreq")
    if not lang.isalnum() or spec is None or not spec.submodule_search_locations:
        return None
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    names = ["large", "small"] if wordlist == "best" else [wordlist]
    for name in names:
        path = data / f"{name}_{lang}.msgpack.gz"
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=8)  # wordfreq's own dict, when no cache folder can be had, is ~40 MB
def frequencies(lang: str, wordlist: str) -> Mapping[str, float] | None:
    """wordfreq's frequencies of `lang`'s list (`wordlist`: "small" or "best"), or None when it
    has none. From the cache folder when it can be had, else wordfreq's own dict."""
    source = list_file(lang, wordlist)
    if source is None:
        return None
    try:
        folder = cache_dir() / f"wordfreq-{_LAYOUT}-{_file_key(source)}"
        return mapped.kept(folder, lambda f: _write_cache(f, lang, wordlist), _load_cache)
    except (OSError, ValueError, KeyError):
        return unpacked(lang, wordlist)


def _file_key(path: Path) -> str:
    """The list file's identity: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def unpacked(lang: str, wordlist: str) -> dict[str, float]:
    import wordfreq

    return dict(wordfreq.get_frequency_dict(lang, wordlist=wordlist))


def _write_cache(folder: Path, lang: str, wordlist: str) -> None:
    """Unpack the list into `folder`, whole or not at all (a temporary folder, then a rename)."""
    import numpy as np

    freqs = unpacked(lang, wordlist)
    encoded = [word.encode("utf-8") for word in freqs]
    order = sorted(range(len(encoded)), key=encoded.__getitem__)  # the words are distinct
    words = [encoded[i] for i in order]
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, words), dtype=np.int64, count=len(words)), out=offsets[1:])
    values = np.array(list(freqs.values()), dtype=np.float64)[np.array(order, dtype=np.intp)]
    files = {"words.utf8": b"".join(words), "offsets.i64": offsets.tobytes(), "freqs.f64": values.tobytes()}
    mapped.publish(folder, files, {"words": len(words)})


def _load_cache(folder: Path) -> WordTable:
    meta = mapped.opened(folder)
    count = int(meta["words"])
    offsets = mapped.map_file(folder / "offsets.i64").cast("q")
    freqs = mapped.map_file(folder / "freqs.f64").cast("d")
    if len(offsets) != count + 1 or len(freqs) != count:
        raise ValueError(f"{folder}: an incomplete word list")
    return WordTable(mapped.map_file(folder / "words.utf8"), offsets, freqs)
