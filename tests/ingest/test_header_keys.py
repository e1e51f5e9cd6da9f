"""Header keys kept as written: keyword keys, a language named in words, an e-text number's markup,
and dates of legal texts ("Ausfertigungsdatum: 18.08.1896") read to the day."""

from __future__ import annotations

import pytest

import scripts.eval as evaluation
from archiver.document.validate import errors_of_bytes
from archiver.document.xmlio import from_bytes, to_bytes
from archiver.ingest import dates, ingest_bytes
from tests.conftest import FIXTURES, WHEN

BODY = "Der Gemeinderat hat am Dienstag den neuen Haushalt beschlossen, mit mehr Geld für die Schulen.\n"


def _archived(raw: str, name: str = "article.txt") -> tuple[bytes, str]:
    """The canonical XML of a raw text (valid, with no problem), and every word it keeps."""
    result = ingest_bytes(raw.encode(), name, WHEN)
    assert result.problems == []
    xml = to_bytes(result.document)
    assert errors_of_bytes(xml) == []
    return xml, evaluation._xml_text(xml)


@pytest.mark.parametrize("key", ["Tags", "Keywords", "Schlagwörter", "Mots-clés", "Trefwoorden"])
def test_keyword_keys_are_kept_with_the_keywords(key: str) -> None:
    raw = f"Title: Haushalt beschlossen\nDate: 2021-03-03\n{key}: Politik, Schulen; Haushalt\n\n{BODY}"
    xml, words = _archived(raw)
    doc = from_bytes(xml)
    assert doc.meta.keywords == ["Politik", "Schulen", "Haushalt"]
    assert doc.meta.keywords_how is not None and doc.meta.keywords_how.method == f"header:{key}"
    assert xml.count(f'method="header:{key}"'.encode()) == 3  # on every keyword
    assert evaluation.lost_words(raw, words) == {}


def test_a_second_keyword_key_keeps_its_keywords_under_its_own_name() -> None:
    raw = f"Title: Haushalt beschlossen\nTags: Politik\nKeywords: Schulen, Geld\n\n{BODY}"
    xml, words = _archived(raw)
    doc = from_bytes(xml)
    assert doc.meta.keywords == ["Politik"]
    assert ("Keywords", "Schulen, Geld") in doc.meta.fields
    assert evaluation.lost_words(raw, words) == {}


def test_front_matter_tags_and_a_language_named_in_words() -> None:
    raw = f"---\ntitle: Haushalt beschlossen\nlanguage: Deutsch\ntags: [Politik, Schulen]\n---\n\n{BODY}"
    xml, words = _archived(raw)
    doc = from_bytes(xml)
    assert doc.meta.language.text == "de"
    assert ("language-as-written", "Deutsch") in doc.meta.fields
    assert doc.meta.keywords_how is not None and doc.meta.keywords_how.method == "front-matter:tags"
    assert evaluation.lost_words(raw, words) == {}


def test_a_language_written_as_its_code_is_not_kept_twice() -> None:
    xml, _ = _archived(f"Title: Haushalt beschlossen\nLanguage: de\n\n{BODY}")
    assert b"language-as-written" not in xml


@pytest.mark.parametrize("name", ["dia-gutenberg-modern.txt", "dia-gutenberg-older.txt"])
def test_gutenberg_language_and_etext_number_as_written(name: str) -> None:
    raw = (FIXTURES / name).read_bytes()
    result = ingest_bytes(raw, name, WHEN)
    doc = from_bytes(to_bytes(result.document))
    (number,) = [i for i in doc.meta.identifiers if i.scheme == "gutenberg"]
    text = raw.decode("utf-8-sig")
    assert number.raw in text and number.raw.startswith("[") and number.raw.endswith(f"#{number.value}]")
    written = dict(doc.meta.fields)["language-as-written"]
    assert f"Language: {written}" in text and written != doc.meta.language.text
    assert evaluation.lost_words(text, evaluation._xml_text(to_bytes(result.document))) == {}


def test_the_schema_takes_an_identifiers_markup_but_not_an_empty_one() -> None:
    xml = to_bytes(ingest_bytes((FIXTURES / "dia-gutenberg-older.txt").read_bytes(), "g.txt", WHEN).document)
    assert b'raw="[EBook #' in xml and errors_of_bytes(xml) == []
    emptied = xml.replace(b'raw="[EBook #25311]"', b'raw=""')
    assert emptied != xml and errors_of_bytes(emptied) != []
    keyword = xml.replace(b"</meta>", b'<keyword origin="guessed">x</keyword></meta>')
    assert any("keyword" in e or "origin" in e for e in errors_of_bytes(keyword))


def test_law_fixture_reads_the_ausfertigungsdatum_to_the_day_and_keeps_a_stand_that_is_no_date() -> None:
    raw = (FIXTURES / "law-de-dorfbrunnen.txt").read_text()
    xml, words = _archived(raw, "law-de-dorfbrunnen.txt")
    doc = from_bytes(xml)
    assert doc.published is not None
    assert (doc.published.value, doc.published.precision, doc.published.raw) == (
        "1896-08-18",
        "day",
        "18.08.1896",
    )
    assert doc.published.how.method == "key:Ausfertigungsdatum"
    assert doc.meta.title.text == "Gesetz über die Pflege der Dorfbrunnen (Dorfbrunnengesetz - DBrG)"
    assert doc.text_blocks()[0].startswith("Stand: Zuletzt geändert")  # not a date: stays text
    assert [b for b in doc.text_blocks() if b.startswith("§")] == [
        "§ 1 Zweck",
        "§ 2 Zuständigkeit",
        "§ 3 Inkrafttreten",
    ]
    assert evaluation.lost_words(raw, words) == {}


@pytest.mark.parametrize(
    ("head", "kind", "value"),
    [
        ("Ausfertigungsdatum\n:   1896-08-18", "published", "1896-08-18"),  # a Markdown definition list
        ("Datum: 01.02.2003", "published", "2003-02-01"),  # day first, never 2 January
        ("Stand: 1.7.2021", "modified", "2021-07-01"),
    ],
)
def test_dated_keys_in_the_body_head(head: str, kind: str, value: str) -> None:
    xml, words = _archived(f"Verordnung über die Brunnenaufsicht\n\n{head}\n\n{BODY}")
    doc = from_bytes(xml)
    assert [(d.kind, d.value, d.precision) for d in doc.meta.dates] == [(kind, value, "day")]
    assert doc.text_blocks() == [BODY.strip()]  # the key line is metadata now
    assert evaluation.lost_words(head, words) == {}


def test_dotted_dates_are_day_first() -> None:
    assert dates.parse("01.02.2003") == ("2003-02-01", "day")
    assert dates.parse("18.8.1896", "de") == ("1896-08-18", "day")
    assert dates.parse("31.02.2003") is None


def test_a_markdown_title_after_an_html_head_line() -> None:
    """Converted Dutch laws open with a <meta> line, then "##Title" with no space, often long."""
    raw = (FIXTURES / "law-nl-besluit.txt").read_text(encoding="utf-8")
    xml, words = _archived(raw, "law-nl-besluit.txt")
    doc = from_bytes(xml)
    assert doc.meta.title.text.startswith("Besluit van 3 maart 1921, houdende regels")
    assert len(doc.meta.title.text) > 150 and "#" not in doc.meta.title.text
    assert dict(doc.meta.fields)["html-head"].startswith("<meta http-equiv=")
    assert doc.text_blocks()[0].startswith("Wij Wilhelmina")
    assert evaluation.lost_words(raw, words) == {}


@pytest.mark.parametrize(
    ("first", "title"),
    [("# Verordnung über die Brunnen", "Verordnung über die Brunnen"), ("#hashtag", "#hashtag")],
)
def test_a_title_line_loses_its_markdown_hashes_but_a_hashtag_stays(first: str, title: str) -> None:
    xml, _ = _archived(f"{first}\n\n{BODY}")
    assert from_bytes(xml).meta.title.text == title


@pytest.mark.parametrize(
    ("raw", "authors", "separator"),
    [
        ("The Python core team and community", ["The Python core team and community"], {}),  # a collective
        ("Jan de Vries en Piet Bakker", ["Jan de Vries", "Piet Bakker"], {"en": 1}),
        ("Anna Schmidt und Karl Weber", ["Anna Schmidt", "Karl Weber"], {"und": 1}),
    ],
)
def test_an_author_line_splits_only_between_names(
    raw: str, authors: list[str], separator: dict[str, int]
) -> None:
    xml, words = _archived(f"Title: Haushalt beschlossen\nAuthor: {raw}\nDate: 2021-03-03\n\n{BODY}")
    assert [a.text for a in from_bytes(xml).meta.authors] == authors
    assert evaluation.lost_words(raw, words) == separator  # only a conjunction between two names goes


def test_org_mode_keywords_are_a_header_block() -> None:
    raw = f"#+TITLE: Haushalt beschlossen\r\n#+AUTHOR: Karin Vogt\r\n#+DATE: 2021-03-03\r\n\r\n{BODY}"
    xml, words = _archived(raw, "haushalt.org")
    doc = from_bytes(xml)
    assert doc.provenance.dialect == "header-block"
    assert (doc.meta.title.text, doc.meta.title.how.method) == ("Haushalt beschlossen", "header:TITLE")
    assert [a.text for a in doc.meta.authors] == ["Karin Vogt"]
    assert [(d.value, d.precision) for d in doc.meta.dates] == [("2021-03-03", "day")]
    assert doc.text_blocks() == [BODY.strip()]  # the "#+" lines are not body text
    assert evaluation.lost_words(raw, words) == {}


@pytest.mark.parametrize(
    ("raw", "lang"),
    [
        (
            "Título: El Ebro se desborda\nFecha: 12 de diciembre de 2021\nAutor: María López\n"
            "Fuente: Heraldo Digital\nEtiquetas: inundaciones, Aragón\n\n"
            "El caudal del río Ebro alcanzó este domingo los 2.200 metros cúbicos por segundo a su paso "
            "por la capital aragonesa, la cifra más alta desde 2015.\n",
            "es",
        ),
        (
            "Titolo: Il Po esce dagli argini\nData: 12 dicembre 2021\nAutore: Marco Rossi\n"
            "Fonte: Gazzetta di Parma\nParole chiave: alluvione, Parma\n\n"
            "La piena del Po ha raggiunto domenica il livello più alto degli ultimi sei anni e la "
            "protezione civile ha chiuso gli accessi agli argini.\n",
            "it",
        ),
        (
            "Título: O Tejo transborda em Santarém\nData: 12 de dezembro de 2021\nAutor: Ana Costa\n"
            "Fonte: Jornal do Ribatejo\nPalavras-chave: cheias, Santarém\n\n"
            "O caudal do rio Tejo atingiu no domingo o valor mais alto dos últimos seis anos e a "
            "proteção civil fechou os acessos às margens.\n",
            "pt",
        ),
    ],
)
def test_spanish_italian_and_portuguese_keys_are_a_header_block(raw: str, lang: str) -> None:
    xml, words = _archived(raw)
    doc = from_bytes(xml)
    assert (doc.provenance.dialect, doc.meta.language.text) == ("header-block", lang)
    assert (
        doc.meta.title.how.origin == "explicit" and doc.meta.title.text == raw.split("\n")[0].split(": ")[1]
    )
    assert [(d.value, d.precision) for d in doc.meta.dates] == [("2021-12-12", "day")]
    assert len(doc.meta.authors) == 1 and doc.meta.source is not None and len(doc.meta.keywords) == 2
    assert evaluation.lost_words(raw, words) == {}


@pytest.mark.parametrize(("key", "lang"), [("Fecha", "es"), ("Data", "it"), ("Datum", "nl")])
def test_numeric_dates_under_a_key_of_a_day_first_language_are_read_day_first(key: str, lang: str) -> None:
    xml, _ = _archived(f"Title: Haushalt beschlossen\n{key}: 03/04/2021\n\n{BODY}")
    assert [(d.value, d.precision) for d in from_bytes(xml).meta.dates] == [("2021-04-03", "day")]
    assert dates.parse("03/04/2021") == ("2021-03-04", "day")  # under no language, as before: month first


def test_english_words_that_are_keys_elsewhere_stay_fields() -> None:
    raw = (
        "Title: Why the library must stay open\nData: Met Office, daily series\n"
        "Editorial: the board's view\nDate: 4 May 2020\n\n"
        "The council will vote on the library's budget next week, and the board has asked it to wait.\n"
    )
    xml, words = _archived(raw)
    doc = from_bytes(xml)
    assert doc.meta.publisher is None and [(d.value, d.kind) for d in doc.meta.dates] == [
        ("2020-05-04", "published")
    ]
    assert dict(doc.meta.fields) == {"Data": "Met Office, daily series", "Editorial": "the board's view"}
    assert evaluation.lost_words(raw, words) == {}


@pytest.mark.parametrize(("written", "tag"), [("italiana", "it"), ("espanol", "es"), ("inglese", "en")])
def test_language_names_in_spanish_italian_and_portuguese(written: str, tag: str) -> None:
    xml, _ = _archived(f"Title: Haushalt beschlossen\nLanguage: {written}\n\n{BODY}")
    assert from_bytes(xml).meta.language.text == tag


def test_a_word_that_names_no_language_is_not_taken_for_a_tag() -> None:
    result = ingest_bytes(
        f"Title: Haushalt beschlossen\nLanguage: Klingonisch\n\n{BODY}".encode(), "a.txt", WHEN
    )
    assert result.document.meta.language.text == "de"  # detected, and the header kept as a field
    assert ("language", "Klingonisch") in result.document.meta.fields
    assert [p.code for p in result.problems] == ["header-invalid"]
