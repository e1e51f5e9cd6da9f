"""Fuzzing ingest: any bytes are archived as XML that reads back, or refused with a registered code."""

from __future__ import annotations

import codecs
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from archiver.document.validate import errors_of_bytes
from archiver.document.xmlio import from_bytes, to_bytes
from archiver.errors import PROBLEM_CODES, InputError
from archiver.ingest import ingest_bytes
from archiver.ingest.dialects import DIALECTS
from tests.conftest import WHEN

# The characters and words the readers react to: markup, header keys, dates, furniture.
TOKENS = st.sampled_from(
    ["#", "##", "###", ">", ">>", "-", "--", "---", "_", "*", "**", ":", "=", "===", "...", "(", ")",
     "1.", "2)", "12", "2019", "2019-02-30", "2019-04", "20", "août", "januari", "March", "Mai", "dec",
     "Monday,", "PARIS,", "LEEUWARDEN -", "Door", "By", "Par", "Foto:", "(foto: AFP)", "Title:", "Date:",
     "Datum:", "From:", "Subject:", "Aa-", "Noord-", "Koreaanse", "ge-", "meente", "Zoë", "€", "“", "…",
     "&x", "*x", "[", "]", "{", "}", "!!int", "~", "\t", "  ", "\r", "\r\n", "e\u0301", "ﬁ", "新", "Н",
     "=?utf-8?q?", "=?utf-8?b?", "?=", "<>", "99999999999999999999", '""', "'", "nl", "en-GB"]
)  # fmt: skip
# Characters hygiene removes or refuses: rarer, or most files would be refused as binary.
ODD = st.sampled_from(
    ["\x00", "\x07", "\x85", "\ufeff", "\u2028", "\u00ad", "\ue000", "\uffff", "\U0001f600"]
)
TEXT = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=6)
WORD = st.one_of(TOKENS, TOKENS, TEXT, TEXT, ODD)
LINE = st.lists(WORD, max_size=12).flatmap(lambda ws: st.sampled_from([" ".join(ws), "".join(ws)]))
LONG_LINE = st.builds(
    lambda w, n: w * n, st.one_of(TOKENS, st.text(min_size=1, max_size=3), ODD), st.integers(200, 3000)
)
HEAD = st.sampled_from(
    ["", "", "", "---\n", "---\ntitle: x\n", '---\n"": ', "---\nlang: ", "---\nauthor: ", "---\ndate: ",
     "Title: T\nDate: ", "Title: T\nLanguage: ", "From: a@b\nSubject: ", "From: <>\nMessage-ID: <",
     "From: a@b\nSubject: =?utf-8?b?", "From: a@b\nSubject: x\nDate: 14 Jun 2019 09:12 +",
     " date 2019 ", "T\n\n"]
)  # fmt: skip
DOC = st.builds(
    lambda head, lines, end: head + "\n".join(lines) + end,
    HEAD,
    st.lists(st.one_of(LINE, LINE, LINE, LONG_LINE, st.just(""), st.just("---")), max_size=30),
    st.sampled_from(["", "\n", "\n---\n"]),
)
# (encoding, its byte-order mark); now and then a mark that does not match.
ENCODINGS = st.sampled_from(
    [("utf-8", b""), ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", b""), ("utf-16-be", b""),
     ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE), ("cp1252", b""),
     ("latin-1", b""), ("cp1251", b""), ("utf-8", codecs.BOM_UTF16_LE), ("latin-1", codecs.BOM_UTF8)]
)  # fmt: skip
ENCODED = st.builds(lambda text, enc: enc[1] + text.encode(enc[0], "ignore"), DOC, ENCODINGS)
MIXED = st.lists(
    st.tuples(LINE, st.sampled_from(["utf-8", "cp1252", "latin-1"])), min_size=2, max_size=12
).map(lambda lines: b"\n".join(text.encode(enc, "ignore") for text, enc in lines))
DATA = st.one_of(ENCODED, ENCODED, ENCODED, MIXED, st.binary(max_size=3000))
DIALECT = st.one_of(st.none(), st.none(), st.none(), st.sampled_from(sorted(DIALECTS)))


@pytest.fixture(scope="module", autouse=True)
def _warm_up() -> None:
    """Load the language model and the date parser once, outside any example's deadline."""
    ingest_bytes(b"Title: Warm\nDate: 5 mei 2019\n\nDe tekst, om op te warmen.\n", "warm.txt", WHEN)


def check(data: bytes, dialect: str | None, note: Callable[[str], None] = event) -> None:
    """The promise: archived as valid XML that reads back, or refused with a registered code."""
    try:
        result = ingest_bytes(data, "fuzz.txt", WHEN, dialect)
    except InputError as exc:
        assert exc.code in PROBLEM_CODES
        note(f"refused: {exc.code}")
        return
    note(f"archived: {result.document.provenance.dialect}, {result.document.provenance.encoding}")
    for problem in result.problems:
        note(f"problem: {problem.code}")
    assert all(p.code in PROBLEM_CODES for p in result.problems)
    xml = to_bytes(result.document)
    assert errors_of_bytes(xml) == []
    assert to_bytes(from_bytes(xml)) == xml


# What fuzzing (and the audit around it) found, each fixed; they stay as examples.
FOUND = [
    b'---\n"": x\n---\n\nBody.\n',  # an empty YAML key made a <field> without a name
    b"From: <>\nMessage-ID: <\n\n#",  # an empty author and an empty message id
    b"---\nlang: 12\n---\n\nBody.\n",  # a language that is no language tag broke xml:lang
    b"From: a@b\nSubject: =?utf-8?b?a?=\n\nBody.\n",  # bad base64 raised HeaderParseError
    b"From: a@b\nSubject: x\nDate: 14 Jun 2019 09:12 +99999999999999999999\n\nBody.\n",  # OverflowError
    b'---\ntitle: "Een \\0 titel \\uD800"\n---\n\nBody.\n',  # escapes spell NUL (and surrogates)
]


@pytest.mark.parametrize("data", FOUND)
def test_found_by_fuzzing(data: bytes) -> None:
    check(data, None, note=lambda _: None)


@settings(
    max_examples=200, deadline=3000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(DATA, DIALECT)
def test_fuzz_ingest(data: bytes, dialect: str | None) -> None:
    check(data, dialect)


@pytest.mark.slow
@settings(max_examples=5000, deadline=3000, suppress_health_check=list(HealthCheck))
@given(DATA, DIALECT)
def test_fuzz_ingest_long(data: bytes, dialect: str | None) -> None:
    check(data, dialect)
