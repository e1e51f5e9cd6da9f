"""The few words exports print themselves, per language, and dates written as precisely as known."""

from __future__ import annotations

import datetime as dt

from archiver.document.model import DateValue

LABELS: dict[str, dict[str, str]] = {
    "en": {"archive": "Archive", "photo": "Photo", "by": "By", "contents": "Contents",
           "colophon": "Colophon", "undated": "Undated", "unknown-source": "Unknown source",
           "article": "article", "articles": "articles", "cover": "Cover", "guide": "Guide", "and": "and"},
    "nl": {"archive": "Archief", "photo": "Foto", "by": "Door", "contents": "Inhoud",
           "colophon": "Colofon", "undated": "Zonder datum", "unknown-source": "Onbekende bron",
           "article": "artikel", "articles": "artikelen", "cover": "Omslag", "guide": "Wegwijzer", "and": "en"},
    "de": {"archive": "Archiv", "photo": "Foto", "by": "Von", "contents": "Inhalt",
           "colophon": "Impressum", "undated": "Ohne Datum", "unknown-source": "Unbekannte Quelle",
           "article": "Artikel", "articles": "Artikel", "cover": "Umschlag", "guide": "Orientierung", "and": "und"},
    "fr": {"archive": "Archives", "photo": "Photo", "by": "Par", "contents": "Sommaire",
           "colophon": "Colophon", "undated": "Sans date", "unknown-source": "Source inconnue",
           "article": "article", "articles": "articles", "cover": "Couverture", "guide": "Repères", "and": "et"},
}  # fmt: skip


def label(key: str, lang: str) -> str:
    """A word in `lang`, falling back to English."""
    return LABELS.get(lang.split("-")[0], LABELS["en"]).get(key, LABELS["en"][key])


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
