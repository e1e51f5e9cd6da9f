"""Line-end hyphens decided by a guess (an unknown word, a rare joined word whose parts are common,
a language without a dictionary) are counted in the provenance and shown by `archiver show`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from archiver.document.validate import errors_of_bytes
from archiver.document.xmlio import from_bytes, to_bytes
from archiver.ingest import hyphens, ingest_bytes
from archiver.ingest.lines import compounds, join_lines
from tests.conftest import FIXTURES, WHEN

GUESSES = FIXTURES / "hyph-en-guesses.txt"


def test_decide_names_the_guess_behind_a_verdict() -> None:
    assert hyphens.decide("coun", "cil", "en", False) == (hyphens.Verdict.BREAK, "")  # "council": known
    assert hyphens.decide("self", "driving", "en", False) == (hyphens.Verdict.COMPOUND, "")
    assert hyphens.decide("brackle", "wort", "en", False) == (hyphens.Verdict.BREAK, hyphens.UNKNOWN_WORD)
    assert hyphens.decide("bus", "stop", "en", False) == (hyphens.Verdict.BREAK, hyphens.TIE)


def test_a_language_without_a_dictionary_counts_every_decision_as_a_guess() -> None:
    latin = "Gallia est omnis divisa in partes tres, quarum unam incolunt Belgae, aliam Aquitani.\n"
    known = compounds(latin * 3)
    join_lines(["in-", "en partes", "quas di-", "visit"], known, [])
    assert known.guesses == {hyphens.NO_DICTIONARY: 2}


def test_the_guesses_are_counted_in_the_provenance() -> None:
    doc = ingest_bytes(GUESSES.read_bytes(), GUESSES.name, WHEN).document
    xml = to_bytes(doc)
    assert errors_of_bytes(xml) == []
    (guess,) = [r for r in from_bytes(xml).provenance.repairs if r.kind == "hyphen-guess"]
    assert guess.count == 3
    assert "1 unknown to the dictionary" in guess.detail and "2 rare joined but common apart" in guess.detail
    assert "harbourmaster" in doc.text_blocks()[0] and "bracklewort" in doc.text_blocks()[1]


def test_a_text_decided_by_the_dictionary_alone_records_no_guess() -> None:
    raw = b"Title line\n\nThe board met on Monday and said that the coun-\ncil would meet in May.\n"
    doc = ingest_bytes(raw, "plain.txt", WHEN).document
    assert [r.kind for r in doc.provenance.repairs if r.kind == "hyphen-guess"] == []


def test_archiver_show_lists_the_guesses(tmp_path: Path) -> None:
    env = {**os.environ, "ARCHIVER_HOME": str(tmp_path / "arc"), "COLUMNS": "200"}

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "archiver", *args], capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("ingest", str(GUESSES))
    (entry,) = json.loads(run("list", "--json"))
    shown = run("show", entry["id"])
    line = next(line for line in shown.splitlines() if "hyphen-guess" in line)
    assert line.split()[0] == "guess" and "×3" in line and "unknown to the dictionary" in line
