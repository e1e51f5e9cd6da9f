"""Dates in any common form and language, kept at the precision the source gives."""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cache
from typing import Any

from archiver.document.model import Precision

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
# RFC 822 with the obsolete forms RFC 5322 still reads: a two-digit year ("7 May 93 09:12:44 GMT",
# years 50-99 are 19xx) and runs of spaces ("12 Mar 93  08:01:17"), as Usenet posts of the 1990s have.
_RFC822 = re.compile(
    r"^(?:[A-Z][a-z]{2},\s{0,9})?\d{1,2}\s{1,9}[A-Z][a-z]{2}\s{1,9}(?:\d{4}|\d{2})\s{1,9}\d{1,2}:\d{2}"
)
# asctime, as Unix mail and some newsreaders wrote it: "Fri May  7 09:12:44 1993".
_ASCTIME = re.compile(
    r"^[A-Z][a-z]{2}\s{1,9}[A-Z][a-z]{2}\s{1,9}\d{1,2}\s{1,9}\d{1,2}:\d{2}(?::\d{2})?\s{1,9}\d{4}$"
)
# Day, month and year with dots, as German, Dutch, French and most of Europe write them: never
# month first ("01.02.2003" is 1 February; dateparser alone reads it as 2 January).
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_HAS_SECONDS = re.compile(r"\d{1,2}:\d{2}:\d{2}")
_YEAR = re.compile(r"\d{4}")
LANGS = ("en", "nl", "de", "fr", "es", "it", "pt")
DAY_FIRST = frozenset(LANGS) - {"en"}  # languages that write numeric dates day first
MAX_LENGTH = 200  # the longest date string handed to a parser; no real date is longer


def _valid(y: int, m: int = 1, d: int = 1) -> bool:
    try:
        datetime(y, m, d)
    except ValueError:
        return False
    return 1000 <= y <= 2999


def _format_time(dt: datetime, seconds: bool) -> tuple[str, Precision]:
    # A time without a zone stays zoneless: we don't know the writer's clock.
    return dt.isoformat(timespec="seconds"), "second" if seconds else "minute"


def parse(raw: str, lang: str = "") -> tuple[str, Precision] | None:
    """Return (ISO value, precision) for a date string, or None when it is not a date."""
    text = raw.strip().strip(".,;-–—").strip()
    if not text or len(text) > MAX_LENGTH:
        return None
    m = _ISO.match(text)
    if m:
        y, mo, d = m.group(1), m.group(2), m.group(3)
        if not _valid(int(y), int(mo or 1), int(d or 1)):
            return None
        if d:
            return f"{y}-{mo}-{d}", "day"
        return (f"{y}-{mo}", "month") if mo else (y, "year")
    m = _DOTTED.match(text)
    if m:
        d, mo, y = (int(g) for g in m.groups())
        return (f"{y:04d}-{mo:02d}-{d:02d}", "day") if _valid(y, mo, d) else None
    if _ISO_TIME.match(text):
        try:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        return _format_time(dt, bool(_HAS_SECONDS.search(text)))
    if _RFC822.match(text) or _ASCTIME.match(text):
        try:
            return _format_time(parsedate_to_datetime(text), bool(_HAS_SECONDS.search(text)))
        except (TypeError, ValueError, OverflowError):  # "+99999999999999999999" overflows a C int
            pass
    return _parse_natural(text, lang)


@cache
def _parser(lang: str) -> Any:
    from dateparser.date import DateDataParser

    languages = [lang, *[x for x in LANGS if x != lang]] if lang in LANGS else list(LANGS)
    settings = {
        "RETURN_TIME_AS_PERIOD": True,
        "PREFER_DAY_OF_MONTH": "first",
        "STRICT_PARSING": False,
    }
    if lang in DAY_FIRST:  # "03/04/2021" in a Spanish or Dutch header is 3 April
        settings["DATE_ORDER"] = "DMY"
    return DateDataParser(languages=languages, settings=settings)


def _parse_natural(text: str, lang: str) -> tuple[str, Precision] | None:
    """Month names and weekdays in LANGS ("20 août 2012", "12 de diciembre de 2021", "5 May 2019")."""
    if not _YEAR.search(text):
        return None  # a date without a year cannot be placed; don't guess one from the clock
    written = _written(text)
    if written is not None:
        return written
    data = _parser(lang).get_date_data(text)
    dt, period = data.date_obj, data.period
    if dt is None:
        return None
    if period == "year":
        return f"{dt.year:04d}", "year"
    if period == "month":
        return f"{dt.year:04d}-{dt.month:02d}", "month"
    if period == "time":
        return _format_time(dt, bool(_HAS_SECONDS.search(text)))
    return f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}", "day"


# The plainest written dates, read without dateparser (5 ms a call): each form and name below
# gives what dateparser gives (tests/ingest/test_dates.py compares them); anything else, and a
# weekday that does not fit the date, is left to dateparser.
_MONTHS = {
    "en": "january february march april may june july august september october november december",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "de": "januar februar märz april mai juni juli august september oktober november dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
}
_WEEKDAYS = {
    "en": "monday tuesday wednesday thursday friday saturday sunday",
    "nl": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
    "de": "montag dienstag mittwoch donnerstag freitag samstag sonntag",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
}
# name -> (number, the languages that spell it so): dateparser reads a date in one language
_MONTH_NUMBERS: dict[str, tuple[int, set[str]]] = {}
_WEEKDAY_NUMBERS: dict[str, tuple[int, set[str]]] = {}
for _table, _names in ((_MONTH_NUMBERS, _MONTHS), (_WEEKDAY_NUMBERS, _WEEKDAYS)):
    for _lang, _words in _names.items():
        for _number, _word in enumerate(_words.split(), start=1):
            _table.setdefault(_word, (_number, set()))[1].add(_lang)
_NAME = r"[^\W\d_]{1,12}"  # bounded: a scan of a long run of letters stays linear
_DAY_MONTH_YEAR = re.compile(rf"(?:({_NAME}),? )?(\d{{1,2}})\.? ({_NAME}) (\d{{4}})")
_MONTH_DAY_YEAR = re.compile(rf"(?:({_NAME}), )?({_NAME}) (\d{{1,2}}),? (\d{{4}})")


def _written(text: str) -> tuple[str, Precision] | None:
    """ "20 août 2012", "3. März 2021", "Saturday, January 5, 2019" as (ISO date, "day"), else None."""
    m = _DAY_MONTH_YEAR.fullmatch(text)
    if m:
        weekday, day, month, year = m.groups()
    else:
        m = _MONTH_DAY_YEAR.fullmatch(text)
        if not m:
            return None
        weekday, month, day, year = m.groups()
    number, langs = _MONTH_NUMBERS.get(month.lower(), (0, set()))
    if not number or not _valid(int(year), number, int(day)):
        return None
    if weekday is not None:
        wanted, spelt = _WEEKDAY_NUMBERS.get(weekday.lower(), (0, set()))
        if not langs & spelt or datetime(int(year), number, int(day)).isoweekday() != wanted:
            return None
    return f"{int(year):04d}-{number:02d}-{int(day):02d}", "day"


# Dates written out inside text, for datelines: "20 août 2012", "January 5, 2019", "5. Januar 2019".
MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    "january|february|march|may|june|july|august|october|"
    "januar|jänner|februar|märz|mai|dezember|"
    "janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|décembre|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|okt|nov|dec|dez|déc"
)
WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    "maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|"
    "montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|"
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
)
WRITTEN_DATE = (
    rf"(?:(?:{WEEKDAYS})\.?,?\s+)?"
    rf"(?:\d{{1,2}}(?:er|e|\.)?\s+(?:{MONTHS})\.?\s+\d{{4}}"
    rf"|(?:{MONTHS})\.?\s+\d{{1,2}},?\s+\d{{4}}"
    rf"|\d{{4}}-\d{{2}}-\d{{2}})"
)


# Dates in file names, the way archives and scrapers name files: "LC_1987-01-17_p3_elfsteden.txt",
# "2019-04_noord-korea.txt", "nl.regio.groningen-19990614-0017.txt". Digits must not run on
# either side, so that an id like 201904121 is not read as a date.
_FILE_NAME_DATES: tuple[tuple[re.Pattern[str], Precision], ...] = (
    (re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)([-_.])(\d\d)\2(\d\d)(?!\d)"), "day"),
    (re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)()(\d\d)(\d\d)(?!\d)"), "day"),
    (re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)([-_.])(\d\d)()(?![-_.]?\d)"), "month"),
)


def from_file_name(stem: str) -> tuple[str, Precision, str] | None:
    """(ISO value, precision, the digits as written) of the first date in a file name, or None."""
    for pattern, precision in _FILE_NAME_DATES:
        for m in pattern.finditer(stem[:MAX_LENGTH]):
            y, mo, d = int(m.group(1)), int(m.group(3)), int(m.group(4) or 1)
            if _valid(y, mo, d):
                value = f"{y:04d}-{mo:02d}" + (f"-{d:02d}" if precision == "day" else "")
                return value, precision, m.group(0)
    return None
