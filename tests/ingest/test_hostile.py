"""Issue 7: hostile input is archived or refused with a registered code, in bounded time and memory."""

from __future__ import annotations

import pytest

from archiver.document.model import Document, Heading, Paragraph, Preformatted, Quote, texts_of
from archiver.ingest._text import xml_safe
from archiver.ingest.found import Found
from archiver.ingest.structure import parse
from tests.ingest.attacks import ATTACKS, front_matter, hyphen_lines, prose
from tests.ingest.bounded import ingest_within

LIMIT = 20.0  # seconds; each attack takes well under one now, and took from 4 s to forever before


def _meta_texts(doc: Document) -> list[str]:
    meta = doc.meta
    values = [meta.title, meta.subtitle, meta.byline, meta.dateline, meta.source, *meta.authors]
    return [v.text for v in values if v is not None] + [value for _, value in meta.fields]


def _depth(blocks: tuple[object, ...] | list[object]) -> int:
    return max((1 + _depth(b.blocks) if isinstance(b, Quote) else 0 for b in blocks), default=0)


@pytest.mark.parametrize("name", ["yaml-self-alias", "yaml-1000-brackets", "yaml-billion-laughs"])
def test_unreadable_front_matter_is_reported_and_kept_as_text(name: str) -> None:
    outcome = ingest_within(ATTACKS[name](), LIMIT, name)
    assert "header-invalid" in outcome.codes and "text-gap" not in outcome.codes
    assert outcome.document is not None
    assert any("*" in text or "[" in text for text in texts_of(outcome.document.body))


def test_front_matter_over_64_kib_is_refused_as_header() -> None:
    outcome = ingest_within(front_matter("title: Lang\nnote: " + "x " * 40_000), LIMIT)
    assert "header-invalid" in outcome.codes
    assert outcome.document is not None and outcome.document.provenance.dialect == "front-matter"


def test_impossible_yaml_date_is_a_date_problem_not_a_crash() -> None:
    outcome = ingest_within(ATTACKS["yaml-bad-date"](), LIMIT)
    assert outcome.codes == {"date-unparsed"}
    assert outcome.document is not None and outcome.document.meta.title.text == "Een titel"
    assert ("date", "2019-02-30") in outcome.document.meta.fields  # under its key as written


def test_yaml_scalars_keep_their_spelling() -> None:
    outcome = ingest_within(ATTACKS["yaml-4301-digits"](), LIMIT)
    assert outcome.document is not None
    assert ("n", "9" * 4301) in outcome.document.meta.fields


def test_yaml_escapes_cannot_smuggle_characters_xml_refuses() -> None:
    outcome = ingest_within(front_matter('title: "Een \\0 titel \\ufffe met \\x07 tekens"'), LIMIT)
    assert outcome.document is not None and outcome.document.meta.title.text == "Een  titel  met  tekens"


def test_xml_safe_removes_what_xml_cannot_hold() -> None:
    assert xml_safe("a\x00b\x07c\x85d\ud800e\ufffef\tg\nh") == "abcdef\tg\nh"


@pytest.mark.parametrize(
    "name",
    ["dateline-Aa-599B", "dateline-Aa-2000", "word-30kB", "atx-20kB-spaces", "atx-20kB-hashes",
     "hyphen-word-lines-5000", "date-header-64kB"],
)  # fmt: skip
def test_super_linear_patterns_now_cost_little(name: str) -> None:
    outcome = ingest_within(ATTACKS[name](), LIMIT, name)
    assert outcome.seconds < 5, f"{name} took {outcome.seconds:.1f} s"
    assert outcome.document is not None and "text-gap" not in outcome.codes


def test_glued_hyphenated_lines_cost_linear_time() -> None:
    outcome = ingest_within(hyphen_lines(20_000), LIMIT)
    assert outcome.seconds < 8, f"took {outcome.seconds:.1f} s"
    assert outcome.document is not None and "text-gap" not in outcome.codes
    texts = [b.text for b in outcome.document.body if isinstance(b, Paragraph)]
    # "af" and "dit" are both words and "afdit" is none: the Dutch dictionary keeps the hyphen
    assert "eindigt met af-dit is" in texts[0] and max(map(len, texts)) <= 2**18


def test_atx_heading_is_still_read() -> None:
    outcome = ingest_within(b"Tekst vooraf.\n\n### Een kop ###\n\nTekst erna.\n", LIMIT)
    assert outcome.document is not None
    assert Heading("Een kop", 3) in outcome.document.body


def test_long_header_value_is_not_handed_to_the_date_parser() -> None:
    raw = b"Title: Een titel\nDate: 12 januari 2019 " + b"x" * 5000 + b"\n\nTekst.\n"
    outcome = ingest_within(raw, LIMIT)
    assert outcome.seconds < 5 and "date-unparsed" in outcome.codes
    message = next(m for code, m, _ in outcome.problems if code == "date-unparsed")
    assert len(message) < 200


def test_quote_nesting_is_capped_and_the_rest_stays_text() -> None:
    outcome = ingest_within(ATTACKS["quote-500"](), LIMIT)
    assert outcome.document is not None and "text-gap" not in outcome.codes
    assert _depth(outcome.document.body) == 16 and "too-complex" in outcome.codes
    assert any(t.startswith(">" * 400) for t in texts_of(outcome.document.body))


def test_no_text_node_over_a_mebibyte_and_nothing_lost() -> None:
    data = prose(3 * 2**20, width=None)
    outcome = ingest_within(data, 60)
    assert outcome.document is not None and "text-gap" not in outcome.codes
    texts = texts_of(outcome.document.body) + _meta_texts(outcome.document)
    assert max(len(t.encode()) for t in texts) <= 2**20 and "too-complex" in outcome.codes
    assert len([b for b in outcome.document.body if isinstance(b, Paragraph)]) >= 12


def test_long_verse_is_split_into_blocks() -> None:
    data = b"Titel\n\n" + b"\n".join(b"regel %d van het gedicht" % i for i in range(40_000)) + b"\n"
    outcome = ingest_within(data, 60)
    assert outcome.document is not None and "text-gap" not in outcome.codes
    pres = [b.text for b in outcome.document.body if isinstance(b, Preformatted)]
    assert len(pres) > 1 and max(len(p) for p in pres) <= 2**18 and "too-complex" in outcome.codes


def test_over_long_header_line_is_body_text() -> None:
    outcome = ingest_within(b"Title: " + b"lang " * 10_000 + b"\nDate: 2019-04-01\n\nTekst.\n", LIMIT)
    assert outcome.document is not None and "text-gap" not in outcome.codes
    assert len(outcome.document.meta.title.text) < 200


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Новая библиотека открылась в центре города.\n" * 5, "utf-16-le"),
        ("Новая библиотека открылась в центре города.\n" * 5, "utf-16-be"),
        ("新しい図書館が開館しました。ひらがなとカタカナ。\n" * 3, "utf-16-le"),
        ("新图书馆在市中心开放了很长一段时间的翻修之后终于重新开放\n" * 3, "utf-16-be"),
        ("Η νέα βιβλιοθήκη άνοιξε στο κέντρο της πόλης.\n", "utf-16-be"),
        ("Café ’t Hoekje in Zoë’s straat, € 3,50.\n" * 2, "utf-16-be"),
    ],
)
@pytest.mark.parametrize("tail", [b"", b"\x00"])
def test_utf16_without_bom_is_text(text: str, encoding: str, tail: bytes) -> None:
    outcome = ingest_within(text.encode(encoding) + tail, LIMIT)
    assert outcome.document is not None, outcome.refused
    assert outcome.document.provenance.encoding == encoding
    assert "text-gap" not in outcome.codes
    assert ("truncated" in [r.kind for r in outcome.document.provenance.repairs]) == bool(tail)


@pytest.mark.parametrize("data", [b"Bush hid the facts\x00", "Zoë en Loïc\x00".encode("latin-1")])
def test_ascii_with_a_stray_nul_is_not_read_as_cjk(data: bytes) -> None:
    outcome = ingest_within(data, LIMIT)
    assert outcome.refused == "binary" or outcome.document.provenance.encoding == "utf-8"  # type: ignore[union-attr]


def test_mixed_encodings_keep_every_character_and_say_so() -> None:
    outcome = ingest_within(ATTACKS["mixed-utf8-latin1-cp1252"](), LIMIT)
    assert outcome.document is not None
    body = " ".join(texts_of(outcome.document.body) + _meta_texts(outcome.document))
    for word in ("café € 3,50", "Zoë en Loïc", "“prijs” € 4 – klaar"):
        assert word in body
    (mixed,) = [p for p in outcome.problems if p[0] == "encoding-mixed"]
    assert mixed[2] == 2 and "cp1252" in mixed[1] and "iso-8859-1" in mixed[1]
    assert outcome.document.provenance.encoding == "utf-8+cp1252+iso-8859-1"


def test_forced_title_line_on_a_flat_text_keeps_it_as_body() -> None:
    outcome = ingest_within(prose(300_000, width=None)[len(b"Een titel\n\n") :], LIMIT, dialect="title-line")
    assert outcome.document is not None and "text-gap" not in outcome.codes
    assert len(outcome.document.meta.title.text) < 100


@pytest.mark.parametrize(
    ("value", "language", "problem"),
    [("nl, en", "nl", False), ("Nederlands", "nl", False), ("en-GB", "en-GB", False), ("12", None, True)],
)
def test_header_language_must_be_a_language_tag(value: str, language: str | None, problem: bool) -> None:
    raw = f"From: a@b\nSubject: Onderwerp\nContent-Language: {value}\n\nDe tekst van het bericht.\n"
    outcome = ingest_within(raw.encode(), LIMIT)
    assert outcome.document is not None
    if language:
        assert outcome.document.meta.language.text == language
    assert ("header-invalid" in outcome.codes) == problem


def test_many_mixed_lines_cost_linear_time() -> None:
    """Retrying the decode after each bad line used to copy the rest of the file every time."""
    outcome = ingest_within(ATTACKS["mixed-lines-3MB"](), 90)
    assert outcome.seconds < 30, f"took {outcome.seconds:.1f} s"  # 3 s here; quadratic took minutes
    assert "encoding-mixed" in outcome.codes and "text-gap" not in outcome.codes


def test_list_with_an_over_long_item_is_prose_and_loses_nothing() -> None:
    item = "woord " * 50_000
    data = f"Titel\n\n- kort item met af-\n  breking\n- {item}eind-\n  lijn\n".encode()
    outcome = ingest_within(data, LIMIT)
    assert outcome.document is not None and "text-gap" not in outcome.codes
    assert "too-complex" in outcome.codes
    assert all(isinstance(b, Paragraph) for b in outcome.document.body)
    found = Found()  # the declined list takes back its markers, not the hyphens joined meanwhile
    parse(data.decode().split("\n\n", 1)[1], found)
    assert found.consumed == ["-", "-"]
