"""The RELAX NG grammar and Schematron rules accept good documents and reject bad ones."""

from __future__ import annotations

import pytest
from lxml import etree

from archiver.document.validate import errors_of_bytes
from archiver.document.xmlio import parse_bytes
from tests.conftest import INGEST_GOLDEN as GOLDEN

GOOD = (GOLDEN / "000_46013887131c49c3.txt.xml").read_bytes()


def test_goldens_are_valid() -> None:
    for path in GOLDEN.glob("*.xml"):
        assert errors_of_bytes(path.read_bytes()) == [], path.name


@pytest.mark.parametrize(
    ("old", "new", "expect"),
    [
        # a month date written as a day, or a day-precise value for a month
        (b'precision="month">2019-04<', b'precision="month">2019-04-01<', "gYearMonth"),
        (b'precision="month">2019-04<', b'precision="day">2019-04<', "Element date failed"),
        (b'precision="month">2019-04<', b'precision="month">april 2019<', "gYearMonth"),
        # a derived title that does not name its method
        (b' method="first-sentence-truncated"', b"", "title-method"),
        # an element the schema does not know
        (b"<body>", b"<body>\n    <marquee>hi</marquee>", "Did not expect element marquee"),
        # the archive id must be the start of the original's checksum
        (
            b'scheme="archive">a0c17ae2455c0836<',
            b'scheme="archive">ffffffffffffffff<',
            "archive-id-hash",
        ),
        # xml:lang must agree with meta/language
        (b'xml:lang="nl"', b'xml:lang="en"', "lang-agrees"),
        # confidence is a probability
        (b'confidence="1.00">nl<', b'confidence="7">nl<', "Invalid attribute confidence"),
        # a heading level below the title
        (b'<h level="2">Top', b'<h level="1">Top', "Element h failed to validate attributes"),
    ],
)
def test_bad_documents_are_rejected(old: bytes, new: bytes, expect: str) -> None:
    assert old in GOOD, "test fixture drifted from the golden file"
    errors = errors_of_bytes(GOOD.replace(old, new, 1))
    assert errors, f"accepted a document with {new!r}"
    assert any(expect in e for e in errors), errors


def test_not_well_formed() -> None:
    (error,) = errors_of_bytes(b"<article><unclosed></article>", "broken.xml")
    assert "broken.xml" in error and "well-formed" in error


def test_entities_are_not_expanded() -> None:
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">'
        b'<!ENTITY y "EXPANDED">]><a>&x;&y;</a>'
    )
    root = parse_bytes(evil)
    text = etree.tostring(root)
    assert b"root:" not in text and b"EXPANDED" not in text  # both would be there if expanded
    assert b"&x;" in text and b"&y;" in text
    errors = errors_of_bytes(evil)
    assert errors and not any("root:" in e for e in errors)
