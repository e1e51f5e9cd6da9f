"""The few words exports print themselves, per language, and dates written as precisely as known."""

from __future__ import annotations

import datetime as dt
import functools

from archiver.document.model import DateValue

LANGS = ("en", "nl", "de", "fr")
# One row per word, one column per language in LANGS.
WORDS: dict[str, tuple[str, str, str, str]] = {
    "archive": ("Archive", "Archief", "Archiv", "Archives"),
    "photo": ("Photo", "Foto", "Foto", "Photo"),
    "by": ("By", "Door", "Von", "Par"),
    "and": ("and", "en", "und", "et"),
    "contents": ("Contents", "Inhoud", "Inhalt", "Sommaire"),
    "colophon": ("Colophon", "Colofon", "Impressum", "Colophon"),
    "undated": ("Undated", "Zonder datum", "Ohne Datum", "Sans date"),
    "unknown-source": ("Unknown source", "Onbekende bron", "Unbekannte Quelle", "Source inconnue"),
    "article": ("article", "artikel", "Artikel", "article"),
    "articles": ("articles", "artikelen", "Artikel", "articles"),
    "cover": ("Cover", "Omslag", "Umschlag", "Couverture"),
    "guide": ("Guide", "Wegwijzer", "Orientierung", "Repères"),
    "pages": ("Pages", "Pagina’s", "Seiten", "Pages"),
}


def label(key: str, lang: str) -> str:
    """A word in `lang`, falling back to English."""
    base = lang.split("-")[0]
    return WORDS[key][LANGS.index(base) if base in LANGS else 0]


def colon(lang: str) -> str:
    """A colon and its space as `lang` sets them: French puts a narrow no-break space before it."""
    return "\u202f: " if lang.split("-")[0] == "fr" else ": "


def count(n: int, lang: str) -> str:
    """ "12 artikelen", "1 article"."""
    return f"{n} {label('article' if n == 1 else 'articles', lang)}"


@functools.cache
def language_name(tag: str) -> str:
    """A language tag as readers name it: "Nederlands (Dutch)", "English", "Português (Brasil)"; an
    unknown tag as it is."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return tag
    own, english = locale.get_display_name(locale), locale.get_display_name("en")
    if not own or not english:
        return tag
    own = own[0].upper() + own[1:]  # "français" heads a list as "Français"
    return own if own == english or "(" in own else f"{own} ({english})"  # not "Português (Brasil) (…)"


def _babel_locale(lang: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(lang.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        return "en"


def format_date(date: DateValue, lang: str) -> str:
    """A date in words, at its own precision: "april 2019", "25 april 2019", "2019"."""
    from babel.dates import format_date as babel_date
    from babel.dates import format_skeleton

    locale = _babel_locale(lang)
    year = int(date.value[:4])
    if date.precision == "year":
        return date.value[:4]
    if date.precision == "month":
        return format_skeleton("yMMMM", dt.date(year, int(date.value[5:7]), 1), locale=locale)
    day = dt.date(year, int(date.value[5:7]), int(date.value[8:10]))
    return babel_date(day, "long", locale=locale)


def format_month(key: str, lang: str) -> str:
    """A "YYYY-MM" group key as words: "april 2019"."""
    from babel.dates import format_skeleton

    return format_skeleton("yMMMM", dt.date(int(key[:4]), int(key[5:7]), 1), locale=_babel_locale(lang))
