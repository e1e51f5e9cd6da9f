"""Encodings: legacy codecs read by plausibility, mixed lines kept, doubts reported, binaries refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.errors import InputError
from archiver.ingest._text import clean

FIXTURES = Path(__file__).parent.parent / "fixtures"

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
    # A file of a few foreign words in one legacy codec may also be reported as a guess; never mixed.
    assert ("encoding-mixed" in [p.code for p in decoded.problems]) == mixed


def test_cyrillic_lines_among_utf8_are_not_taken_for_western() -> None:
    data = "Café € 3,50\n".encode() + "Новая библиотека открылась в центре города.\n".encode("cp1251") * 3
    decoded = clean(data)
    assert not decoded.encoding.startswith("utf-8+")


# Real-looking articles in legacy codecs: each must come back letter for letter, without a doubt.
DUTCH = (
    "Ideeën over één café in Leeuwarden. De coördinator zei: “Wij beëindigen de reünie, want de "
    "financiële bijdrage is op.” Geïnteresseerden kregen daarna één koffie, de zeeën waren kalm en "
    "Zoë’s ‘ruïne’ aan de haven werd door de gemeente geëvalueerd als tamelijk goed.\n"
)
CZECH = (
    "Vláda schválila návrh zákona o státním rozpočtu na příští rok. Ministr financí řekl, že schodek "
    "bude nižší než letos; občané se však obávají zdražování energií a ťukají si na čelo.\n"
)
POLISH = (
    "Rząd przyjął projekt ustawy budżetowej na przyszły rok. Minister finansów powiedział, że deficyt "
    "będzie niższy niż w tym roku; obywatele obawiają się jednak, że ceny energii wzrosną jeszcze "
    "bardziej, jeśli zima będzie mroźna, a świat nie uspokoi się.\n"
)
RUSSIAN = (
    "Новая библиотека открылась в центре города после долгого ремонта. Жители района давно ждали "
    "этого события, и уже в первый день читальный зал был полон.\n"
)
JAPANESE = (
    "東京都は新しい図書館の開館を発表しました。住民は長い間この出来事を待っていました。"
    "初日から閲覧室は満員でした。\n"
)
CHINESE = (
    "新的图书馆在市中心经过长时间的翻修后开放了。该地区的居民期待这一天已经很久了，第一天阅览室就坐满了人。\n"
)
TRADITIONAL = (
    "新的圖書館在市中心經過長時間的翻修後開放了。該地區的居民期待這一天已經很久了，第一天閱覽室就坐滿了人。\n"
)


@pytest.mark.parametrize(
    ("text", "codec", "recorded"),
    [
        (DUTCH, "cp1252", "cp1252"),
        (
            DUTCH.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"'),
            "latin-1",
            "iso-8859-1",
        ),
        (CZECH, "cp1250", "cp1250"),
        (POLISH, "cp1250", "cp1250"),
        (CZECH, "iso8859_2", "iso-8859-2"),
        (RUSSIAN, "cp1251", "cp1251"),
        (RUSSIAN, "koi8_r", "koi8-r"),
        (JAPANESE, "shift_jis", "cp932"),
        (CHINESE, "gb18030", "gb18030"),
        (TRADITIONAL, "big5", "big5"),
    ],
)
def test_legacy_codecs_are_read_right_and_surely(text: str, codec: str, recorded: str) -> None:
    decoded = clean((text * 3).encode(codec))
    assert decoded.text == text * 3
    assert decoded.encoding == recorded
    assert decoded.problems == [] and decoded.confidence >= 0.9


def test_dutch_that_also_decodes_as_cjk_stays_dutch() -> None:
    """Runs of accented letters ("“één”") once sent Dutch to charset detection, which chose a CJK codec."""
    text = (
        "De coördinator van de reünie zei dat één ruïne geëvalueerd werd; de ideeën over de zeeën volgen.\n"
    )
    data = text.encode("cp1252")
    data.decode("gb18030")  # the trap: a multi-byte reading exists
    decoded = clean(data)
    assert decoded.text == text and decoded.encoding == "iso-8859-1"


@pytest.mark.parametrize("text", ["“Één” ‘ïë’ reünie.\n", "‘één’ “één”\n"])
def test_short_dutch_full_of_accents_and_quotes_is_not_read_as_another_codec(text: str) -> None:
    """Charset detection read these as mac-latin2 and cp1125 ("СщщnТ УщщnФ"), and said nothing."""
    decoded = clean(text.encode("cp1252"))
    assert (decoded.text, decoded.encoding, decoded.problems) == (text, "cp1252", [])


def test_a_doubtful_reading_is_reported_with_its_runner_up() -> None:
    """A codec's letter table (capitals and small letters in code order) reads as no language well."""
    decoded = clean(bytes(range(0xC0, 0x100)) + b"\n")
    assert decoded.text == bytes(range(0xC0, 0x100)).decode("cp1251") + "\n"  # kept, letter for letter
    (problem,) = decoded.problems
    assert problem.code == "encoding-guessed"
    assert problem.message.startswith("read as cp1251 (plausibility ")
    assert "; runner-up koi8-r (" in problem.message


def test_utf8_with_stray_controls_is_text_and_the_controls_are_counted() -> None:
    body = ("Het artikel gaat over de haven van Harlingen en de veerboot naar Terschelling. " * 30).encode()
    data = b"\x1b".join(body[i : i + 200] for i in range(0, len(body), 200))  # 12 escapes in 2.4 kB
    decoded = clean(data)
    assert decoded.encoding == "utf-8"
    assert {r.kind: r.count for r in decoded.repairs}["control-chars"] == data.count(b"\x1b")


def test_a_chinese_article_with_ten_stray_controls_is_text() -> None:
    """Ten controls among 700 characters were once "looks binary" (more than 1 %), and would have
    made the UTF-16 probe read the bytes as UTF-16."""
    data = (CHINESE * 14).encode().replace("。".encode(), "。\x07".encode(), 10)
    decoded = clean(data)
    assert decoded.encoding == "utf-8" and decoded.text == (CHINESE * 14).rstrip("\n") + "\n"
    assert {r.kind: r.count for r in decoded.repairs}["control-chars"] == 10


@pytest.mark.parametrize(
    "name", ["enc-binary-head.pdf", "enc-binary-head.png", "enc-binary-head.gz", "enc-binary-head.elf"]
)
def test_true_binaries_are_refused(name: str) -> None:
    with pytest.raises(InputError) as info:
        clean((FIXTURES / name).read_bytes())
    assert info.value.code == "binary"


def test_mostly_controls_in_valid_utf8_is_binary() -> None:
    data = "é\x01\x02\x03\x04cd\x05\x06".encode() * 200
    with pytest.raises(InputError) as info:
        clean(data)
    assert info.value.code == "binary"


def test_a_few_western_letters_are_not_read_as_hebrew() -> None:
    """Found by the property test above: four short lines in Latin-1 and cp1252 were read as cp1255."""
    data = "ñ\nø å æ\n".encode("latin-1") + "“dat”\n“dat”\n".encode("cp1252")
    assert clean(data).text == "ñ\nø å æ\n“dat”\n“dat”\n"
