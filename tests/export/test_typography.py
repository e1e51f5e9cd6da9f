"""Typography per language: golden strings, idempotence, letters and digits untouched."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.export.typography import NNBSP, typeset

GOLDEN = [
    # Dutch: the seed's own sentences, elisions, old typewriter quotes, dashes, compounds
    ("nl", 'weten: "Wij, ik en mijn collega\'s, zijn tevreden."', "weten: “Wij, ik en mijn collega’s, zijn tevreden.”"),
    ("nl", "'s Avonds 't huis, 'n fiets, in '63 en de '90", "’s Avonds ’t huis, ’n fiets, in ’63 en de ’90"),
    ("nl", "Hij zei 'nee' - zoals verwacht...", "Hij zei ‘nee’ – zoals verwacht…"),
    ("nl", ",,Het is geen tocht'', zei ze.", "„Het is geen tocht”, zei ze."),
    ("nl", "Noord-Koreaanse Poetin-beschermeling VN-sancties", "Noord-Koreaanse Poetin-beschermeling VN-sancties"),
    ("nl", "verlaten?--Was 't Thor", "verlaten?—Was ’t Thor"),
    # Older Dutch: runs of hyphens as a long dash, and 't, 's, 'n after a dash or an old » quote
    ("nl", "Hij aarzelde----en ging toch.", "Hij aarzelde—en ging toch."),
    ("nl", "Ja, broer--'t zal wel; -'s avonds--'n glas.", "Ja, broer—’t zal wel; -’s avonds—’n glas."),
    ("nl", "»'t Is laat,\" zei hij", "»’t Is laat,” zei hij"),
    ("nl", "Toen----\n----en nu", "Toen—\n—en nu"),
    ("nl", "een streep:\n   ------\n", "een streep:\n   ------\n"),
    ("en", "He stopped---'tis late, he said", "He stopped—’tis late, he said"),
    # English
    ("en", "He said \"it's the 'best' boat\" in the '90s -- really...",
     "He said “it’s the ‘best’ boat” in the ’90s – really…"),
    ("en", "'Tis the teachers' room", "’Tis the teachers’ room"),
    # German
    ("de", '"Wir wollen ein Ort sein", sagt Böhm. \'Gut\' - oder?', "„Wir wollen ein Ort sein“, sagt Böhm. ‚Gut‘ – oder?"),
    ("de", "Wie geht's? 3D-Drucker", "Wie geht’s? 3D-Drucker"),
    # French
    ("fr", '"On vérifie qu\'elles boivent", dit-elle.', f"«{NNBSP}On vérifie qu’elles boivent{NNBSP}», dit-elle."),
    ("fr", "registre « Chalex » : oui ! l'ISS ; non ?",
     f"registre «{NNBSP}Chalex{NNBSP}»{NNBSP}: oui{NNBSP}! l’ISS{NNBSP}; non{NNBSP}?"),
    # Spanish and Italian: « » without spaces; a straight single quote is an apostrophe or ‘ ’
    ("es", '"Nunca habíamos visto el agua", explicó. Es \'raro\' - dijo...',
     "«Nunca habíamos visto el agua», explicó. Es ‘raro’ – dijo…"),
    ("it", 'Un po\' d\'acqua: "è finita", disse l\'uomo', "Un po’ d’acqua: «è finita», disse l’uomo"),
    ("it", "la 'ndrangheta e 'sto ragazzo, 'na cosa", "la ’ndrangheta e ’sto ragazzo, ’na cosa"),
    # Portuguese: Brazil's marks
    ("pt", 'Ele disse "não" e foi-se embora', "Ele disse “não” e foi-se embora"),
    # Other languages are left alone
    ("pl", 'Nie "zmienia" nic...', 'Nie "zmienia" nic...'),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "raw", "expected"), GOLDEN)
def test_golden_strings(lang: str, raw: str, expected: str) -> None:
    assert typeset(raw, lang) == expected
    assert typeset(expected, lang) == expected  # idempotent


PIECES = [*"aZ9ëß '\"-.,;:!?«»()\n…—", "--", "---", "-----", "...", ",,", "''", "'s ", "'t ", "'63", " - "]
TEXT = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(TEXT, st.sampled_from(["nl", "en", "de", "fr", "es", "it", "pt", "pl"]))
def test_never_changes_letters_or_digits_and_is_idempotent(text: str, lang: str) -> None:
    once = typeset(text, lang)
    assert [c for c in once if c.isalnum()] == [c for c in text if c.isalnum()]
    assert typeset(once, lang) == once
