"""Written dates read without dateparser give exactly what dateparser gives, or are left to it."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from archiver.ingest import dates


def _names(table: dict[str, tuple[int, set[str]]], number: int) -> list[str]:
    return [name for name, (n, _) in table.items() if n == number]


def _cases(seed: int, n: int) -> list[str]:
    """Written dates in en/nl/de/fr forms, names of mixed languages and wrong weekdays among them."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        day = date(1900, 1, 1) + timedelta(days=rng.randrange(60_000))
        month = rng.choice(_names(dates._MONTH_NUMBERS, day.month))
        wrong = rng.random() < 0.15  # the next day's name
        weekday = rng.choice(
            _names(dates._WEEKDAY_NUMBERS, day.isoweekday() % 7 + 1 if wrong else day.isoweekday())
        )
        month = rng.choice([month, month.capitalize(), month.upper()])
        weekday = rng.choice([weekday, weekday.capitalize()])
        d = rng.choice([str(day.day), f"{day.day:02d}"])
        y = day.year
        forms = [
            f"{d} {month} {y}",
            f"{d}. {month} {y}",
            f"{weekday}, {d} {month} {y}",
            f"{weekday} {d}. {month} {y}",
            f"{month} {d}, {y}",
            f"{weekday}, {month} {d}, {y}",
            f"{month} {d} {y}",
            f"31 {month} {y}",
            f"29 {month} {y}",
        ]
        out.append(rng.choice(forms))
    return out


def _dateparser(text: str, lang: str) -> tuple[str, str] | None:
    data = dates._parser(lang).get_date_data(text)
    if data.date_obj is None:
        return None
    if data.period != "day":
        return ("period", str(data.period))
    return data.date_obj.strftime("%Y-%m-%d"), "day"


@pytest.mark.parametrize("lang", ["", "nl", "fr"])
def test_the_fast_reading_agrees_with_dateparser(lang: str) -> None:
    cases = _cases(len(lang), 150)
    read = [(text, dates._written(text)) for text in cases]
    fast = [(text, got) for text, got in read if got is not None]
    assert len(fast) > len(cases) // 2  # the common forms do take the fast way
    assert [(text, _dateparser(text, lang)) for text, _ in fast] == fast


@pytest.mark.parametrize(
    "text",
    [
        "Monday, May 10, 2022",  # a Tuesday: dateparser decides what a wrong weekday means
        "lundi 9 May 2022",  # names of two languages
        "31 juin 2012",  # no such day
        "1er janvier 2012",
        "Mai 2019",
        "9 May 22",
    ],
)
def test_anything_else_is_left_to_dateparser(text: str) -> None:
    assert dates._written(text) is None


def test_parse_reads_the_plain_forms() -> None:
    assert dates.parse("Saturday, January 5, 2019") == ("2019-01-05", "day")
    assert dates.parse("3. März 2021") == ("2021-03-03", "day")
    assert dates.parse("20 août 2012") == ("2012-08-20", "day")
    assert dates.parse("zondag 6 januari 2019") == ("2019-01-06", "day")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7 May 93 09:12:44 GMT", ("1993-05-07T09:12:44+00:00", "second")),
        ("12 Mar 93  08:01:17", ("1993-03-12T08:01:17", "second")),  # doubled space, no zone
        ("Fri,  7 May 93 09:12 EDT", ("1993-05-07T09:12:00-04:00", "minute")),
        ("Fri May  7 09:12:44 1993", ("1993-05-07T09:12:44", "second")),  # asctime
    ],
)
def test_usenet_dates_with_two_digit_years_and_doubled_spaces(raw: str, expected: tuple[str, str]) -> None:
    assert dates.parse(raw) == expected


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("LC_1987-01-17_p3_elfsteden", ("1987-01-17", "day", "1987-01-17")),
        ("2019-04_noord-korea-poetin", ("2019-04", "month", "2019-04")),
        ("nl.regio.groningen-19990614-0017", ("1999-06-14", "day", "19990614")),
        ("2023_11_02-night-trains", ("2023-11-02", "day", "2023_11_02")),
        ("000_46013887131c49c3", None),  # hex id, no date
        ("scan-201904121", None),  # nine digits: an id, not a date
        ("report-2019-13-01", None),  # no month 13
    ],
)
def test_dates_in_file_names(stem: str, expected: tuple[str, str, str] | None) -> None:
    assert dates.from_file_name(stem) == expected
