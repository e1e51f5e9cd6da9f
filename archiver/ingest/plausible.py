"""How plausible a decoding is: letters of one script per word, and the letters its language writes."""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache

from archiver.ingest import language, wordlists

# Non-ASCII letters that each Latin-script language writes (loan words included: café, façade).
# A wrong single-byte codec turns them into letters of another alphabet ("pøíliš" for "příliš").
_WESTERN = "áàâäéèêëíìîïóòôöúùûüçñ"
ALPHABETS: dict[str, str] = {
    "nl": _WESTERN,
    "en": _WESTERN + "æœ",
    "de": _WESTERN + "ß",
    "fr": _WESTERN + "æœÿ",
    "es": _WESTERN,
    "it": _WESTERN,
    "pt": _WESTERN + "ãõ",
    "ca": _WESTERN,
    "la": _WESTERN + "æœ",
    "af": _WESTERN,
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "pl": "ąćęłńóśźż",
    "hu": "áéíóöőúüű",
    "ro": "ăâîșțşţ",
    "hr": "čćđšž",
    "sl": "čćđšž",
    "bs": "čćđšž",
    "sv": "åäöéü",
    "da": "æøåéü",
    "no": "æøåéèêóòô",
    "nb": "æøåéèêóòô",
    "nn": "æøåéèêóòô",
    "fi": "äöåšž",
    "et": "äöõüšž",
    "is": "áðéíóúýþæö",
    "lv": "āčēģīķļņšūž",
    "lt": "ąčęėįšųūž",
    "tr": "çğıöşüâîû",
    "sq": "çë",
    "mt": "ċġħżàèìòù",
    "eo": "ĉĝĥĵŝŭ",
    "cy": "âêîôûŵŷáéíóúàèìòùäëïöü",
    "ga": "áéíóú",
    "eu": "ñ",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "be": "абвгдеёжзійклмнопрстуўфхцчшыьэюя",
    "bg": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "sr": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "mk": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
}
_COMMON_WESTERN = frozenset("áàâäéèêëíìîïóòôöúùüçñßæœ" + "ÁÀÂÄÉÈÊËÍÌÎÏÓÒÔÖÚÙÜÇÑÆŒ")
_ANY_ALPHABET = frozenset("".join(ALPHABETS.values()))
# Languages written in another script: their letters are that script's.
SCRIPT_OF: dict[str, str] = {
    **dict.fromkeys(("kk", "ky", "mn", "tg"), "Cyrillic"),
    "el": "Greek",
    **dict.fromkeys(("he", "yi"), "Hebrew"),
    **dict.fromkeys(("ar", "fa", "ur", "ps", "ug"), "Arabic"),
    "th": "Thai",
    "ko": "Hangul",
    **dict.fromkeys(("ja", "zh"), "CJK"),
}
_SCRIPTS = frozenset(SCRIPT_OF.values()) | {"Greek", "Hebrew", "Arabic", "Thai", "Hangul", "CJK"}
# Code point ranges of the scripts (Han and Kana together: Japanese writes both in one word).
_RANGES = (
    (0x00C0, 0x024F, "Latin"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"),
    (0x0750, 0x077F, "Arabic"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x1100, 0x11FF, "Hangul"),
    (0x1E00, 0x1EFF, "Latin"),
    (0x1F00, 0x1FFF, "Greek"),
    (0x3040, 0x30FF, "CJK"),
    (0x3130, 0x318F, "Hangul"),
    (0x31F0, 0x31FF, "CJK"),
    (0x3400, 0x4DBF, "CJK"),
    (0x4E00, 0x9FFF, "CJK"),
    (0xAC00, 0xD7AF, "Hangul"),
    (0xF900, 0xFAFF, "CJK"),
    (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0x20000, 0x3134F, "CJK"),
)
_STARTS = [start for start, _, _ in _RANGES]
# Punctuation, signs and spaces of every codec of their script (Latin-1's, General Punctuation,
# currency; CJK and full-width punctuation).
_COMMON_MARKS = re.compile("[\u00a0-\u00bf\u00d7\u00f7\u2000-\u20cf\u2122\u3000-\u303f\uff01-\uff20]")
# How much the surest signs of a wrong codec weigh against letters: a control or unassigned
# character, and a letter of another script inside a word (or a capital inside a small word).
_NOT_TEXT_WEIGHT, _MIXED_WEIGHT = 5, 3
_FEW = 20  # letters: fewer say nothing about the share of capitals
# Five accented Latin letters in a row: no language writes words so ("Íîâàÿ", Russian read as
# cp1252); Polish comes closest ("żółć").
_ACCENTED_RUN = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]{5,}")
# Nor whole words of accented letters alone ("Èç èç", Cyrillic "Из из" read as Latin-1): a Latin
# word of two to four letters holds a plain one ("één", "où", "Öl", "żółw").
_ACCENTED_WORD = re.compile("(?<![^\\W\\d_])[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]{2,4}(?![^\\W\\d_])")
# Letters of the alphabetic scripts (Latin, Greek, Cyrillic, Hebrew, Arabic), between which a
# sign is odd; Chinese and Japanese put punctuation between characters.
_ALPHABETIC = (
    "[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u052f\u05d0-\u05ea\u0620-\u064a]"
)
# Each script's order of signs, which a wrong codec breaks: a combining mark (Thai vowel and tone
# marks, Hebrew points, Arabic vowels, Latin accents) stands after a letter, never after a space,
# a sign or a digit; a native digit (Thai ๐-๙) never stands inside a word; a Thai leading vowel
# (เ แ โ ใ ไ) comes before a consonant; a Greek final sigma (ς) ends a word. Cyrillic in cp1251
# read as Thai (cp874) breaks the first three, though the language identifier is sure of Thai.
_MARKS = "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u064b-\u065f\u0670\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
_MISPLACED = re.compile(
    f"(?<![^\\W\\d_])(?<![{_MARKS}])[{_MARKS}]"  # a mark after no letter (nor a mark on one)
    "|(?<=[^\\W\\d_])[\u0660-\u0669\u06f0-\u06f9\u0e50-\u0e59]+(?=[^\\W\\d_])"  # a digit inside a word
    "|[\u0e40-\u0e44](?![\u0e01-\u0e2e])"  # a Thai leading vowel before no consonant
    "|\u03c2(?=[^\\W\\d_])"  # a Greek final sigma inside a word
)
_IN_WORD = "’ʼ·‧"  # signs that may stand between letters of one word
_NOT_TEXT = {"Cc", "Cn", "Co", "Cs"}
SIGNS_ONLY = 0.9  # the fit of a reading whose non-ASCII characters are all signs: no letter to judge by
SURE_LANGUAGE = 0.5  # below this, the language identifier's verdict is not used
LANGUAGE_SAMPLE = 1000  # characters handed to the language identifier


# Few words say little to the language identifier ("Привет, мир!" is Russian at p=0.28, and the
# same bytes read as Greek, "Οπθβες, μθπ!", are Greek at 0.58). Below this many words, a reading
# in a non-Latin script is also judged by how many of its words the script's languages know
# (wordfreq's lists of common words): real words for the right codec, none for a wrong one.
FEW_WORDS = 40
WORD_LISTS: dict[str, tuple[str, ...]] = {
    "Cyrillic": ("ru", "uk", "bg", "mk"),
    "Greek": ("el",),
    "Hebrew": ("he",),
    "Arabic": ("ar", "fa", "ur"),
}
_WORD = re.compile(r"[^\W\d_]{2,}")  # words of one letter ("и", "ו") are too easily real


@dataclass(frozen=True)
class Plausibility:
    """How likely a decoding is right (0..1), and the language it reads as."""

    score: float
    language: str
    words: float | None = None  # the share of known words, for a short non-Latin reading (known_words)


def script(ch: str) -> str:
    """The script of a letter: Latin, Cyrillic, Greek, CJK, Hangul, … or Other."""
    code = ord(ch)
    if code < 0x80:
        return "Latin"
    i = bisect.bisect_right(_STARTS, code) - 1
    if i >= 0 and code <= _RANGES[i][1]:
        return _RANGES[i][2]
    return "Other"


# Where the common characters of the East Asian codecs lie (GB2312, Big5 and JIS X 0208 level 1,
# KS X 1001): a wrong multi-byte codec spreads text over the rare ones, or half-width katakana.
_COMMON = (("gb2312", 0xB0, 0xD7), ("big5", 0xA4, 0xC6), ("cp932", 0x88, 0x9F), ("euc_kr", 0xB0, 0xC8))


def _common_east_asian(ch: str) -> bool:
    """Whether a Han character or Hangul syllable is among the common ones of some codec."""
    for codec, low, high in _COMMON:
        try:
            if low <= ch.encode(codec)[0] <= high:
                return True
        except UnicodeEncodeError:
            pass
    return False


@lru_cache(maxsize=8192)
def _kind(ch: str) -> tuple[str, str]:
    """(what the character is: letter, upper, bad or mark; its script)."""
    cat = unicodedata.category(ch)
    if cat in _NOT_TEXT and ch not in "\t\n\r":
        return "bad", ""
    if "\uff66" <= ch <= "\uff9f":
        return "bad", ""  # half-width katakana: Chinese or Korean bytes read as Shift-JIS
    scr = script(ch)
    ideograph = scr in ("CJK", "Hangul") and unicodedata.name(ch, "").startswith(("CJK", "HANGUL SYLLABLE"))
    if ideograph and not _common_east_asian(ch):
        return "rare", scr
    if cat[0] in "LM":
        return ("upper" if cat == "Lu" else "letter"), script(ch)
    return "mark", ""


def _odd_characters(text: str) -> tuple[int, int]:
    """(non-ASCII letters, odd non-ASCII characters) of `text`, counted per distinct character.

    Odd: controls, unassigned and private characters; a letter beside a letter of another script
    ("Zo鐀s", Chinese read into Dutch); a capital after a small letter inside a word ("нОВАЯ",
    KOI8-R read as cp1251); a symbol between letters ("Za¿ó³æ", Polish read as cp1252). And what
    no language writes: runs of accented Latin letters ("Íîâàÿ", Russian read as cp1252), or
    mostly capitals.
    """
    letters = odd = upper = 0
    signs: list[str] = []
    for ch, n in Counter(text).items():
        if ch < "\x80":
            continue
        kind, _ = _kind(ch)
        if kind == "bad":
            odd += _NOT_TEXT_WEIGHT * n
        elif kind == "mark":
            signs += [] if ch in _IN_WORD else [ch]
        else:
            letters += n
            upper += n if kind == "upper" else 0
            odd += n if kind == "rare" else 0
    odd += _MIXED_WEIGHT * (_odd_pairs(text) + len(_MISPLACED.findall(text))) + _signs_in_words(text, signs)
    odd += sum(map(len, _ACCENTED_RUN.findall(text))) + sum(map(len, _ACCENTED_WORD.findall(text)))
    if letters >= _FEW:
        odd += max(0, upper - letters // 2)
    return letters, odd


def _signs_in_words(text: str, signs: list[str]) -> int:
    """How often one of `signs` stands between two letters of an alphabetic script ("Za¿ó³æ")."""
    if not signs:
        return 0
    pattern = f"(?<={_ALPHABETIC})[{''.join(map(re.escape, signs))}](?={_ALPHABETIC})"
    return len(re.findall(pattern, text))


def _odd_pairs(text: str) -> int:
    """Neighbouring letters of two scripts (one of them not ASCII), or a small letter then a capital."""
    odd = 0
    for (a, b), n in Counter(itertools.pairwise(text)).items():
        if a < "\x80" and b < "\x80":
            continue
        (kind_a, script_a), (kind_b, script_b) = _any_kind(a), _any_kind(b)
        if kind_a in ("mark", "bad") or kind_b in ("mark", "bad"):
            continue
        capital_inside = kind_a == "letter" and kind_b == "upper" and b >= "\x80"
        if script_a != script_b or (capital_inside and script_b not in ("CJK", "Hangul")):
            odd += n
    return odd


def _any_kind(ch: str) -> tuple[str, str]:
    """`_kind` for any character, ASCII too."""
    if ch >= "\x80":
        return _kind(ch)
    if ch.isalpha():
        return ("upper" if ch.isupper() else "letter"), "Latin"
    return "mark", ""


def _fit(text: str, lang: str, sure: bool) -> float:
    """How well the non-ASCII letters fit the language: 1 for each that `lang` writes, 1/2 for each
    that only some other language writes (a foreign name; 3/4 when the language is not sure), 1/4
    for a digit or sign of another script, else 0.
    """
    letters: Counter[str] = Counter()
    for ch, n in Counter(text).items():
        if ch >= "\x80" and not _COMMON_MARKS.match(ch):
            letters[_lower(ch)] += n
    total = sum(letters.values())
    if not total:
        return 1.0 if text.isascii() else SIGNS_ONLY
    own = ALPHABETS.get(lang, "") if sure else ""
    wanted = SCRIPT_OF.get(lang) if sure else None
    points = 0.0
    for ch, n in letters.items():
        if ch in own or (wanted is not None and script(ch) == wanted):
            points += n
        elif ch.isalpha() and (ch in _ANY_ALPHABET or script(ch) in _SCRIPTS):
            points += (0.5 if own or wanted else 0.75) * n
        elif not ch.isalpha():
            points += 0.25 * n  # a digit or sign of another script ("๑" for "ñ")
    return points / total


def _lower(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch  # "İ" lowers to two characters


def _only_common_western(text: str) -> bool:
    """Whether every non-ASCII letter is one that Dutch, English, German, Spanish or Italian write.

    Left out: letters that another codec's text also shows when read as cp1252 (õ, û and ã stand
    for Hungarian ő and ű, and Romanian ă, in Latin-2).
    """
    letters = {ch for ch in set(text) if ch >= "\x80" and ch.isalpha()}
    return bool(letters) and letters <= _COMMON_WESTERN


def _common_words(lang: str) -> Container[str]:
    """wordfreq's common words of `lang` (its "small" list, mapped from the cache folder)."""
    table = wordlists.frequencies(lang, "small")
    return table if table is not None else frozenset(wordlists.unpacked(lang, "small"))


def known_words(text: str) -> float | None:
    """The share of a short text's words that its script's languages know, or None when the text
    is long, in a script without word lists (Latin: letters tell its codecs apart), or wordless."""
    words = [w.lower() for w in _WORD.findall(text[:LANGUAGE_SAMPLE]) if not w.isascii()]
    if not words or len(words) >= FEW_WORDS:
        return None
    scripts = Counter(script(w[0]) for w in words)
    lists = WORD_LISTS.get(scripts.most_common(1)[0][0])
    if lists is None:
        return None
    known = sum(any(w in _common_words(lang) for lang in lists) for w in words)
    return known / len(words)


def plausibility(text: str) -> Plausibility:
    """Score a decoded sample: few odd characters, and letters that its detected language writes."""
    letters, odd = _odd_characters(text)
    if not odd and _only_common_western(text):
        return Plausibility(1.0, "")  # no need to ask the identifier (a millisecond a file)
    lang, prob = language.detect(text[:LANGUAGE_SAMPLE])
    clean = max(0.0, 1.0 - odd / max(1, letters))
    fit = _fit(text, lang, prob >= SURE_LANGUAGE)
    known = known_words(text) if clean else None
    if known is not None:  # a few words: real ones make up for an unsure language; none weigh against
        fit = max(fit, known) * (0.5 + 0.5 * known)
    score = clean * fit * (0.9 + 0.1 * prob)
    return Plausibility(round(score, 2), lang, known)
