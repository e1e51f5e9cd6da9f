"""The few words exports print themselves, per language, and dates written as precisely as known."""

from __future__ import annotations

import datetime as dt

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
