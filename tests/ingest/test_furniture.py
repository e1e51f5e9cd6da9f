"""Furniture: datelines in the forms newspapers use, web-page title suffixes, uncredited captions."""

from __future__ import annotations

import pytest

from archiver.document.model import Figure
from archiver.ingest import furniture, ingest_bytes
from archiver.ingest.found import Found
from tests.conftest import WHEN


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("PARIS, 20 août 2012 - La mairie", "PARIS, 20 août 2012"),
        ("Aix-en-Provence, 3 mai 2019 - Texte", "Aix-en-Provence, 3 mai 2019"),
        ("Saint-Denis-de-la-Réunion, 1 janvier 2020 - Texte", "Saint-Denis-de-la-Réunion, 1 janvier 2020"),
        ("New York, January 5, 2019 -- Text", "New York, January 5, 2019"),
        ("Den Haag, 5 mei 2019 - De", "Den Haag, 5 mei 2019"),
        ("A. B. Jansen, 5 mei 2019 - De", "A. B. Jansen, 5 mei 2019"),
        ("LEEUWARDEN - Het was", "LEEUWARDEN"),
        ("BRUSSEL (ANP) - De", "BRUSSEL (ANP)"),
        ("Monday, May 9, 2022 - Ferry", "Monday, May 9, 2022"),
        ("Los Angeles Downtown North East, 5 May 2019 - Five words are not a place", None),
        ("Aa-" * 2000 + " tekst", None),
    ],
)
def test_datelines(text: str, dateline: str | None) -> None:
    found = Found()
    rest = furniture.take_dateline(text, found)
    assert (found.dateline.text if found.dateline else None) == dateline
    assert rest == (text if dateline is None else text.split(" -", 1)[1].lstrip("- "))


@pytest.mark.parametrize(
    ("text", "split"),
    [
        ("De ferry in de haven van Oslo. (foto: AFP)", ("De ferry in de haven van Oslo.", "AFP", "foto")),
        ("De ferry in de haven van Oslo. Foto: ANP", ("De ferry in de haven van Oslo.", "ANP", "Foto")),
        ("Die Fähre im Hafen. Bild: dpa", ("Die Fähre im Hafen.", "dpa", "Bild")),  # the label as written
        ("Lange tekst. " * 30_000 + "Foto: ANP", ("Lange tekst. " * 29_999 + "Lange tekst.", "ANP", "Foto")),
        ("Geen bijschrift: gewoon tekst.", None),
    ],
)
def test_credits_are_found_at_the_end_of_any_paragraph(text: str, split: tuple[str, str, str] | None) -> None:
    assert furniture.split_credit(text, []) == split


_LEDE = "\n\nThe harbour at Harlingen was closed on Tuesday after a storm damaged the quay, officials said.\n"


@pytest.mark.parametrize(
    ("line", "title", "source", "byline"),
    [
        ("Harbour closes after storm | Jane Doe", "Harbour closes after storm", None, "Jane Doe"),
        ("Harbour closes after storm - BBC News", "Harbour closes after storm", "BBC News", None),
        ("Canicule : Paris ouvre ses salles — Le Monde", "Canicule : Paris ouvre ses salles", "Le Monde",
         None),
        ("Noord-Korea en Rusland praten | NU.nl", "Noord-Korea en Rusland praten", "NU.nl", None),
        # a dash inside a headline stays: the tail is no name
        ("Kim Jong-un meets Putin - what we know", "Kim Jong-un meets Putin - what we know", None, None),
        ("Ajax wint - Feyenoord verliest", "Ajax wint - Feyenoord verliest", None, None),
    ],
)  # fmt: skip
def test_web_page_titles_lose_their_site_or_writer(
    line: str, title: str, source: str | None, byline: str | None
) -> None:
    meta = ingest_bytes((line + _LEDE).encode(), "page.txt", WHEN).document.meta
    assert meta.title.text == title
    assert (meta.source.text if meta.source else None) == source
    assert (meta.byline.text if meta.byline else None) == byline
    if title != line:
        assert ("title-as-written", line) in meta.fields  # kept as written
        lifted = meta.source or meta.byline
        assert lifted is not None and lifted.how.origin == "layout" and lifted.how.confidence < 1
        assert meta.title.how.method.endswith("+suffix-split")


def test_a_mail_subject_is_never_split() -> None:
    raw = b"From: a@b.nl\nSubject: Harbour closes | Jane Doe\n\nThe harbour closed on Tuesday, they said.\n"
    assert ingest_bytes(raw, "post.txt", WHEN).document.meta.title.text == "Harbour closes | Jane Doe"


_SCRAPE = """Harbour news

The ferry resumed on Monday after two years of repairs to the quay, the operator said.

{line}

Passengers had waited for more than an hour before the first boat arrived at the quay.
"""


@pytest.mark.parametrize(
    ("line", "caption"),
    [
        ("Fishermen mend their nets on the quay at Harlingen, where the ferry left again on Monday", True),
        ("Passengers queue for the first crossing of the restored ferry between Harlingen and Terschelling "
         "on Monday morning", True),
        ("Burgemeester Jansen (links) en havenmeester De Boer bij de heropende kade", True),
        ("New timetable", False),  # a subheading
        ("What the new timetable means for the islands", False),  # a subheading, no comma
        ("The crossing takes two hours, and the boat runs twice a day.", False),  # a sentence
    ],
)  # fmt: skip
def test_captions_without_credit_are_told_apart_from_subheadings(line: str, caption: bool) -> None:
    body = ingest_bytes(_SCRAPE.format(line=line).encode(), "scrape.txt", WHEN).document.body
    figures = [b for b in body if isinstance(b, Figure)]
    assert ([f.caption for f in figures] == [line]) is caption
    assert all(f.credit == "" for f in figures)
