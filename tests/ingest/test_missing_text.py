"""The quick check behind missing_text answers as counting characters does."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from archiver import pipeline
from archiver.ingest import assemble

# spaces of every kind, an astral character, a lone surrogate
ALPHABET = "ab é\u00a0\t\n\x1c\x1f\x85\u2028\u2003\u3000\U0001f600\udc80-–\u200b\ufeffx"


def _counted(source: str, pieces: list[str]) -> bool:
    def nonspace(text: str) -> Counter[str]:
        return Counter(c for c in text if not c.isspace())

    return nonspace(source) == nonspace("".join(pieces))


def test_split_drops_exactly_the_characters_isspace_names() -> None:
    """What _same_characters rests on, for every code point."""
    for code in range(0x110000):
        c = chr(code)
        assert ("".join(c.split()) == "") == c.isspace(), hex(code)


def test_same_characters_agrees_with_counting_on_random_texts() -> None:
    rng = random.Random(9)
    agreed = {True: 0, False: 0}
    for _ in range(3000):
        source = "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 30)))
        chars = list(source)
        rng.shuffle(chars)
        if rng.random() < 0.5:  # a change: one character dropped, added or replaced
            at = rng.randrange(len(chars) + 1)
            chars[at : at + rng.randrange(2)] = rng.choice(["", rng.choice(ALPHABET)])
        cut = sorted(rng.randrange(len(chars) + 1) for _ in range(2))
        pieces = ["".join(chars[: cut[0]]), "".join(chars[cut[0] : cut[1]]), "".join(chars[cut[1] :])]
        same = assemble._same_characters(source, pieces)
        assert same == _counted(source, pieces), (source, pieces)
        agreed[same] += 1
    assert min(agreed.values()) > 500  # both answers were put to the test


def test_missing_text_is_the_same_with_and_without_the_quick_check(monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(__file__).resolve().parents[2]
    corpus = sorted((root.parent / "shared" / "corpus").rglob("*.txt"))[:8]  # where it is at hand
    files = sorted((root / "sources").iterdir()) + corpus
    seen = []
    real = assemble.missing_text

    def both(source: str, blocks: list, found: assemble.Found) -> Counter[str]:
        quick = real(source, blocks, found)
        with monkeypatch.context() as m:
            m.setattr(assemble, "SORTED_LIMIT", -1)
            counted = real(source, blocks, found)
        seen.append(quick == counted)
        return quick

    monkeypatch.setattr(assemble, "missing_text", both)
    for path in files:
        pipeline.parse(path.read_bytes(), path.name, "2026-12-01T00:00:00Z", None)
    assert len(seen) >= len(list((root / "sources").iterdir())) and all(seen)
