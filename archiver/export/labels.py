"""The few words exports print themselves, per language, and dates written as precisely as known."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable

from archiver.document.model import DateValue

LANGS = ("en", "nl", "de", "fr", "es", "it", "pt")
# One row per word, one column per language in LANGS.
WORDS: dict[str, tuple[str, ...]] = {
    "archive": ("Archive", "Archief", "Archiv", "Archives", "Archivo", "Archivio", "Arquivo"),
    "photo": ("Photo", "Foto", "Foto", "Photo", "Foto", "Foto", "Foto"),
    "by": ("By", "Door", "Von", "Par", "Por", "Di", "Por"),
    "and": ("and", "en", "und", "et", "y", "e", "e"),
    "contents": ("Contents", "Inhoud", "Inhalt", "Sommaire", "Índice", "Indice", "Índice"),
    "colophon": ("Colophon", "Colofon", "Impressum", "Colophon", "Colofón", "Colophon", "Colofão"),
    "undated": ("Undated", "Zonder datum", "Ohne Datum", "Sans date", "Sin fecha", "Senza data", "Sem data"),
    "unknown-source": (
        "Unknown source",
        "Onbekende bron",
        "Unbekannte Quelle",
        "Source inconnue",
        "Fuente desconocida",
        "Fonte sconosciuta",
        "Fonte desconhecida",
    ),
    "article": ("article", "artikel", "Artikel", "article", "artículo", "articolo", "artigo"),
    "articles": ("articles", "artikelen", "Artikel", "articles", "artículos", "articoli", "artigos"),
    "cover": ("Cover", "Omslag", "Umschlag", "Couverture", "Cubierta", "Copertina", "Capa"),
    "guide": ("Guide", "Wegwijzer", "Orientierung", "Repères", "Guía", "Guida", "Guia"),
    "pages": ("Pages", "Pagina’s", "Seiten", "Pages", "Páginas", "Pagine", "Páginas"),
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


# Dates in words as babel wrote them, by (function, arguments): babel loads its locale data (a
# tenth of a second) on its first use in a process, and an export with its render cache needs
# only the few words earlier exports wrote. `recall` fills it, `learned` gives it back to keep.
_WORDS: dict[str, str] = {}
_NEW: list[str] = []


def recall(data: bytes | None) -> None:
    """Take dates in words kept by earlier runs (a JSON object; the caller keys it by babel's version)."""
    if not data:
        return
    try:
        kept = json.loads(data)
    except ValueError:
        return
    if isinstance(kept, dict):
        _WORDS.update({k: v for k, v in kept.items() if isinstance(k, str) and isinstance(v, str)})


def learned() -> bytes | None:
    """Every date in words known, as `recall` takes it, if this run wrote new ones (else None)."""
    if not _NEW:
        return None
    _NEW.clear()
    return json.dumps(_WORDS, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _in_words(name: str, make: Callable[[], str], *args: str) -> str:
    """`make()`, or what it gave for these arguments before."""
    memo = "|".join((name, *args))
    found = _WORDS.get(memo)
    if found is None:
        found = _WORDS[memo] = make()
        _NEW.append(memo)
    return found


def format_date(date: DateValue, lang: str) -> str:
    """A date in words, at its own precision: "april 2019", "25 april 2019", "2019"."""
    if date.precision == "year":
        return date.value[:4]
    return _in_words("date", lambda: _format_date(date, lang), date.value, date.precision, lang)


def _format_date(date: DateValue, lang: str) -> str:
    from babel.dates import format_date as babel_date
    from babel.dates import format_skeleton

    locale = _babel_locale(lang)
    year = int(date.value[:4])
    if date.precision == "month":
        return format_skeleton("yMMMM", dt.date(year, int(date.value[5:7]), 1), locale=locale)
    day = dt.date(year, int(date.value[5:7]), int(date.value[8:10]))
    return babel_date(day, "long", locale=locale)


def format_month(key: str, lang: str) -> str:
    """A "YYYY-MM" group key as words: "april 2019"."""
    return _in_words("month", lambda: _format_month(key, lang), key, lang)


def _format_month(key: str, lang: str) -> str:
    from babel.dates import format_skeleton

    return format_skeleton("yMMMM", dt.date(int(key[:4]), int(key[5:7]), 1), locale=_babel_locale(lang))
