"""The evaluation: its checks on real text, and the CI slice against the committed floor."""

from __future__ import annotations

import json
from pathlib import Path

import scripts.eval as evaluation
from tests.conftest import SOURCES

FLOOR = json.loads((Path(__file__).parent / "floor.json").read_text())


def test_lost_words_sees_a_dropped_word_and_accepts_what_ingest_may_do() -> None:
    source = (SOURCES / "LC_1987-01-17_p3_elfsteden.txt").read_bytes().decode("latin-1")
    words = source.split()
    assert evaluation.lost_words(source, source) == {}
    dropped = words[40]
    archived = source.replace(f" {dropped} ", " ", 1)
    assert evaluation.lost_words(source, archived) == {dropped.strip(".,;:").casefold(): 1}
    # a word broken at a line end may come back joined, hyphenated or in its two parts
    broken = "Het ijs was gebro-\r\nken bij Dokkum."
    for fine in ("Het ijs was gebroken bij Dokkum.", "Het ijs was gebro-ken bij Dokkum."):
        assert evaluation.lost_words(broken, fine) == {}
    # but a hyphen before a conjunction is a suspended compound: "inen" loses two words
    suspended = "de in-\nen uitvoer van graan"
    assert evaluation.lost_words(suspended, "de in- en uitvoer van graan") == {}
    assert evaluation.lost_words(suspended, "de inen uitvoer van graan") == {"in": 1, "en": 1}


def test_a_decoding_other_than_the_known_encoding_is_a_corruption() -> None:
    data = (SOURCES / "market-rents-cp1252.txt").read_bytes()
    assert evaluation._decoded_otherwise(data, "cp1252", "gb18030")
    assert not evaluation._decoded_otherwise(data, "cp1252", "cp1252")
    latin = (SOURCES / "LC_1987-01-17_p3_elfsteden.txt").read_bytes()  # no byte in 0x80-0x9f
    assert not evaluation._decoded_otherwise(latin, "latin-1", "cp1252")


def test_titles_are_compared_without_case_quotes_or_end_stops() -> None:
    assert evaluation.fold("AAN DE NOORDZEE.") == evaluation.fold("Aan de Noordzee")
    assert evaluation.fold("l’élection") == evaluation.fold("l'élection")
    assert evaluation.fold("Harbour closes") != evaluation.fold("Harbour closes | Jane Doe")


def test_the_slice_is_deterministic_and_visits_every_source() -> None:
    rows = evaluation.corpus([])
    first, again = evaluation.take_slice(rows, 6), evaluation.take_slice(list(reversed(rows)), 6)
    assert first == again
    sources = {r.source for r in rows}
    assert {r.source for r in evaluation.take_slice(rows, len(sources))} == sources


def test_the_ci_slice_meets_the_floor() -> None:
    rows = evaluation.take_slice(evaluation.corpus([]), FLOOR["slice"])
    data = evaluation.report(evaluation.run(rows))
    assert [r for r in rows if not r.path.is_file()] == []  # the project's own are never missing
    assert "team-samples" in {r.source for r in rows}  # always there; ../shared/ corpora when present
    assert data["not_archived"] == []
    assert data["overall"]["silent_corruptions"] == 0, data["silent_corruptions"]
    for source, fields in FLOOR["sources"].items():
        if source not in data["sources"]:
            continue  # a corpus that is not installed here (the large one lives in ../shared/eval-corpus)
        for name, floor in fields.items():
            cell = data["sources"][source][name]
            if name == "lost_characters":  # the goal is 0; no change may lose more than today
                assert cell <= floor, (source, cell, data["lost"])
            else:
                assert cell["accuracy"] >= floor, (source, name, cell, data["failures"])


def test_nothing_of_a_footnoted_essay_is_lost_not_even_its_note_keys_and_labels() -> None:
    from archiver.document.xmlio import to_bytes
    from archiver.ingest import ingest_bytes
    from tests.conftest import FIXTURES, WHEN

    essay = FIXTURES / "struct-veerpont.txt"
    source = essay.read_text(encoding="cp1252")  # written as an 1869 e-text would be
    assert "[Footnote 1:" in source and "[1]" in source
    xml = to_bytes(ingest_bytes(essay.read_bytes(), essay.name, WHEN).document)
    assert evaluation.lost_words(source, evaluation._xml_text(xml)) == {}
    # the check itself sees a note's key word go
    assert evaluation.lost_words(source, evaluation._xml_text(xml).replace("Footnote", "")) == {"footnote": 2}
