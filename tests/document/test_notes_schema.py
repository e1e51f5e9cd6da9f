"""The schema's note rules: every call names one note of the article, and every note is called."""

from __future__ import annotations

import pytest

from archiver.document.validate import errors_of_bytes
from tests.conftest import INGEST_GOLDEN as GOLDEN

ESSAY = (GOLDEN / "struct-veerpont.txt.xml").read_bytes()


def test_the_essay_with_notes_is_valid() -> None:
    assert b'<noteref note="n1" label="1"/>' in ESSAY and b'<note id="n1" label="1" key="Footnote">' in ESSAY
    assert errors_of_bytes(ESSAY) == []


@pytest.mark.parametrize(
    ("old", "new", "expect"),
    [
        (
            b'<noteref note="n1" label="1"/>',
            b'<noteref note="n9" label="1"/>',
            "noteref-target",
        ),  # calls a note that is not there
        (b'<noteref note="n1" label="1"/>', b"", "note-called"),  # a note nobody calls
        (b'<note id="n2" label="2"', b'<note id="n1" label="2"', "noteref-target"),  # two notes, one id
        (b'<note id="n1" label="1"', b'<note id="n1"', "Element note failed"),  # a note without its label
        (
            b'<noteref note="n1" label="1"/>',
            b'<noteref note="n1" label="2"/>',
            "noteref-label",
        ),  # not its note's
        (
            b'<noteref note="n1" label="1"/>',
            b'<noteref note="n1" label=""/>',
            "extra content: noteref",
        ),  # empty
        (b'label="1" key="Footnote"', b'label="1" key=""', "Invalid attribute key"),  # an empty key word
        (b'label="1" key="Footnote"', b'label="1" key="Foot note:"', "Invalid attribute key"),  # not a word
        (b'<epigraph xml:lang="en">', b'<epigraph xml:lang="english language">', "Invalid attribute lang"),
    ],
)
def test_broken_notes_are_caught(old: bytes, new: bytes, expect: str) -> None:
    assert old in ESSAY
    errors = errors_of_bytes(ESSAY.replace(old, new, 1))
    assert errors and any(expect in e for e in errors), errors


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b'<noteref note="n1" label="1"/>', b'<noteref note="n1"/>'),  # written before labels were kept
        (b'label="1" key="Footnote"', b'label="1"'),  # a note without a key word
        (b'label="1" key="Footnote"', b'label="1" key="Voetnoot"'),  # any word the source used
    ],
)
def test_label_and_key_are_optional_words(old: bytes, new: bytes) -> None:
    assert old in ESSAY
    assert errors_of_bytes(ESSAY.replace(old, new, 1)) == []
