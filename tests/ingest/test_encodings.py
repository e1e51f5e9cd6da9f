"""Mixed encodings: UTF-8 lines among cp1252 and Latin-1 lines keep every character, and say so."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.ingest._text import clean

UTF8 = ["De prijs is € 3,50.", "€ 12", "Zoë", "crème brûlée", "Überall grüßen Bürger.", "naïef", "één", "ß"]
LATIN1 = ["Zoë", "Café élégant à côté.", "Gräfin Müller aß Käse.", "één", "ñ", "ø å æ"]
CP1252 = ["“dat”", "€ 4", "– ja", "‘krant’", "Œuvre", "š ž"]
LINES = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(UTF8), st.just("utf-8")),
        st.tuples(st.sampled_from(LATIN1), st.just("latin-1")),
        st.tuples(st.sampled_from(CP1252), st.just("cp1252")),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(LINES)
def test_lines_in_three_encodings_keep_every_character(lines: list[tuple[str, str]]) -> None:
    """Before, such files were read as one of a dozen encodings (cp1257, big5, ISO-8859-10…)."""
    data = b"\n".join(text.encode(enc) for text, enc in lines) + b"\n"
    decoded = clean(data)
    assert decoded.text == "\n".join(text for text, _ in lines) + "\n"
    mixed = any(enc == "utf-8" for _, enc in lines) and any(enc != "utf-8" for _, enc in lines)
    assert [p.code for p in decoded.problems] == (["encoding-mixed"] if mixed else [])


def test_cyrillic_lines_among_utf8_are_not_taken_for_western() -> None:
    data = "Café € 3,50\n".encode() + "Новая библиотека открылась в центре города.\n".encode("cp1251") * 3
    decoded = clean(data)
    assert not decoded.encoding.startswith("utf-8+")
