"""Choosing articles from the catalog: ids, a date range that overlaps reduced precision, filters."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from archiver.errors import UsageError
from archiver.store.archive import Archive
from archiver.store.catalog import Entry

DATE_ARG = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def date_span(value: str) -> tuple[str, str]:
    """The first and last day a date of any precision may mean: "2019-04" -> 2019-04-01..2019-04-30."""
    year = int(value[:4])
    if len(value) == 4:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    month = int(value[5:7])
    if len(value) == 7:
        last = calendar.monthrange(year, month)[1]
        return f"{value}-01", f"{value}-{last:02d}"
    return value[:10], value[:10]


@dataclass
class Selection:
    """Which articles to export. Dates overlap-match: 2019-04 is inside --from 2019-04-10."""

    ids: list[str] = field(default_factory=list)
    date_from: str | None = None
    date_to: str | None = None
    lang: str | None = None
    source: str | None = None
    query: str | None = None

    def __post_init__(self) -> None:
        for name, value in (("--from", self.date_from), ("--to", self.date_to)):
            if value and not DATE_ARG.match(value):
                raise UsageError(f"{name} {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")

    def entries(self, archive: Archive) -> list[Entry]:
        """The chosen catalog entries in date order (undated last)."""
        chosen = [archive.find(key) for key in self.ids] if self.ids else list(archive.entries())
        if self.query:
            hits = {e.id for e, _ in archive.catalog.search(self.query, limit=100000)}
            chosen = [e for e in chosen if e.id in hits]
        return [e for e in chosen if self._keeps(e)]

    def _keeps(self, e: Entry) -> bool:
        if self.lang and e.language.split("-")[0] != self.lang.split("-")[0]:
            return False
        if self.source and self.source.lower() not in (e.source or "").lower():
            return False
        if self.date_from or self.date_to:
            if not e.date:
                return False
            first, last = date_span(e.date[:10])
            if self.date_from and last < date_span(self.date_from)[0]:
                return False
            if self.date_to and first > date_span(self.date_to)[1]:
                return False
        return True
