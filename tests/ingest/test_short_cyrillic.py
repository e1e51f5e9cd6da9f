"""Short Cyrillic lines in cp1251 are read as cp1251: never as Thai (cp874), Greek or another codec."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.ingest import candidates
from archiver.ingest._text import clean

# Everyday words, written by the team for this test: Russian, Bulgarian and Ukrainian.
RUSSIAN = [
    "сегодня",
    "утром",
    "город",
    "новый",
    "мост",
    "открыли",
    "жители",
    "района",
    "долго",
    "ждали",
    "этого",
    "дня",
    "вечером",
    "погода",
]
BULGARIAN = [
    "днес",
    "сутринта",
    "из",
    "града",
    "откриха",
    "новия",
    "мост",
    "жителите",
    "чакаха",
    "дълго",
    "този",
    "ден",
    "времето",
    "беше",
    "хубаво",
]
UKRAINIAN = [
    "сьогодні",
    "вранці",
    "місто",
    "відкрили",
    "новий",
    "міст",
    "мешканці",
    "довго",
    "чекали",
    "цього",
    "дня",
    "погода",
    "була",
    "гарна",
]
PUNCTUATION = ["", ",", ".", "!", "?", " —"]


def _line(words: list[str], marks: list[str]) -> str:
    text = " ".join(w + m for w, m in zip(words, marks, strict=True))
    return text[:1].upper() + text[1:] + "\n"


def lines(fewest: int) -> st.SearchStrategy[str]:
    """Lines of `fewest` to 8 different words of one language, with punctuation."""
    return st.sampled_from([RUSSIAN, BULGARIAN, UKRAINIAN]).flatmap(
        lambda vocabulary: st.integers(fewest, 8).flatmap(
            lambda n: st.builds(
                _line,
                st.lists(st.sampled_from(vocabulary), min_size=n, max_size=n, unique=True),
                st.lists(st.sampled_from(PUNCTUATION), min_size=n, max_size=n),
            )
        )
    )


@settings(max_examples=150, deadline=None)
@given(lines(3))
def test_short_cp1251_lines_decode_as_cp1251(line: str) -> None:
    decoded = clean(line.encode("cp1251"))
    assert (decoded.encoding, decoded.text) == ("cp1251", line)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(RUSSIAN + BULGARIAN + UKRAINIAN), st.sampled_from(["в", "и", "з", "за"]))
def test_two_words_are_read_right_or_the_guess_is_reported(first: str, second: str) -> None:
    """ "В в" is "Â â" as well: two short words may be too few to tell, but never silently wrong."""
    line = f"{first.capitalize()} {second}\n"
    decoded = clean(line.encode("cp1251"))
    assert decoded.encoding != "cp874"
    if decoded.text != line:
        assert [p.code for p in decoded.problems] == ["encoding-guessed"]


def test_the_lines_that_were_read_as_thai() -> None:
    """cp874 reads every cp1251 letter as Thai, and the identifier is sure of Thai (p=1.0): only the
    order of Thai signs (marks after digits, leading vowels before no consonant) gives it away."""
    for line in ("Привет, мир! Как дела?\n", "Съобщение за пресата\n", "Москва — столица России.\n"):
        thai = line.encode("cp1251").decode("cp874")
        assert candidates.plausibility(thai).score < 0.5
        assert clean(line.encode("cp1251")).text == line


def test_thai_greek_and_hebrew_written_in_their_own_codecs_stay_right() -> None:
    for text, codec in (
        ("กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย และเป็นเมืองที่มีประชากรมากที่สุด\n", "cp874"),
        ("Καλημέρα, τι κάνεις;\n", "cp1253"),
        ("שלום עולם, מה שלומך?\n", "cp1255"),
    ):
        decoded = clean(text.encode(codec))
        assert (decoded.text, decoded.encoding, decoded.problems) == (text, codec, [])
