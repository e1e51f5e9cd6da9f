"""Structure of older and longer texts: notes, epigraphs, section numbers, subtitles, language per block."""

from __future__ import annotations

from collections import Counter

from archiver.document.model import (
    Block,
    Epigraph,
    Heading,
    Note,
    Paragraph,
    Preformatted,
)
from archiver.document.validate import errors_of_bytes
from archiver.document.xmlio import from_bytes, to_bytes
from archiver.ingest import ingest_bytes, structure
from archiver.ingest.assemble import Result, missing_text
from archiver.ingest.found import Found
from tests.conftest import FIXTURES, WHEN

VEERPONT = FIXTURES / "struct-veerpont.txt"
# In a folder of its own: it must report problems, and every tests/fixtures/*.txt is a golden file
# that ingests without one. Both are written by the team, in the manner of an 1869 essay.
NACHT = FIXTURES / "struct-unmatched" / "een-nacht-op-den-ijssel.txt"


def _ingest(data: bytes | str, name: str = "essay.txt") -> Result:
    raw = data.encode() if isinstance(data, str) else data
    return ingest_bytes(raw, name, WHEN)


def _valid_round_trip(result: Result) -> None:
    xml = to_bytes(result.document)
    assert errors_of_bytes(xml) == []
    assert from_bytes(xml) == result.document
    assert not [p for p in result.problems if p.code == "text-gap"]


def _notes(blocks: list[Block]) -> list[Note]:
    return [b for b in blocks if isinstance(b, Note)]


def _called(blocks: list[Block]) -> list[tuple[str, str]]:
    """(the 20 characters before the call, note id) for every call in the top-level paragraphs."""
    return [
        (b.text[max(0, at - 20) : at], note)
        for b in blocks
        if isinstance(b, Paragraph)
        for at, note in b.notes
    ]


def test_gutenberg_footnotes_become_linked_notes() -> None:
    result = _ingest(VEERPONT.read_bytes(), VEERPONT.name)
    body = result.document.body
    assert result.problems == []
    notes = _notes(body)
    assert [(n.id, n.label, n.key) for n in notes] == [("n1", "1", "Footnote"), ("n2", "2", "Footnote")]
    first, second = notes[0].blocks  # note 1 runs over two paragraphs
    assert isinstance(first, Paragraph) and isinstance(second, Paragraph)
    assert first.text.startswith("Een boom is hier eene lange stok")
    assert first.text[first.em[0][0] : first.em[0][1]] == "boom"  # emphasis inside a note
    assert second.text.endswith("gebruikte dat woord nooit.")  # the closing "]" is markup, not text
    assert [b.text for b in notes[1].blocks if isinstance(b, Paragraph)] == [
        "Die brug werd in het voorjaar van 1868 geopend; sedert kwamen er des avonds geene reizigers "
        "meer aan de pont."
    ]
    calls = _called(body)
    assert [note for _, note in calls] == ["n1", "n2"]
    assert calls[0][0] == "man met een langen boom"[-20:]
    assert calls[1][0] == "aar de nieuwe spoorbrug"[-20:]
    assert not any("[1]" in t or "[Footnote" in t for t in result.document.text_blocks())
    _valid_round_trip(result)


def test_epigraph_with_attribution_in_its_own_language() -> None:
    doc = _ingest(VEERPONT.read_bytes(), VEERPONT.name).document
    body = doc.body
    assert doc.meta.subtitle is not None and doc.meta.subtitle.text == "Eene schets uit de provincie"
    assert body[0] == Heading("EEN WOORD VOORAF.", 2)
    epigraph = body[1]
    assert isinstance(epigraph, Epigraph)
    assert epigraph.attribution == "WORDSWORTH."
    assert epigraph.lang == "en"  # an English motto in a Dutch essay is not tagged Dutch
    (verse,) = epigraph.blocks  # three short lines: kept as lines
    assert isinstance(verse, Preformatted)
    assert verse.text.split("\n") == [
        "  Earth has not anything to show more fair:",
        "Dull would he be of soul who could pass by",
        "A sight so touching in its majesty.",
    ]
    assert isinstance(body[2], Paragraph) and body[2].text.startswith("Wie in den zomer van het jaar 1868")
    assert [b.text for b in body if isinstance(b, Heading)] == ["EEN WOORD VOORAF.", "I.", "II."]
    rhyme = next(b for b in body if isinstance(b, Preformatted))
    assert rhyme.text.splitlines()[0] == "    Het water stroomt, de pont gaat heen,"  # "_" is markup
    assert rhyme.lang == ""  # Dutch verse in a Dutch essay


def test_sections_subtitle_and_unmatched_markers_and_notes() -> None:
    result = _ingest(NACHT.read_bytes(), NACHT.name)
    doc = result.document
    assert doc.meta.subtitle is not None
    assert doc.meta.subtitle.text == "UIT HET DAGBOEK VAN EEN REIZIGER"
    assert doc.meta.subtitle.how.method == "parenthesised-line"
    headings = [b.text for b in doc.body if isinstance(b, Heading)]
    assert headings == ["I.", "II.", "HET ONTWAKEN."]
    epigraphs = [b for b in doc.body if isinstance(b, Epigraph)]
    assert [e.attribution for e in epigraphs] == ["BYRON.", "COLERIDGE."]
    assert epigraphs[0].lang == ""  # one English line is too short to be sure of
    assert epigraphs[1].lang == "en"
    verse = next(b for b in doc.body if isinstance(b, Preformatted) and "Tiefe Stille" in b.text)
    assert verse.lang == "de"
    assert verse.text.splitlines()[-1] == 'Todesstille fürchterlich!"'
    # Notes 1 and 2 are called; the marker [3] has no note, and note 4 no marker: both stay text.
    assert [(n.label, len(n.blocks)) for n in _notes(doc.body)] == [("1", 2), ("2", 1)]
    assert [note for _, note in _called(doc.body)] == ["n1", "n2"]
    assert [(p.code, p.message) for p in result.problems] == [
        ("note-unmatched", "marker [3] calls no note; kept as text"),
        ("note-unmatched", "note [4] is called by no marker; kept as text"),
    ]
    texts = doc.text_blocks()
    assert any("voor de deur gelegen[3], en niemand" in t for t in texts)
    assert texts[-1] == "[Footnote 4: Zie hierover het tweede stuk van deze schetsen.]"
    _valid_round_trip(result)


ESSAY = """DE BRUG.

Het water{marker} stroomde onder de brug door, zooals het altijd gedaan had, en niemand zag het.

{note}
"""


def test_a_note_no_marker_calls_stays_text_exactly() -> None:
    note = "[Footnote 7: Zie de _kaart_ van 1865.]"
    result = _ingest(ESSAY.format(marker="", note=note))
    texts = result.document.text_blocks()
    assert _notes(result.document.body) == []
    last = result.document.body[-1]
    assert isinstance(last, Paragraph)
    assert last.text == "[Footnote 7: Zie de kaart van 1865.]"
    assert last.text[last.em[0][0] : last.em[0][1]] == "kaart"  # emphasis still on its word
    assert [p.message for p in result.problems] == ["note [7] is called by no marker; kept as text"]
    assert "Het water stroomde" in texts[0]
    _valid_round_trip(result)


def test_a_note_over_several_paragraphs_and_an_asterisk_label() -> None:
    note = "[Footnote *: Eerste alinea van de noot.\n\nTweede alinea, met het slot.]"
    result = _ingest(ESSAY.format(marker="[*]", note=note))
    (only,) = _notes(result.document.body)
    assert only.label == "*"
    assert [b.text for b in only.blocks if isinstance(b, Paragraph)] == [
        "Eerste alinea van de noot.",
        "Tweede alinea, met het slot.",
    ]
    assert _called(result.document.body) == [("Het water", only.id)]
    assert result.problems == []
    _valid_round_trip(result)


def test_markers_are_read_only_where_they_can_be_calls() -> None:
    # "[2]" after a space is a reference number, not a call; a marker inside emphasis would cut
    # the <em> in two, so it stays text (and its note with it).
    text = (
        "DE BRUG.\n\nHet water stroomde [2] onder de _brug[3] door_ naar zee, en niemand zag het.\n\n"
        "[Footnote 3: Die van 1865.]\n"
    )
    result = _ingest(text)
    assert _notes(result.document.body) == []
    assert "[2]" in result.document.text_blocks()[0] and "[3]" in result.document.text_blocks()[0]
    assert {p.message for p in result.problems} == {"note [3] is called by no marker; kept as text"}
    _valid_round_trip(result)


def test_plain_news_is_unchanged_by_the_note_rules() -> None:
    text = (
        "Harbour closes\n\nThe harbour closed on Monday [update] after the storm.\n\nIt opens again soon.\n"
    )
    result = _ingest(text)
    assert result.problems == []
    assert result.document.text_blocks()[0] == "The harbour closed on Monday [update] after the storm."


DUTCH = (
    "Wij zaten nog laat bij elkaar in dien nacht, en spraken over de reis die voor ons lag; "
    "niemand wist hoe lang zij zou duren, en niemand vroeg het."
)
ENGLISH = (
    "It was a truth universally acknowledged among the passengers that the captain knew nothing "
    "of the sea, and that the mate knew rather less; yet the ship sailed on, day after day, and "
    "came at last into port without the loss of a single hand or a single barrel of salt pork, "
    "which the cook declared to be a miracle of the first order, and the owners a matter of course, "
    "as owners always will."
)


def test_language_per_block_only_where_it_is_sure() -> None:
    text = f"DE REIS.\n\n{DUTCH}\n\n{ENGLISH}\n\n{DUTCH} {DUTCH}\n\nHeil dir, o Meer!\n\n{DUTCH}\n"
    body = _ingest(text).document.body
    langs = [(b.text[:12], b.lang) for b in body if isinstance(b, Paragraph)]
    assert (
        langs
        == [
            (DUTCH[:12], ""),
            (ENGLISH[:12], "en"),  # long enough, and surely English
            (DUTCH[:12], ""),
            ("Heil dir, o ", ""),  # too short to be sure of: left to the article's language
            (DUTCH[:12], ""),
        ]
    )


def test_section_numbers_and_parenthesised_lines_as_headings() -> None:
    text = (
        f"HET BOEK.\n\n(Een fragment uit een dagboek)\n\n{DUTCH}\n\n§ 3\n\n{DUTCH}\n\n"
        f"XIV.\n\n(NAAR HEINE)\n\n{DUTCH}\n\n"
        f"(Zie boven.)\n\n{DUTCH}\n"
    )
    result = _ingest(text)
    doc = result.document
    assert doc.meta.subtitle is not None and doc.meta.subtitle.text == "Een fragment uit een dagboek"
    assert [(b.text, b.level) for b in doc.body if isinstance(b, Heading)] == [
        ("§ 3", 2),
        ("XIV.", 2),
        ("NAAR HEINE", 3),
    ]
    assert "(Zie boven.)" in doc.text_blocks()  # a remark in parentheses is a sentence, not a heading
    _valid_round_trip(result)


def test_credits_in_parentheses_are_not_headings() -> None:
    for credit in ("(Reuters)", "(foto: ANP)", "(Photo by Jane Doe)"):
        text = f"HET BOEK.\n\n{DUTCH}\n\n{credit}\n\n{DUTCH}\n"
        body = _ingest(text).document.body
        assert not any(isinstance(b, Heading) for b in body), credit


def test_a_dashed_attribution_and_no_epigraph_without_text_after_it() -> None:
    text = f"HET BOEK.\n\nAlles stroomt, en niets blijft.\n\n— Herakleitos\n\n{DUTCH}\n"
    body = _ingest(text).document.body
    assert body[0] == Epigraph((Paragraph("Alles stroomt, en niets blijft."),), "— Herakleitos")
    closing = _ingest(f"HET BOEK.\n\n{DUTCH}\n\nAlles stroomt.\n\n— Herakleitos\n").document.body
    assert not any(isinstance(b, Epigraph) for b in closing)


def test_key_words_and_labels_are_kept_as_written() -> None:
    # "Note" and "Fn" as the source wrote them, on the note; the call's label on its reference
    text = (
        "DE BRUG.\n\nHet water stroomde[16] onder de brug door, en niemand zag het[*].\n\n"
        "[Note 16: Die van 1865.]\n\n[Fn *: Zegt de veerman.]\n"
    )
    result = _ingest(text)
    assert [(n.label, n.key) for n in _notes(result.document.body)] == [("16", "Note"), ("*", "Fn")]
    xml = to_bytes(result.document)
    assert b'<noteref note="n1" label="16"/>' in xml and b'<note id="n1" label="16" key="Note">' in xml
    assert b'<noteref note="n2" label="*"/>' in xml and b'<note id="n2" label="*" key="Fn">' in xml
    _valid_round_trip(result)


def test_the_text_check_counts_note_keys_and_labels_not_whole_openings() -> None:
    text = "DE BRUG.\n\nHet water stroomde[16] onder de brug door.\n\n[Note 16: Die van 1865.]\n"
    found = Found()
    blocks = structure.parse(text, found)
    assert missing_text(text, blocks, found) == {}
    note = _notes(blocks)[0]
    lost_key = [Note(note.id, note.label, note.blocks) if b is note else b for b in blocks]
    assert missing_text(text, lost_key, found) == Counter("Note")  # a dropped key word is a gap
    lost_label = [Note(note.id, "", note.blocks, note.key) if b is note else b for b in blocks]
    assert missing_text(text, lost_label, found) == Counter("1616")  # the note's and the call's
