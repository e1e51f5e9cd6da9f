"""Staging the larger corpus: truth from each source's own metadata, some files saved as on Windows."""

from __future__ import annotations

import csv
from pathlib import Path

import scripts.stage_eval as stage

PEP = """PEP: 9999
Title: A Made-up Proposal for
       Testing the Stager
Author: Team Archiver <team@example.org>
Created: 05-Jul-2001

Abstract
========

Nothing is proposed here.
"""
LAW = """---
Title: Gesetz über die Pflege der Dorfbrunnen
jurabk: DBrG
---

# Gesetz über die Pflege der Dorfbrunnen (DBrG)

Ausfertigungsdatum
:   1896-08-18

## § 1 Zweck

Dieses Gesetz regelt die Pflege der Brunnen.
"""


def _rows(out: Path) -> list[dict[str, str]]:
    with (out / "truth.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_peps_and_laws_are_staged_with_their_own_metadata_as_truth(tmp_path: Path) -> None:
    (tmp_path / "peps" / "peps").mkdir(parents=True)
    (tmp_path / "peps" / "peps" / "pep-9999.rst").write_text(PEP)
    for slug in ("a", "b", "c", "d"):
        (tmp_path / "laws" / slug[0] / f"dbrg{slug}").mkdir(parents=True)
        (tmp_path / "laws" / slug[0] / f"dbrg{slug}" / "index.md").write_text(LAW)
    out = tmp_path / "out"
    assert stage.main([str(out), "--peps", str(tmp_path / "peps"), "--gesetze", str(tmp_path / "laws")]) == 0
    rows = _rows(out)
    pep = rows[0]
    assert (pep["source"], pep["title"], pep["date"], pep["precision"], pep["language"]) == (
        "python-peps",
        "A Made-up Proposal for Testing the Stager",
        "2001-07-05",
        "day",
        "en",
    )
    laws = [r for r in rows if r["source"] == "bundestag-gesetze"]
    assert {(r["title"], r["date"]) for r in laws} == {
        ("Gesetz über die Pflege der Dorfbrunnen", "1896-08-18")
    }
    windows = [r for r in laws if r["encoding"] == "cp1252"]
    assert [r["path"] for r in windows] == ["bundestag-gesetze/dbrgd-8.md"]  # every fourth
    data = (out / windows[0]["path"]).read_bytes()
    assert b"\r\n" in data and data.decode("cp1252").replace("\r\n", "\n") == LAW
    for row in rows:
        assert (out / row["path"]).is_file()
