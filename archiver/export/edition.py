"""Grouping documents into an edition: sections, title, language and identity for every format."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from archiver.document.model import Document
from archiver.errors import UnknownName
from archiver.export.labels import format_month, label
from archiver.export.typography import typeset


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


def _month_key(doc: Document) -> str:
    if not doc.published:
        return "~"
    value = doc.published.value
    return value[:7] if len(value) >= 7 else value[:4]


def _month_label(key: str, lang: str) -> str:
    if key == "~":
        return label("undated", lang)
    return format_month(key, lang) if len(key) == 7 else key


def _source_key(doc: Document) -> str:
    src = doc.meta.source or doc.meta.publisher
    return src.text if src else "~"


def _source_label(key: str, lang: str) -> str:
    return label("unknown-source", lang) if key == "~" else key


@dataclass(frozen=True)
class Grouping:
    """How an edition makes sections: a document's section key, its label, the order of keys."""

    key: Callable[[Document], str]  # "~" means unknown: sorts last
    label: Callable[[str, str], str]  # (key, language) -> the section's label
    order: Callable[[str], Any]  # sort key of section keys


GROUPINGS: dict[str, Grouping] = {
    "month": Grouping(_month_key, _month_label, lambda key: key),
    "source": Grouping(_source_key, _source_label, lambda key: (key == "~", key.lower())),
    "none": Grouping(lambda doc: "", lambda key, lang: "", lambda key: key),
}


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


def gather(docs: list[Document], grouping: str = "month", title: str | None = None) -> Edition:
    """Group documents (already in date order) into an edition."""
    try:
        way = GROUPINGS[grouping]
    except KeyError:
        raise UnknownName("grouping", grouping, GROUPINGS) from None
    lang = (by_frequency(d.meta.language.text for d in docs) or ["en"])[0]
    groups: dict[str, list[Document]] = {}
    for doc in docs:
        groups.setdefault(way.key(doc), []).append(doc)
    ordered = [Group(k, way.label(k, lang), groups[k]) for k in sorted(groups, key=way.order)]
    # typeset like every title it prints: its cover, running heads and package title say "L’acqua"
    return Edition(typeset(title or default_title(docs, lang), lang), lang, ordered, grouping)


def slug(text: str, limit: int = 48) -> str:
    """An ASCII file-name slug: "Noord-Korea zoekt…" -> "noord-korea-zoekt"."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return words[:limit].rstrip("-") or "article"


def file_stem(doc: Document) -> str:
    """A readable, unique file name stem for one article: date, title slug, short id."""
    date = doc.published.value[:10] if doc.published else "undated"
    return f"{date}_{slug(doc.meta.title.text)}_{doc.meta.archive_id[:8]}"
