"""SGML newswire and Project Gutenberg e-texts: metadata from tags and headers, the work as the body."""

from __future__ import annotations

from archiver.ingest import dialects, ingest_bytes
from tests.conftest import FIXTURES, WHEN


def _ingest(name: str, data: bytes | None = None):  # type: ignore[no-untyped-def]
    raw = (FIXTURES / name).read_bytes() if data is None else data
    result = ingest_bytes(raw, name, WHEN)
    assert result.problems == []
    return result.document


def _field(doc, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(v for k, v in doc.meta.fields if k == name)


def test_reuters_tags_give_title_date_and_dateline_never_the_tag_line() -> None:
    doc = _ingest("dia-reuters-21578.sgm.txt")
    assert doc.provenance.dialect == "sgml-newswire"
    assert doc.meta.title.text == "RHINE ICE HALTS DUTCH GRAIN BARGES AT <NIJMEGEN>"  # &lt; decoded
    assert doc.published is not None and doc.published.value == "1987-03-11T14:27:05"
    assert doc.meta.dateline is not None and doc.meta.dateline.text == "ROTTERDAM, March 11"
    blocks = doc.text_blocks()
    assert blocks[0].startswith("Drifting ice on the upper Rhine")
    assert "<Van Ommeren Grain B.V.>" in blocks[2] and blocks[-1] == "Reuter"
    assert not any("<" in b and "REUTERS" in b for b in blocks)
    assert _field(doc, "topics") == "grain; wheat" and _field(doc, "places") == "netherlands; west-germany"
    assert "\x03" not in "".join(blocks) and "&#" not in "".join(blocks)
    assert ("reuters", "4712") in [(i.scheme, i.value) for i in doc.meta.identifiers]


def test_trec_doc_with_head_byline_and_a_day_from_the_docno() -> None:
    doc = _ingest("dia-trec-ap.txt")
    assert doc.meta.title.text == "Harbor Dredging Resumes After Court Ruling"
    assert doc.meta.byline is not None and doc.meta.byline.text == "By MARTHA KELLEY"
    assert [a.text for a in doc.meta.authors] == ["MARTHA KELLEY"]
    assert _field(doc, "byline") == "Associated Press Writer"  # the second byline is kept
    date = doc.published
    assert date is not None and (date.value, date.how.method) == ("1989-06-12", "docno")
    assert len(doc.text_blocks()) == 2


def test_ldc_doc_paragraphs_and_entities() -> None:
    doc = _ingest("dia-ldc-doc.txt")
    assert doc.meta.title.text == "Dutch skaters hope for first Elfstedentocht in ten years"
    assert doc.meta.dateline is not None and doc.meta.dateline.text.startswith("LEEUWARDEN, Netherlands")
    assert doc.published is not None and doc.published.value == "1995-03-09"
    blocks = doc.text_blocks()
    assert len(blocks) == 2 and "Sunday & no later" in blocks[1]


def test_paragraph_tags_inside_text_make_paragraphs() -> None:
    raw = (
        (FIXTURES / "dia-ldc-doc.txt")
        .read_bytes()
        .replace(b"<TEXT>", b"<TEXT>\n<P>\nExtra words here.\n</P>")
    )
    doc = _ingest("dia-ldc-doc.txt", raw)
    assert doc.text_blocks()[0] == "Extra words here."


def test_gutenberg_header_marks_and_licence_are_told_apart_from_the_work() -> None:
    doc = _ingest("dia-gutenberg-modern.txt")
    meta = doc.meta
    assert doc.provenance.dialect == "gutenberg"
    assert meta.title.text == "De schaatsenrijders van Stavoren"
    assert meta.subtitle is not None and meta.subtitle.text == "Een winterverhaal"
    assert [a.text for a in meta.authors] == ["Pieter Hoekstra"] and meta.language.text == "nl"
    assert [(d.kind, d.value) for d in meta.dates] == [
        ("published", "2004-03-24"),
        ("modified", "2022-01-02"),
    ]
    assert ("gutenberg", "11824") in [(i.scheme, i.value) for i in meta.identifiers]
    body = " ".join(doc.text_blocks())
    assert body.startswith("I. Het had drie weken gevroren") and body.endswith("was gereden.")
    assert "Project Gutenberg" not in body and "LICENSE" not in body
    assert _field(doc, "gutenberg-licence").startswith("*** END OF THE PROJECT GUTENBERG EBOOK")
    assert "FULL PROJECT GUTENBERG LICENSE" in _field(doc, "gutenberg-licence")
    assert _field(doc, "gutenberg-header").startswith("The Project Gutenberg eBook of")


def test_older_gutenberg_text_end_line_and_producer_credit() -> None:
    doc = _ingest("dia-gutenberg-older.txt")
    assert doc.meta.title.text == "The Lighthouse Keeper's Daughter"
    assert _field(doc, "produced-by").startswith("Produced by Chris Curnow")
    assert _field(doc, "gutenberg-licence").startswith("End of the Project Gutenberg EBook")
    assert doc.text_blocks()[0].startswith("The storm came in from the west")
    assert doc.text_blocks()[-1].endswith("the oil can still in her hand.")


def test_without_a_title_header_the_ebook_line_gives_title_and_author_not_itself() -> None:
    raw = (
        (FIXTURES / "dia-gutenberg-older.txt")
        .read_bytes()
        .replace(b"Title: The Lighthouse Keeper's Daughter\n", b"")
    )
    doc = _ingest("x.txt", raw)
    assert doc.meta.title.text == "The Lighthouse Keeper's Daughter"
    assert doc.meta.title.how.method == "gutenberg-first-line"
    assert not doc.meta.title.text.startswith("The Project Gutenberg")


def test_detection_does_not_take_ordinary_text_for_the_new_dialects() -> None:
    for text in ("Title: Harbour\n\nThe <b>ferry</b> sails.\n", "Harbour news\n\nNo e-text here.\n"):
        assert dialects.detect(text)[0].name not in ("sgml-newswire", "gutenberg")


def test_deeply_nested_or_unclosed_tags_cost_little_and_lose_nothing() -> None:
    story = b"<P>The ferry sails again from Monday, the harbour master said. "
    raw = b"<DOC>\n<TEXT>\n" + story * 20_000 + b"</X>" * 20_000 + b"\n</TEXT>\n</DOC>\n"
    result = ingest_bytes(raw, "deep.txt", WHEN)
    assert {p.code for p in result.problems} <= {"language-uncertain"}  # one sentence 20,000 times
    assert " ".join(result.document.text_blocks()).count("ferry") == 20_000


def test_an_update_date_indented_under_the_release_date_is_a_date_of_its_own() -> None:
    head = (
        "The Project Gutenberg eBook of Harbour Tales\r\n\r\nTitle: Harbour Tales\r\n\r\n"
        "Author: Anna Visser\r\n\r\nRelease date: June 27, 2008 [eBook #4711]\r\n"
        "                Most recently updated: November 10, 2024\r\n\r\nLanguage: English\r\n\r\n"
        "*** START OF THE PROJECT GUTENBERG EBOOK HARBOUR TALES ***\r\n\r\n"
        "The ferry left at dawn, as it had done for forty years.\r\n\r\n"
        "*** END OF THE PROJECT GUTENBERG EBOOK HARBOUR TALES ***\r\n"
    )
    doc = _ingest("harbour-tales.txt", head.encode())
    assert doc.published is not None and doc.published.value == "2008-06-27"
    modified = [d for d in doc.meta.dates if d.kind == "modified"]
    assert [d.value for d in modified] == ["2024-11-10"]
    assert ("gutenberg", "4711") in [(i.scheme, i.value) for i in doc.meta.identifiers]
