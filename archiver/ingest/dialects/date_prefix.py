"""The seed's layout: ` date 2019-04 ` at the very start, running straight into the lede."""

from __future__ import annotations

import re

from archiver.document.model import How
from archiver.ingest.found import Found

# "date: 2019-04" or "date 2019-04"; the colon's spaces are two alternatives, not `\s*:?\s+`,
# whose adjacent quantifiers would backtrack quadratically over a long run of spaces.
_PREFIX = re.compile(r"^\s*(date|datum|date de publication)(?:\s*:\s+|\s+)(\d{4}(?:-\d{2}){0,2})\b\s*", re.I)


class DatePrefix:
    """A `date YYYY[-MM[-DD]]` prefix on the first line, the article text following on."""

    name = "date-prefix"
    description = "first line starts with 'date YYYY-MM' and runs into the lede"

    def sniff(self, text: str) -> float:
        m = _PREFIX.match(text)
        if not m:
            return 0.0
        end = text.find("\n", m.end())
        return 0.95 if text[m.end() : end if end >= 0 else len(text)].strip() else 0.0

    def read(self, text: str, found: Found) -> str:
        m = _PREFIX.match(text)
        if not m:
            return text
        found.consumed.append(text[: m.start(2)])  # the keyword and any colon
        found.lifted.append(m.group(2))
        found.add_date(m.group(2), How("explicit", f"prefix:{m.group(1).lower()}", 1.0))
        return text[m.end() :]
