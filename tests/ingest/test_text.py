"""Text hygiene: encodings, newlines, NFC, control characters, mojibake, and refusals."""

from __future__ import annotations

import codecs

import pytest

from archiver.errors import InputError
from archiver.ingest._text import clean

DUTCH = "Café ’t Hoekje in Zoë’s straat – € 3,50\n"


@pytest.mark.parametrize(
    ("data", "encoding", "bom"),
    [
        (DUTCH.encode("utf-8"), "utf-8", False),
        (codecs.BOM_UTF8 + DUTCH.encode("utf-8"), "utf-8", True),
        (DUTCH.encode("utf-16"), "utf-16-le", True),
        (DUTCH.encode("utf-16-le"), "utf-16-le", False),
        (DUTCH.encode("utf-16-be"), "utf-16-be", False),
        (DUTCH.encode("cp1252"), "cp1252", False),
    ],
)
def test_decodes(data: bytes, encoding: str, bom: bool) -> None:
    decoded = clean(data)
    assert decoded.text == DUTCH
    assert (decoded.encoding, decoded.bom) == (encoding, bom)


def test_latin1_without_cp1252_characters() -> None:
    text = "Een brief uit Leeuwarden, geschreven door Zoë, over de ijsbaan en de koffie.\n"
    decoded = clean(text.encode("latin-1"))
    assert (decoded.text, decoded.encoding) == (text, "iso-8859-1")


def test_cyrillic_single_byte_is_not_taken_for_western() -> None:
    text = "Новая библиотека открылась в центре города после долгого ремонта.\n" * 3
    decoded = clean(text.encode("cp1251"))
    assert decoded.text.startswith("Новая библиотека")


@pytest.mark.parametrize(
    ("raw", "style"),
    [(b"a\r\nb\r\n", "crlf"), (b"a\rb\r", "cr"), (b"a\nb\n", "lf"), (b"a\r\nb\n", "mixed")],
)
def test_newlines_become_lf(raw: bytes, style: str) -> None:
    decoded = clean(raw)
    assert decoded.text == "a\nb\n" and decoded.newline == style


def test_nfc_control_and_invisible_characters_are_repaired_and_reported() -> None:
    decoded = clean("Cafe\u0301 op\u00adnieuw\x07 open\u200b\n".encode())
    assert decoded.text == "Café opnieuw open\n"
    kinds = {r.kind: r.count for r in decoded.repairs}
    assert kinds == {"control-chars": 1, "invisible-chars": 2, "nfc": 1}


def test_characters_xml_cannot_hold_are_removed() -> None:
    decoded = clean("Een \ufffe tekst\uffff.\n".encode())
    assert decoded.text == "Een  tekst.\n"
    assert [(r.kind, r.count) for r in decoded.repairs] == [("invisible-chars", 2)]


def test_mojibake_is_repaired() -> None:
    broken = "Oekraïne en Zoë’s café".encode().decode("cp1252").encode()
    decoded = clean(broken + b"\n")
    assert decoded.text == "Oekraïne en Zoë’s café\n"
    assert [r.kind for r in decoded.repairs] == ["mojibake"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b" \n\t\r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (bytes(range(256)) * 4, "binary"),
        (codecs.BOM_UTF8 + b"\xff\xfe broken", "undecodable"),
    ],
)
def test_refuses(data: bytes, code: str) -> None:
    with pytest.raises(InputError) as info:
        clean(data)
    assert info.value.code == code
