"""Choosing articles and grouping them into an edition: what both EPUB and PDF exports print."""

from __future__ import annotations

import calendar
import hashlib
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from archiver.document.model import Document
from archiver.export.labels import format_month, label
from archiver.store import Archive, Entry

GROUPINGS = ("month", "source", "none")


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


@dataclass
class Group:
    """A section of an edition: a label and its articles."""

    key: str
    label: str
    documents: list[Document]


@dataclass
class Edition:
    """Articles grouped for export, with a title, a language and stable identity."""

    title: str
    lang: str
    groups: list[Group]
    grouping: str

    @property
    def documents(self) -> list[Document]:
        return [d for g in self.groups for d in g.documents]

    @property
    def languages(self) -> list[str]:
        """All languages, most frequent first (the first is the edition's own)."""
        return by_frequency(d.meta.language.text for d in self.documents)

    @property
    def identifier(self) -> str:
        """A URN that stays the same for the same articles, title and grouping."""
        docs = self.documents
        if len(docs) == 1:
            return f"urn:archiver:{docs[0].meta.archive_id}"
        basis = "\n".join([self.title, self.grouping, *(d.meta.archive_id for d in docs)])
        return f"urn:archiver:edition:{hashlib.sha256(basis.encode()).hexdigest()[:16]}"

    def date_range(self) -> tuple[str, str] | None:
        """The first and last publication date value, as stored."""
        dates = sorted(d.published.value for d in self.documents if d.published)
        return (dates[0], dates[-1]) if dates else None

    def modified(self) -> datetime:
        """When the edition last changed: SOURCE_DATE_EPOCH, else the newest normalisation time."""
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        if epoch:
            return datetime.fromtimestamp(int(epoch), UTC)
        stamps = [e.when for d in self.documents for e in d.provenance.events]
        if not stamps:
            return datetime(1980, 1, 1, tzinfo=UTC)
        return datetime.fromisoformat(max(stamps).replace("Z", "+00:00"))


def by_frequency(values: Iterable[str]) -> list[str]:
    """Distinct values, most frequent first, ties alphabetical."""
    counts = Counter(values)
    return sorted(counts, key=lambda v: (-counts[v], v))


def _group_key(doc: Document, grouping: str) -> str:
    if grouping == "month":
        return (
            doc.published.value[:7]
            if doc.published and len(doc.published.value) >= 7
            else (doc.published.value[:4] if doc.published else "~")
        )
    if grouping == "source":
        src = doc.meta.source or doc.meta.publisher
        return src.text if src else "~"
    return ""


def _group_label(key: str, grouping: str, lang: str) -> str:
    if key == "~":
        return label("undated" if grouping == "month" else "unknown-source", lang)
    if grouping == "month" and len(key) == 7:
        return format_month(key, lang)
    return key


def default_title(docs: list[Document], lang: str) -> str:
    """ "Archief, april 2019", "Archive, 2019-2023", or the article's title for one article."""
    if len(docs) == 1:
        return docs[0].meta.title.text
    months = sorted({d.published.value[:7] for d in docs if d.published and len(d.published.value) >= 7})
    word = label("archive", lang)
    if len(months) == 1:
        return f"{word}, {format_month(months[0], lang)}"
    years = sorted({d.published.value[:4] for d in docs if d.published})
    if not years:
        return word
    return f"{word}, {years[0]}" if len(years) == 1 else f"{word}, {years[0]}–{years[-1]}"


def build(docs: list[Document], grouping: str = "month", title: str | None = None) -> Edition:
    """Group documents (already in date order) into an edition."""
    if grouping not in GROUPINGS:
        raise ValueError(f"unknown grouping {grouping!r}; choose from {', '.join(GROUPINGS)}")
    lang = (by_frequency(d.meta.language.text for d in docs) or ["en"])[0]
    groups: dict[str, list[Document]] = {}
    for doc in docs:
        groups.setdefault(_group_key(doc, grouping), []).append(doc)
    keys = sorted(groups) if grouping == "month" else list(groups)
    if grouping == "source":
        keys = sorted(keys, key=lambda k: (k == "~", k.lower()))
    ordered = [Group(k, _group_label(k, grouping, lang), groups[k]) for k in keys]
    return Edition(title or default_title(docs, lang), lang, ordered, grouping)


def slug(text: str, limit: int = 48) -> str:
    """An ASCII file-name slug: "Noord-Korea zoekt…" -> "noord-korea-zoekt"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return words[:limit].rstrip("-") or "article"


def file_stem(doc: Document) -> str:
    """A readable, unique file name stem for one article: date, title slug, short id."""
    date = doc.published.value[:10] if doc.published else "undated"
    return f"{date}_{slug(doc.meta.title.text)}_{doc.meta.archive_id[:8]}"
