"""Line-end hyphens decided with word frequencies per language (wordfreq), loaded only when needed.

"in-⏎en uitvoer" is a suspended compound (the hyphen and its space stay), "niet-⏎leden" a real
compound broken at its own hyphen (the hyphen stays), "ver-⏎minderde" a word split by
hyphenation (joined). Without a dictionary for the language the caller keeps its old rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import Enum

from archiver.ingest import language, wordlists

# Conjunctions after which a hyphenated first part is a suspended compound ("in- en uitvoer",
# "Ein- und Ausgang", "pre- and post-war", "import- ou export").
CONJUNCTIONS: dict[str, frozenset[str]] = {
    "nl": frozenset({"en", "of"}),
    "de": frozenset({"und", "oder", "bis", "sowie"}),
    "en": frozenset({"and", "or", "nor"}),
    "fr": frozenset({"et", "ou"}),
    "es": frozenset({"y", "e", "o", "u"}),
    "it": frozenset({"e", "ed", "o"}),
    "pt": frozenset({"e", "ou"}),
    "ca": frozenset({"i", "o"}),
    "sv": frozenset({"och", "eller"}),
    "da": frozenset({"og", "eller"}),
    "nb": frozenset({"og", "eller"}),
    "pl": frozenset({"i", "lub", "oraz", "albo"}),
    "cs": frozenset({"a", "i", "nebo"}),
    "sk": frozenset({"a", "i", "alebo"}),
    "fi": frozenset({"ja", "tai"}),
}
# Language identifier codes that wordfreq knows by another name.
_WORDFREQ_CODE = {"no": "nb", "nn": "nb", "hr": "sh", "sr": "sh", "bs": "sh"}
LANGUAGE_SAMPLE = 600  # characters: enough to tell the language, at a fifth of a full detection's cost
MIN_ZIPF = 2.0  # a part rarer than this (per 10^9 words: 100) is no evidence of a real compound


# The guesses a decision may rest on, as counted in the provenance (Compounds.guesses).
UNKNOWN_WORD = "unknown-word"  # neither the joined word nor both parts are known: joined
TIE = "tie"  # the joined word is rare, its parts common: both readings have evidence; joined
NO_DICTIONARY = "no-dictionary"  # wordfreq lacks the language: joined


class Verdict(Enum):
    """What a hyphen at a line end is."""

    SUSPENDED = "suspended"  # "in- en uitvoer": hyphen and space stay
    COMPOUND = "compound"  # "niet-leden": hyphen stays
    BREAK = "break"  # "verminderde": hyphen goes


def text_language(text: str) -> str:
    """The language of a body text as the identifier sees it, in wordfreq's code when it has one."""
    code, _ = language.detect(text[:LANGUAGE_SAMPLE])
    return _WORDFREQ_CODE.get(code, code)


def _frequencies(lang: str, wordlist: str) -> Mapping[str, float] | None:
    """wordfreq's word frequencies for `lang` (its "small" or its largest list), or None."""
    return wordlists.frequencies(lang, wordlist)


def _frequency(word: str, lang: str) -> float | None:
    """How often `word` occurs in `lang` (0.0: unknown), or None when wordfreq lacks the language.

    The small list (the most common words) answers most questions; the largest
    (300,000 words) only those it cannot.
    """
    word = word.lower()
    small = _frequencies(lang, "small")
    found = small.get(word, 0.0) if small else 0.0
    if found:
        return found
    best = _frequencies(lang, "best")
    return None if best is None else best.get(word, 0.0)


def _zipf(frequency: float) -> float:
    """wordfreq's Zipf scale: log10 of occurrences per 10^9 words (0 for an unknown word)."""
    return math.log10(frequency) + 9 if frequency > 0 else 0.0


def decide(head: str, tail: str, lang: str, standalone: bool) -> tuple[Verdict, str] | None:
    """The verdict on "head-⏎tail…" and the guess it rests on ("" when the dictionary is clear:
    see UNKNOWN_WORD, TIE), or None when the language has no dictionary.

    `standalone` says that the tail is a whole word (followed by a space or the end), as a
    conjunction must be.
    """
    joined = _frequency(head + tail, lang) if lang else None
    if joined is None:
        return None
    if standalone and tail.lower() in CONJUNCTIONS.get(lang, ()) and _zipf(joined) < 3:
        return Verdict.SUSPENDED, ""
    parts = (
        _zipf(_frequency(head, lang) or 0.0) >= MIN_ZIPF and _zipf(_frequency(tail, lang) or 0.0) >= MIN_ZIPF
    )
    if joined > 0:
        return Verdict.BREAK, TIE if parts and _zipf(joined) < MIN_ZIPF else ""
    if parts:
        return Verdict.COMPOUND, ""
    return Verdict.BREAK, UNKNOWN_WORD
