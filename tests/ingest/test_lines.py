"""The paragraph model: linear rewrites agree with their definitions; line-end hyphens by dictionary."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.ingest import hyphens
from archiver.ingest._text import WHITESPACE
from archiver.ingest.lines import MAX_TEXT, _hyphenated_words, chunk_lines, compounds, join_lines, split_long
from archiver.ingest.structure import _ATX_OPEN, _atx_title

TOKENS = st.sampled_from(
    [
        "a",
        "ab",
        "Noord",
        "Koreaanse",
        "-",
        "--",
        "—",
        " ",
        "  ",
        ",",
        ".",
        "!",
        "x_y",
        "3",
        "é",
        "\t",
        "\u00a0",
    ]
)
LINE = st.lists(TOKENS, min_size=1, max_size=8).map("".join).filter(str.strip)


def _compounds_by_definition(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+-[^\W\d_]+", text))


def _join_by_definition(lines: list[str], known: set[str], consumed: list[str]) -> str:
    """The quadratic original: one growing string per part, its last word found by rsplit."""
    parts = [lines[0].strip()]
    for line in lines[1:]:
        prev, nxt = parts[-1], line.strip()
        if re.search(r"[^\W\d_]-$", prev[-2:]) and nxt[:1].islower():
            head, tail = prev.rsplit(" ", 1)[-1], nxt.split(" ", 1)[0]
            if re.sub(r"\W+$", "", f"{head}{tail}") not in known:
                consumed.append("-")
                prev = prev[:-1]
            parts[-1] = prev + nxt
        elif prev.endswith(("--", "—")) or (re.search(r"[^\W\d_]-$", prev[-2:]) and nxt[:1].isupper()):
            parts[-1] = prev + nxt
        else:
            parts.append(nxt)
    return " ".join(" ".join(parts).split())


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, min_size=1, max_size=8))
def test_join_lines_agrees_with_its_definition(lines: list[str]) -> None:
    text = "\n".join(lines)
    known = _compounds_by_definition(text)
    assert compounds(text) == known
    mine: list[str] = []
    theirs: list[str] = []
    assert join_lines(lines, known, mine) == _join_by_definition(lines, known, theirs)
    assert mine == theirs


def test_compound_lookup_ignores_words_too_long_to_be_compounds() -> None:
    long_word = "a" * 300
    assert compounds(f"{long_word}-b en Noord-Korea") == {"Noord-Korea"}
    consumed: list[str] = []
    assert join_lines([f"{long_word}-", "b."], {f"{long_word}-b"}, consumed) == f"{long_word}b."
    assert consumed == ["-"]


def test_whitespace_is_what_python_calls_white_space() -> None:
    everything = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    assert "".join(c for c in everything if c.isspace()) == WHITESPACE
    assert "".join(re.findall(r"\s", everything)) == WHITESPACE


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from("ab .!?…;\u00a0"), max_size=300), st.integers(8, 40))
def test_split_long_keeps_every_character_within_the_limit(text: str, limit: int) -> None:
    text = " ".join(text.split())
    pieces = split_long(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join("".join(pieces).split()) == "".join(text.split())
    assert len(pieces) == 1 or all(p for p in pieces)


def test_split_long_prefers_sentence_ends() -> None:
    text = "Een zin die eindigt. " * 20_000
    pieces = split_long(text.strip())
    assert len(pieces) > 1 and all(p.endswith(".") for p in pieces)
    assert max(map(len, pieces)) <= MAX_TEXT


def test_chunk_lines_keeps_lines_whole_and_in_order() -> None:
    lines = [f"regel {i}" for i in range(1000)]
    groups = chunk_lines(lines, 100)
    assert [line for group in groups for line in group] == lines
    assert all(len("\n".join(group)) <= 100 for group in groups)


@given(st.text(st.sampled_from("a #\t"), min_size=1, max_size=14).map(str.rstrip))
def test_atx_heading_agrees_with_the_lazy_pattern(line: str) -> None:
    lazy = re.match(r"^(#{1,6})\s+(.+?)\s*#*$", line)
    opening = _ATX_OPEN.match(line)
    if opening is None or opening.end() == len(line):
        assert lazy is None
    else:
        assert lazy is not None and _atx_title(line[opening.end() :]) == lazy.group(2)


@given(st.text(st.sampled_from("ab- \n\t\u00a0"), max_size=80), st.integers(1, 12))
def test_hyphenated_words_are_found_a_chunk_at_a_time(text: str, chunk: int) -> None:
    assert list(_hyphenated_words(text, chunk)) == [word for word in text.split() if "-" in word]


NL = (
    "De gemeenteraad besprak gisteren de in- en uitvoer van goederen door de haven van Harlingen. "
    "Leden en niet-leden van de ondernemersvereniging kregen een brief over de verminderde bijdrage, "
    "en de wethouder beloofde dat de gemeente de kosten zou dragen.\n"
)
EN = (
    "The council discussed the import and export of goods through the harbour on Monday. Members and "
    "visitors were told that self-driving buses will run from May, and that the reduced fares stay.\n"
)
DE = "Der Stadtrat sprach am Montag über den Ein- und Ausgang des Hafens und über die Kosten der Stadt.\n"


def _joined(lines: list[str], text: str) -> tuple[str, list[str]]:
    consumed: list[str] = []
    return join_lines(lines, compounds(text + "\n".join(lines)), consumed), consumed


def test_a_hyphen_before_a_conjunction_is_a_suspended_compound_and_keeps_its_space() -> None:
    assert _joined(["de in-", "en uitvoer van goederen"], NL) == ("de in- en uitvoer van goederen", [])
    assert _joined(["den Ein-", "und Ausgang"], DE) == ("den Ein- und Ausgang", [])
    assert _joined(["the pre-", "and post-war years"], EN) == ("the pre- and post-war years", [])


def test_a_compound_broken_at_its_own_hyphen_keeps_it() -> None:
    assert _joined(["alleen de niet-", "leden kregen een brief"], NL) == (
        "alleen de niet-leden kregen een brief",
        [],
    )
    assert _joined(["the self-", "driving buses"], EN) == ("the self-driving buses", [])
    assert _joined(["naar Zuid-", "Afrika en Noord-", "Korea"], NL) == ("naar Zuid-Afrika en Noord-Korea", [])


def test_a_word_split_by_hyphenation_is_joined_and_the_hyphen_accounted_for() -> None:
    assert _joined(["de ver-", "minderde bijdrage"], NL) == ("de verminderde bijdrage", ["-"])
    assert _joined(["de ge-", "meente betaalt"], NL) == ("de gemeente betaalt", ["-"])
    assert _joined(["the coun-", "cil decided"], EN) == ("the council decided", ["-"])


def test_without_a_dictionary_for_the_language_the_old_rule_stands() -> None:
    latin = "Gallia est omnis divisa in partes tres, quarum unam incolunt Belgae, aliam Aquitani.\n"
    known = compounds(latin * 3)
    assert known.language not in hyphens.CONJUNCTIONS  # the identifier's verdict, not a guess of ours
    assert hyphens.decide("in", "en", known.language, True) is None
    consumed: list[str] = []
    assert join_lines(["in-", "en partes"], known, consumed) == "inen partes"
    assert consumed == ["-"]


def test_the_language_is_looked_for_only_when_a_hyphen_needs_it() -> None:
    known = compounds(NL)
    join_lines(["De gemeenteraad besprak", "gisteren de haven."], known, [])
    assert known._language is None
    join_lines(["de ver-", "minderde bijdrage"], known, [])
    assert known.language == "nl"
