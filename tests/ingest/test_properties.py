"""Property-based tests: no text is lost, ingest is idempotent, whatever the text looks like."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.document.validate import errors_of_bytes
from archiver.document.xmlio import from_bytes, to_bytes
from archiver.errors import InputError
from archiver.ingest import ingest_bytes
from tests.conftest import WHEN

# Words and punctuation that trigger the parser's rules: headers, quotes, lists, credits, bylines,
# line-end hyphens (before a conjunction, in a compound, in a broken word), emphasis, dash runs.
TOKENS = st.sampled_from(
    ["Poetin", "kernwapen-", "programma", "De", "de", "the", "(foto: AFP)", "Foto:", "ANP", "By", "Door",
     "Jan", "Title:", "Date:", "2019-04", "date", ">", "-", "*", "1.", "#", "\"quote\"", "collega's",
     "PARIS,", "20 août 2012", "-", "–", "Noord-Korea", "…", ".", "?", "!", "---", "Zoë", "€", "»",
     "\uffff", "\x00", "\x85", "\u2028", "\u00ad", "\r\n", "\t", "\u00a0", "ﬁ", "e\u0301",
     "in-", "en", "niet-", "leden", "ver-", "minderde", "self-", "and", "_nadruk_", "door----ja", "'t"]
)  # fmt: skip
LINE = st.lists(st.one_of(TOKENS, st.text(min_size=1, max_size=12)), min_size=1, max_size=14).map(" ".join)
DOC = st.lists(st.one_of(LINE, st.just("")), min_size=1, max_size=25).map("\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOC)
def test_no_text_lost(text: str) -> None:
    try:
        result = ingest_bytes(text.encode("utf-8"), "prop.txt", WHEN)  # the recipe itself
    except InputError:
        return
    assert [p for p in result.problems if p.code == "text-gap"] == []


@settings(max_examples=60, deadline=None)
@given(DOC)
def test_ingest_is_idempotent_and_valid(text: str) -> None:
    data = text.encode("utf-8")
    try:
        first = to_bytes(ingest_bytes(data, "prop.txt", WHEN).document)
    except InputError:
        return
    assert to_bytes(ingest_bytes(data, "prop.txt", WHEN).document) == first
    assert errors_of_bytes(first) == []
    assert to_bytes(from_bytes(first)) == first
