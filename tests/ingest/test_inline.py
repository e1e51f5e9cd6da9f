"""Emphasis typed in plain text: recognised at ingest, kept as <em>, typeset across its edges."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.document.model import Paragraph, Preformatted
from archiver.document.validate import errors_of_bytes
from archiver.document.xmlio import from_bytes, to_bytes
from archiver.export.typography import typeset_marked
from archiver.ingest import ingest_bytes
from archiver.ingest.inline import emphasis, shift, verse
from tests.conftest import WHEN


@pytest.mark.parametrize(
    ("raw", "text", "spans"),
    [
        ("_Toen_--en _nu_!", "Toen--en nu!", ["Toen", "nu"]),
        ("een *heel* mooi _ding_", "een heel mooi ding", ["heel", "ding"]),
        ('(»_God willing_")', '(»God willing")', ["God willing"]),
        ("_a_ _b_", "a b", ["a", "b"]),
        # not emphasis: inside words, spaced markers, dunders, arithmetic
        ("some_var_name", "some_var_name", []),
        ("x _ y _ z", "x _ y _ z", []),
        ("__init__ en 2*3*4", "__init__ en 2*3*4", []),
    ],
)
def test_emphasis(raw: str, text: str, spans: list[str]) -> None:
    consumed: list[str] = []
    para = emphasis(raw, consumed)
    assert para.text == text
    assert [para.text[s:e] for s, e in para.em] == spans
    assert len("".join(consumed)) == len(raw) - len(text)  # every marker accounted for


def test_shift_after_a_dateline_is_cut() -> None:
    assert shift(((0, 4), (10, 12)), 6) == ((4, 6),)


def test_typography_crosses_emphasis_edges() -> None:
    text = "Hij zei \"nee\" en 't toen... collega's"
    para = Paragraph(
        text, ((text.index("nee"), text.index("nee") + 3), (text.index("'t"), text.index("'t") + 6))
    )
    out, spans = typeset_marked(para.text, para.em, "nl")
    assert out == "Hij zei “nee” en ’t toen… collega’s"
    assert [out[s:e] for s, e in spans] == ["nee", "’t toe"]


PIECES = [*"ab '\"-.,", "...", "'s ", "_", "*", " - "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), st.sampled_from(["nl", "en", "de", "fr"]))
def test_marked_typography_keeps_letters_inside_and_out(raw: str, lang: str) -> None:
    para = emphasis(raw, [])
    out, spans = typeset_marked(para.text, para.em, lang)
    assert [c for c in out if c.isalnum()] == [c for c in para.text if c.isalnum()]
    assert len(spans) == len(para.em)
    for (s, e), (s0, e0) in zip(spans, para.em, strict=True):
        assert [c for c in out[s:e] if c.isalnum()] == [c for c in para.text[s0:e0] if c.isalnum()]


def test_emphasis_in_verse_keeps_the_line_breaks_and_drops_the_markers() -> None:
    consumed: list[str] = []
    pre = verse("_Andante con moto._\n  De brug, _de stroom_,\nen _toen_--en nu", consumed)
    assert pre.text == "Andante con moto.\n  De brug, de stroom,\nen toen--en nu"
    assert [pre.text[s:e] for s, e in pre.em] == ["Andante con moto.", "de stroom", "toen"]
    assert consumed == ["__", "__", "__"]


def test_a_marker_left_open_in_verse_does_not_run_over_lines() -> None:
    consumed: list[str] = []
    pre = verse("_Toen was ik jong\nen nu ben ik oud_", consumed)
    assert pre.text == "_Toen was ik jong\nen nu ben ik oud_" and pre.em == () and consumed == []


def test_emphasis_in_verse_reaches_the_canonical_xml_and_back() -> None:
    text = "Titel\n\nEen brug in de nacht,\n_de stroom_ gaat voorbij,\nen _toen_ was het stil.\n"
    doc = ingest_bytes(text.encode(), "verse.txt", WHEN).document
    (pre,) = [b for b in doc.body if isinstance(b, Preformatted)]
    assert [pre.text[s:e] for s, e in pre.em] == ["de stroom", "toen"]
    xml = to_bytes(doc)
    assert b"<em>de stroom</em> gaat voorbij,\nen <em>toen</em>" in xml
    assert errors_of_bytes(xml) == [] and from_bytes(xml).body == doc.body


def test_verse_is_typeset_and_its_emphasis_shown_in_the_edition() -> None:
    from lxml import etree

    from archiver.export.xhtml import article

    text = "Titel\n\nDaar stond hij----en zweeg,\n_'t was laat_, zei hij,\nen toen ging hij heen.\n"
    doc = ingest_bytes(text.encode(), "verse.txt", WHEN).document
    html = etree.tostring(article(doc), encoding="unicode")
    assert "Daar stond hij—en zweeg,\n<em>’t was laat</em>, zei hij," in html
