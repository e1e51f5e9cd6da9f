"""Datelines after the linear rewrite of the place patterns: the forms newspapers use still lift."""

from __future__ import annotations

import pytest

from archiver.ingest import furniture
from archiver.ingest.found import Found


@pytest.mark.parametrize(
    ("text", "dateline"),
    [
        ("PARIS, 20 août 2012 - La mairie", "PARIS, 20 août 2012"),
        ("Aix-en-Provence, 3 mai 2019 - Texte", "Aix-en-Provence, 3 mai 2019"),
        ("Saint-Denis-de-la-Réunion, 1 janvier 2020 - Texte", "Saint-Denis-de-la-Réunion, 1 janvier 2020"),
        ("New York, January 5, 2019 -- Text", "New York, January 5, 2019"),
        ("Den Haag, 5 mei 2019 - De", "Den Haag, 5 mei 2019"),
        ("A. B. Jansen, 5 mei 2019 - De", "A. B. Jansen, 5 mei 2019"),
        ("LEEUWARDEN - Het was", "LEEUWARDEN"),
        ("BRUSSEL (ANP) - De", "BRUSSEL (ANP)"),
        ("Monday, May 9, 2022 - Ferry", "Monday, May 9, 2022"),
        ("Los Angeles Downtown North East, 5 May 2019 - Five words are not a place", None),
        ("Aa-" * 2000 + " tekst", None),
    ],
)
def test_datelines(text: str, dateline: str | None) -> None:
    found = Found()
    rest = furniture.take_dateline(text, found)
    assert (found.dateline.text if found.dateline else None) == dateline
    assert rest == (text if dateline is None else text.split(" -", 1)[1].lstrip("- "))


@pytest.mark.parametrize(
    ("text", "split"),
    [
        ("De ferry in de haven van Oslo. (foto: AFP)", ("De ferry in de haven van Oslo.", "AFP")),
        ("De ferry in de haven van Oslo. Foto: ANP", ("De ferry in de haven van Oslo.", "ANP")),
        ("Lange tekst. " * 30_000 + "Foto: ANP", ("Lange tekst. " * 29_999 + "Lange tekst.", "ANP")),
        ("Geen bijschrift: gewoon tekst.", None),
    ],
)
def test_credits_are_found_at_the_end_of_any_paragraph(text: str, split: tuple[str, str] | None) -> None:
    assert furniture.split_credit(text, []) == split
