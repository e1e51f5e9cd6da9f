"""Dialect detection, dates with precision, furniture, and the no-text-lost check."""

from __future__ import annotations

import pytest

from archiver.document.model import Figure, Heading, ListBlock, Paragraph, Preformatted, Quote
from archiver.errors import InputError
from archiver.ingest import dates, dialects, ingest_bytes
from archiver.ingest.assemble import missing_text
from archiver.ingest.found import Found
from archiver.ingest.structure import parse
from tests.conftest import SOURCES, WHEN

EXPECTED_DIALECTS = {
    "000_46013887131c49c3.txt": "date-prefix",
    "2023-11-02-night-trains.md": "front-matter",
    "ARTIKEL_2021-03-03_stadtbibliothek.txt": "header-block",
    "LC_1987-01-17_p3_elfsteden.txt": "title-line",
    "depeche-2012-08-20-canicule-paris.txt": "title-line",
    "harbour-ferry-resumes-2022-05-09.txt": "title-line",
    "market-rents-cp1252.txt": "title-line",
    "nl.regio.groningen-19990614-0017.txt": "mail",
    "riverside-trees-newsletter-2020-09.txt": "header-block",
}


def _ingest(name: str):  # type: ignore[no-untyped-def]
    return ingest_bytes((SOURCES / name).read_bytes(), name, WHEN)


@pytest.mark.parametrize(("name", "dialect"), sorted(EXPECTED_DIALECTS.items()))
def test_every_sample_is_detected_and_loses_no_text(name: str, dialect: str) -> None:
    result = _ingest(name)
    assert result.document.provenance.dialect == dialect
    assert not [p for p in result.problems if p.code == "text-gap"]


def test_dialect_can_be_forced() -> None:
    name = "harbour-ferry-resumes-2022-05-09.txt"
    result = ingest_bytes((SOURCES / name).read_bytes(), name, WHEN, dialect="body-only")
    assert result.document.provenance.dialect == "body-only"
    assert result.document.provenance.dialect_confidence == 1.0
    assert result.document.meta.title.how.origin == "derived"


def test_unknown_dialect_is_refused() -> None:
    with pytest.raises(KeyError, match="known: front-matter"):
        dialects.get("nonsense")


@pytest.mark.parametrize(
    ("raw", "lang", "expected"),
    [
        ("2019-04", "", ("2019-04", "month")),
        ("2019", "", ("2019", "year")),
        ("2019-04-25", "", ("2019-04-25", "day")),
        ("april 2019", "nl", ("2019-04", "month")),
        ("20 août 2012", "fr", ("2012-08-20", "day")),
        ("3. März 2021", "de", ("2021-03-03", "day")),
        ("Saturday, January 5, 2019", "", ("2019-01-05", "day")),
        ("Mon, 14 Jun 1999 09:12:33 +0200", "", ("1999-06-14T09:12:33+02:00", "second")),
        ("2023-11-02T07:30+01:00", "", ("2023-11-02T07:30:00+01:00", "minute")),
        ("2019-13", "", None),
        ("next Tuesday", "en", None),
        ("soon", "en", None),
    ],
)
def test_dates_keep_their_precision(raw: str, lang: str, expected: tuple[str, str] | None) -> None:
    assert dates.parse(raw, lang) == expected


def test_mail_headers() -> None:
    meta = _ingest("nl.regio.groningen-19990614-0017.txt").document.meta
    assert meta.title.text == "Re: Nieuwe fietsbrug over het Reitdiep"
    assert [a.text for a in meta.authors] == ["Henk de Vries"]
    assert ("From", '"Henk de Vries" <henk.devries@example.nl>') in meta.fields
    assert meta.dates[0].precision == "second"
    assert meta.publisher and meta.publisher.text == "Stichting Buurtnet Noord"
    assert ("message-id", "7k2f9a$1q3$1@news.example.nl") in [(i.scheme, i.value) for i in meta.identifiers]


def test_mail_body_quotes_and_signature() -> None:
    doc = _ingest("nl.regio.groningen-19990614-0017.txt").document
    body = doc.body
    assert isinstance(body[1], Quote)
    assert doc.meta.signature is not None and doc.meta.signature.text == "Henk de Vries\nGroningen"
    assert not any(isinstance(b, Preformatted) for b in body)  # the signature is no longer body text
    assert any(isinstance(b, Paragraph) and "noordkant" in b.text for b in body)


def test_german_header_block() -> None:
    doc = _ingest("ARTIKEL_2021-03-03_stadtbibliothek.txt").document
    meta = doc.meta
    assert meta.subtitle and meta.subtitle.text.startswith("Mehr Platz")
    assert (meta.dates[0].value, meta.dates[0].raw) == ("2021-03-03", "3. März 2021")
    assert meta.source and meta.source.text == "Rheinische Lokalzeitung"
    assert meta.keywords == ["Bibliothek", "Kultur", "Stadtentwicklung"]
    (figure,) = [b for b in doc.body if isinstance(b, Figure)]
    assert figure.credit == "dpa"


def test_french_dateline_and_byline() -> None:
    doc = _ingest("depeche-2012-08-20-canicule-paris.txt").document
    meta = doc.meta
    assert meta.dateline and meta.dateline.text == "PARIS, 20 août 2012"
    assert meta.dates[0].value == "2012-08-20"
    assert [a.text for a in meta.authors] == ["Claire Martin"]
    first = doc.body[0]
    assert isinstance(first, Paragraph) and first.text.startswith("La mairie de Paris")
    (figure,) = [b for b in doc.body if isinstance(b, Figure)]
    assert figure.credit == "AFP"


def test_latin1_crlf_hard_wrapped() -> None:
    doc = _ingest("LC_1987-01-17_p3_elfsteden.txt").document
    prov = doc.provenance
    assert (prov.encoding, prov.newline) == ("iso-8859-1", "crlf")
    paragraphs = [b.text for b in doc.body if isinstance(b, Paragraph)]
    assert len(paragraphs) == 5  # two of them marked by indentation only
    assert "toeschouwers" in paragraphs[0] and "burgemeester" in paragraphs[0]
    assert "officiële" in paragraphs[2]
    assert doc.meta.dateline and doc.meta.dateline.text == "LEEUWARDEN"


def test_front_matter_and_markdown_body() -> None:
    doc = _ingest("2023-11-02-night-trains.md").document
    assert [a.text for a in doc.meta.authors] == ["Lena Brandt", "Jakob Meier"]
    assert doc.meta.language.how.origin == "explicit"
    assert [b.text for b in doc.body if isinstance(b, Heading)] == [
        "Couchettes and seats",
        "Slow progress elsewhere",
    ]
    assert any(isinstance(b, Quote) for b in doc.body)


def test_list_and_credit_in_english() -> None:
    doc = _ingest("harbour-ferry-resumes-2022-05-09.txt").document
    (lst,) = [b for b in doc.body if isinstance(b, ListBlock)]
    assert len(lst.items) == 3 and not lst.ordered
    (figure,) = [b for b in doc.body if isinstance(b, Figure)]
    assert figure.credit == "Reuters"


def test_a_dropped_character_is_a_problem() -> None:
    text = "Een korte tekst over de haven.\n\nNog een alinea.\n"
    found = Found()
    blocks = parse(text, found)
    assert not missing_text(text, blocks, found)
    assert missing_text(text + "X", blocks, found) == {"X": 1}


def test_header_only_file_is_refused() -> None:
    with pytest.raises(InputError, match="no body text"):
        ingest_bytes(b"Title: Only a title\nDate: 2020-01-01\n", "x.txt", WHEN)


NL_HEAD = "Titel: Nieuwe brug open\nDatum: 12 juni 2020\nAuteur: Els de Boer\nBron: Dagblad van het Noorden\n"
FR_HEAD = "Titre: Le pont rouvre\nDate: 3 mars 2021\nAuteur: Luc Martin\nSource: Ouest-France\n"
BODIES = {
    "nl": "De brug over het kanaal is weer open voor fietsers en voetgangers.",
    "fr": "Le pont sur le canal est de nouveau ouvert aux cyclistes et aux piétons.",
}


@pytest.mark.parametrize(
    ("head", "lang", "date"), [(NL_HEAD, "nl", "2020-06-12"), (FR_HEAD, "fr", "2021-03-03")]
)
def test_dutch_and_french_header_keys(head: str, lang: str, date: str) -> None:
    result = ingest_bytes(f"{head}\n{BODIES[lang]}\n".encode(), "x.txt", WHEN)
    meta = result.document.meta
    assert result.document.provenance.dialect == "header-block"
    assert meta.title.how.origin == "explicit" and meta.dates[0].value == date
    assert len(meta.authors) == 1 and meta.source is not None
    assert meta.language.text == lang and not result.problems


def test_a_date_in_the_file_name_is_taken_only_when_the_text_has_none() -> None:
    text = b"Elfstedentocht gaat door\n\nHet ijs is dik genoeg, zegt de vereniging in een verklaring.\n"
    doc = ingest_bytes(text, "LC_1987-01-17_p3_elfsteden.txt", WHEN).document
    date = doc.published
    assert date is not None and (date.value, date.precision, date.raw) == ("1987-01-17", "day", "1987-01-17")
    assert (date.how.origin, date.how.method) == ("layout", "file-name") and date.how.confidence < 0.8
    dated = b"Title: Elfstedentocht\nDate: 1997-01-04\n\nHet ijs is dik genoeg, zegt de vereniging.\n"
    doc = ingest_bytes(dated, "LC_1987-01-17_p3_elfsteden.txt", WHEN).document
    assert [d.value for d in doc.meta.dates] == ["1997-01-04"]


@pytest.mark.parametrize(
    "text",
    [
        b"Title: Harbour ferry resumes\nSource: Harlingen Courant\n\nThe ferry sails again from Monday.\n",
        b'---\ntitle: "Harbour ferry resumes"\nSource: Harlingen Courant\n---\n\nThe ferry sails again.\n',
    ],
)
def test_a_header_value_that_no_field_keeps_is_a_text_gap(
    monkeypatch: pytest.MonkeyPatch, text: bytes
) -> None:
    assert ingest_bytes(text, "ferry.txt", WHEN).problems == []
    real = Found.assign_header

    def drop_source(self: Found, key: str, raw: str, prefix: str) -> None:
        if key != "Source":
            real(self, key, raw, prefix)

    monkeypatch.setattr(Found, "assign_header", drop_source)
    gaps = [p for p in ingest_bytes(text, "ferry.txt", WHEN).problems if p.code == "text-gap"]
    assert len(gaps) == 1 and "16 characters" in gaps[0].message  # "HarlingenCourant" without its space


USENET = b"""\
From: jan@rug.nl (Jan de Vries)
Newsgroups: nl.regio.groningen
Subject: Re: Martinitoren dicht
Date: 12 Mar 93  08:01:17
Message-ID: <1993Mar12.080117.123@rug.nl>

De toren is dicht tot juni, zegt de gemeente.

--\x20
Jan de Vries  | jan@rug.nl
Rijksuniversiteit Groningen
"""


def test_a_usenet_signature_is_kept_apart_from_the_body() -> None:
    result = ingest_bytes(USENET, "post.txt", WHEN)
    doc = result.document
    assert result.problems == []
    assert doc.meta.signature is not None
    assert doc.meta.signature.text == "Jan de Vries  | jan@rug.nl\nRijksuniversiteit Groningen"
    assert doc.text_blocks() == ["De toren is dicht tot juni, zegt de gemeente."]
    assert doc.published is not None and doc.published.value == "1993-03-12T08:01:17"


def test_a_long_tail_after_a_dash_line_stays_body_text() -> None:
    tail = b"".join(b"Regel %d van het verslag, dat gewoon doorloopt.\n" % i for i in range(20))
    doc = ingest_bytes(USENET.split(b"-- \n")[0] + b"-- \n" + tail, "post.txt", WHEN).document
    assert doc.meta.signature is None and "Regel 19" in " ".join(doc.text_blocks())


def test_a_header_block_with_keys_of_its_own_and_folded_values() -> None:
    raw = (
        "Memo: 17\nTitle: Ferry timetable for the winter season\nAuthor: Harbour Office\n"
        "Status: Final\nCreated: 13-Nov-2021\nPost-History: 14-Nov-2021, 20-Nov-2021,\n"
        "              02-Dec-2021\n\nThe winter timetable starts on the first Monday of December.\n"
    )
    result = ingest_bytes(raw.encode(), "memo-17.txt", WHEN)
    doc = result.document
    assert doc.provenance.dialect == "header-block" and result.problems == []
    assert doc.meta.title.text == "Ferry timetable for the winter season"
    assert doc.published is not None and doc.published.value == "2021-11-13"
    assert dict(doc.meta.fields)["Post-History"] == "14-Nov-2021, 20-Nov-2021, 02-Dec-2021"
    assert doc.text_blocks() == ["The winter timetable starts on the first Monday of December."]


def test_a_byline_set_straight_under_the_header_block_ends_it() -> None:
    raw = (
        "Titel: Brand in de haven\nDatum: 12 maart 2021\nDoor Jan Jansen en Piet de Vries\n\n"
        "Gisteren brak er brand uit in de haven van Rotterdam. De brandweer was snel ter plaatse.\n"
    )
    result = ingest_bytes(raw.encode(), "haven.txt", WHEN)
    doc = result.document
    assert doc.provenance.dialect == "header-block"
    assert not [p for p in result.problems if p.code == "text-gap"]
    assert doc.meta.title.text == "Brand in de haven" and doc.meta.title.how.method == "header:Titel"
    assert doc.published is not None and doc.published.value == "2021-03-12"
    assert [a.text for a in doc.meta.authors] == ["Jan Jansen", "Piet de Vries"]
    assert doc.meta.byline is not None and doc.meta.byline.text == "Door Jan Jansen en Piet de Vries"
    assert doc.text_blocks() == [raw.split("\n\n")[1].strip()]


def test_one_known_key_then_prose_is_no_header() -> None:
    raw = "Title: a draft\nand it goes on as prose without any break at all.\n\nMore text here.\n"
    assert ingest_bytes(raw.encode(), "draft.txt", WHEN).document.provenance.dialect != "header-block"


def test_a_title_underlined_with_equals_signs_is_the_title() -> None:
    raw = (
        "City council approves new bridge\n================================\n\n"
        "By Jane Doe | March 3, 2021\n\n"
        "The city council voted 7-2 on Tuesday to approve the new bridge over the river, ending years "
        "of debate.\n\nConstruction starts next spring.\n"
    )
    result = ingest_bytes(raw.encode(), "bridge.txt", WHEN)
    doc = result.document
    assert doc.provenance.dialect == "title-line" and not result.problems
    assert (doc.meta.title.text, doc.meta.title.how.method) == (
        "City council approves new bridge",
        "underlined-line",
    )
    assert [a.text for a in doc.meta.authors] == ["Jane Doe"]
    assert doc.meta.byline is not None and doc.meta.byline.text == "By Jane Doe | March 3, 2021"
    assert doc.published is not None and (doc.published.value, doc.published.how.method) == (
        "2021-03-03",
        "byline-date",
    )
    assert doc.text_blocks()[0].startswith("The city council voted")


def test_a_wire_dateline_with_its_agency_and_the_wire_credits() -> None:
    raw = (
        "LONDON, May 4 (Reuters) - Shares rose on Monday as investors weighed new data on factory "
        "output across the region.\n\nThe FTSE 100 gained 1.2 percent.\n\n"
        "(Reporting by Ann Lee; Editing by Bob Kay)\n"
    )
    result = ingest_bytes(raw.encode(), "wire.txt", WHEN)
    doc = result.document
    assert not [p for p in result.problems if p.code == "text-gap"]
    assert doc.meta.dateline is not None and doc.meta.dateline.text == "LONDON, May 4 (Reuters)"
    assert doc.published is None  # a day without its year dates nothing
    assert doc.meta.title.text.startswith("Shares rose on Monday")
    assert not [b for b in doc.body if isinstance(b, Heading)]  # the credits are no subheading
    assert doc.text_blocks()[-1] == "(Reporting by Ann Lee; Editing by Bob Kay)"


@pytest.mark.parametrize(
    ("line", "kind", "value", "authors"),
    [
        ("*Published 2020-02-14 by Tom Reed*", "published", "2020-02-14", ["Tom Reed"]),
        ("Posted on March 3, 2021", "published", "2021-03-03", []),
        (
            "Bijgewerkt op 12 maart 2021 door Jan Smit en Piet Bos",
            "modified",
            "2021-03-12",
            ["Jan Smit", "Piet Bos"],
        ),
    ],
)
def test_a_published_line_under_the_title_gives_the_date_and_the_authors(
    line: str, kind: str, value: str, authors: list[str]
) -> None:
    body = "De nieuwe brug over de rivier is vandaag geopend door de burgemeester van de stad."
    result = ingest_bytes(f"Nieuwe brug open\n\n{line}\n\n{body}\n".encode(), "brug.txt", WHEN)
    doc = result.document
    assert not [p for p in result.problems if p.code == "text-gap"]
    assert [(d.kind, d.value) for d in doc.meta.dates] == [(kind, value)]
    assert [a.text for a in doc.meta.authors] == authors
    if authors:
        assert doc.meta.byline is not None and doc.meta.byline.text == line.split(
            " by " if " by " in line else " door "
        )[-1].rstrip("*")
    assert doc.text_blocks() == [body]
