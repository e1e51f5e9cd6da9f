"""The PDF's fonts: only the faces print.css declares, and glyph-missing for what they cannot show."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from archiver.document.model import Document
from archiver.errors import PROBLEM_CODES
from archiver.export import exporter, glyphs, pdf
from archiver.export.edition import gather
from archiver.export.fonts import declared_fonts, font_path, postscript_names, without_glyph
from archiver.export.frame import frame
from archiver.ingest import ingest_bytes
from tests.conftest import ROOT, WHEN

ODD = "Odd characters\n\nA grin 😀, a greeting in Amharic ሰላም, and a Dutch ’s-Hertogenbosch – one line.\n"


def _doc(text: str = ODD) -> Document:
    return ingest_bytes(text.encode(), "odd.txt", WHEN).document


def test_declared_fonts_are_the_font_faces_of_print_css() -> None:
    css = (ROOT / "styles" / "print.css").read_text(encoding="utf-8")
    assert len(declared_fonts()) == css.count("@font-face") == 13
    assert declared_fonts()[0] == "NotoSerif-Regular.ttf"
    assert all(font_path(name).is_file() for name in declared_fonts())


def test_which_characters_lack_a_glyph() -> None:
    assert without_glyph("Łódź Ærø «\u202fquoi\u202f» “’s” – — … ⁂ Русский 中文 עברית ไทย") == set()
    assert without_glyph("😀 ሰ \u00ad\u200d\ufe0f\n\t") == {"😀", "ሰ"}  # invisible characters need no glyph


def test_glyph_missing_names_the_article_and_the_code_point() -> None:
    doc = _doc()
    problems = glyphs.missing(frame(gather([doc])))
    assert "glyph-missing" in PROBLEM_CODES
    assert {p.code for p in problems} == {"glyph-missing"}
    assert {p.source for p in problems} == {doc.meta.archive_id}
    assert len(problems) == 4  # 😀 and the three distinct letters of ሰላም, each once
    assert any(p.message.startswith("U+1F600 GRINNING FACE in “Odd characters”") for p in problems)
    assert exporter("pdf").preflight(frame(gather([doc]))) == problems
    assert exporter("epub").preflight(frame(gather([doc]))) == []  # e-readers bring their own fonts


def test_a_whole_missing_script_is_capped_and_the_title_is_checked_too() -> None:
    letters = "".join(chr(c) for c in range(0x1200, 0x1240))  # Ethiopic: 64 letters
    problems = glyphs.missing(frame(gather([_doc(f"Ge'ez\n\n{letters}\n")], title="Edition 🙂")))
    article = [p for p in problems if p.source != "cover"]
    assert len(article) == glyphs.MAX_PER_PART + 1 and "and 44 more characters" in article[-1].message
    assert [p.source for p in problems if "SMILING" in p.message] == ["cover"]


def test_the_pdf_uses_no_font_but_ours(tmp_path: Path) -> None:
    data = pdf.render(gather([_doc()]))
    path = tmp_path / "odd.pdf"
    path.write_bytes(data)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in rows.splitlines()[2:]]
    ours = set(postscript_names().values())
    assert names and all(re.match(r"[A-Z]{6}\+NotoSerif-", n) and n[7:] in ours for n in names), names
    assert "Ethiopic" not in rows and "DejaVu" not in rows  # what fontconfig fell back to before
