"""Plain dataclasses for one article: what readers build and writers consume."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

# How a value came to be known, from most to least certain: labelled in the source, its position
# or form, statistics (e.g. language), or made up (e.g. a title from the first sentence).
Origin = Literal["explicit", "layout", "detected", "derived"]
Precision = Literal["year", "month", "day", "minute", "second"]
DateKind = Literal["published", "modified", "event"]
ORIGINS: tuple[Origin, ...] = get_args(Origin)
PRECISIONS: tuple[Precision, ...] = get_args(Precision)
DATE_KINDS: tuple[DateKind, ...] = get_args(DateKind)


@dataclass(frozen=True)
class How:
    """Where a metadata value came from: origin, method and how sure (0..1)."""

    origin: Origin
    method: str  # e.g. "header:Title", "first-line", "py3langid", "first-sentence"
    confidence: float = 1.0


@dataclass(frozen=True)
class Value:
    """A metadata text value with its provenance."""

    text: str
    how: How


@dataclass(frozen=True)
class DateValue:
    """A date with its real precision: "2019-04" stays a year-month."""

    value: str  # ISO 8601 cut to the precision: 2019 | 2019-04 | 2019-04-25 | 2019-04-25T10:00:00+02:00
    precision: Precision
    how: How
    kind: DateKind = "published"
    raw: str = ""  # the text as it stood in the source


@dataclass(frozen=True)
class Identifier:
    """An identifier of the article in some scheme."""

    scheme: str  # archive | filename | url | message-id | …
    value: str
    raw: str = ""  # the identifier as written in the source, markup and all ("[EBook #11]")


@dataclass(kw_only=True)
class Fields:
    """The metadata fields an article may carry; FIELDS below says how each is kept and shown.

    A new field is one attribute here, one row in FIELDS and one element in the schema: the XML
    writer and reader, `archiver show` and the ingest header keys all follow the table.
    """

    title: Value | None = None
    subtitle: Value | None = None
    kicker: Value | None = None
    dates: list[DateValue] = field(default_factory=list)
    language: Value | None = None
    authors: list[Value] = field(default_factory=list)
    byline: Value | None = None
    dateline: Value | None = None
    publisher: Value | None = None
    source: Value | None = None
    url: Value | None = None
    keywords: list[str] = field(default_factory=list)
    keywords_how: How | None = None  # how the keywords were found: the header key as written
    signature: Value | None = None  # a mail or Usenet signature (after "-- "), kept apart from the body
    fields: list[tuple[str, str]] = field(default_factory=list)  # unknown header fields, kept
    identifiers: list[Identifier] = field(default_factory=list)


@dataclass(kw_only=True)
class Metadata(Fields):
    """Everything known about the article besides its body: title and language always."""

    archive_id: str
    title: Value
    language: Value


Shape = Literal["value", "values", "dates", "words", "pairs"]


@dataclass(frozen=True)
class FieldSpec:
    """One metadata field: its attribute, XML element, shape and the label `show` prints."""

    name: str  # attribute of Fields
    element: str  # element name in the canonical XML, one per value
    shape: Shape  # value: one Value; values: a list of Values; dates; words: strings; pairs
    label: str
    how: str = ""  # for "words": the attribute with the one How its values share ("keywords_how")


# In the order the canonical XML writes them (after the ids).
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", "title", "value", "title"),
    FieldSpec("subtitle", "subtitle", "value", "subtitle"),
    FieldSpec("kicker", "kicker", "value", "kicker"),
    FieldSpec("dates", "date", "dates", "date"),
    FieldSpec("language", "language", "value", "language"),
    FieldSpec("authors", "author", "values", "author"),
    FieldSpec("byline", "byline", "value", "byline"),
    FieldSpec("dateline", "dateline", "value", "dateline"),
    FieldSpec("publisher", "publisher", "value", "publisher"),
    FieldSpec("source", "source", "value", "source"),
    FieldSpec("url", "url", "value", "url"),
    FieldSpec("keywords", "keyword", "words", "keywords", how="keywords_how"),
    FieldSpec("signature", "signature", "value", "signature"),
    FieldSpec("fields", "field", "pairs", "field"),
)
FIELD_NAMES = tuple(spec.name for spec in FIELDS) + tuple(spec.how for spec in FIELDS if spec.how)


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of running text; `em` marks emphasised spans as (start, end) offsets in `text`.

    `notes` says where notes are called: (offset in `text`, id of the Note); the marker itself
    ("[3]") is not in `text`. `lang` is the paragraph's own language where it is not the article's.
    """

    text: str
    em: tuple[tuple[int, int], ...] = ()
    notes: tuple[tuple[int, str], ...] = ()
    lang: str = ""


@dataclass(frozen=True)
class Heading:
    """A subheading; level 2 is the first level below the article title."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Quote:
    """A block quotation holding further blocks (in `lang` where it is not the article's language)."""

    blocks: tuple[Block, ...]
    lang: str = ""


@dataclass(frozen=True)
class ListBlock:
    """A bulleted or numbered list of one-paragraph items."""

    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Figure:
    """A figure: caption and credit, with or without an image."""

    caption: str
    credit: str = ""
    credit_label: str = ""  # the source's word before the credit ("Bild", "Photo"), kept as written


@dataclass(frozen=True)
class Preformatted:
    """Text whose line breaks and spacing matter (verse, tables, signatures); `em` as in Paragraph,
    `lang` as for Quote."""

    text: str
    em: tuple[tuple[int, int], ...] = ()
    lang: str = ""


@dataclass(frozen=True)
class Break:
    """A thematic break (a row of asterisks in the source)."""


@dataclass(frozen=True)
class Epigraph:
    """A motto at the head of a text or section: a quotation and who said it ("WORDSWORTH.", "— Heine")."""

    blocks: tuple[Block, ...]
    attribution: str = ""  # as written in the source
    lang: str = ""


@dataclass(frozen=True)
class Note:
    """A footnote: its text, the label the source gave it ("3", "*") and the id its callers use.

    `key` is the word the source opened it with, as written ("Footnote" in "[Footnote 3: …]").
    """

    id: str  # unique in the article: "n1", "n2", …
    label: str
    blocks: tuple[Block, ...]
    key: str = ""


Block = Paragraph | Heading | Quote | ListBlock | Figure | Preformatted | Break | Epigraph | Note


@dataclass(frozen=True)
class Repair:
    """A change made to the decoded text before parsing, with how often it happened."""

    kind: str  # bom | mojibake | control-chars | invisible-chars | dehyphenated | …
    count: int
    detail: str = ""


@dataclass(frozen=True)
class Event:
    """Something that happened to the article, e.g. its normalisation by archiver."""

    kind: str
    tool: str
    tool_version: str
    rules_version: str
    when: str  # UTC, ISO 8601 with Z


@dataclass
class Provenance:
    """Where the document came from and what was done to it."""

    file_name: str
    size: int
    sha256: str
    encoding: str
    encoding_confidence: float
    newline: str  # lf | crlf | cr | mixed | none
    bom: bool
    dialect: str
    dialect_confidence: float
    repairs: list[Repair] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


@dataclass
class Document:
    """One article: metadata, body blocks and provenance."""

    meta: Metadata
    body: list[Block]
    provenance: Provenance

    def text_blocks(self) -> list[str]:
        """Every piece of body text in reading order (for search, checks and tests)."""
        return list(texts_of(self.body))

    @property
    def published(self) -> DateValue | None:
        """The publication date, if any is known."""
        return next((d for d in self.meta.dates if d.kind == "published"), None)


def texts_of(blocks: list[Block] | tuple[Block, ...]) -> list[str]:
    """Every piece of text in these blocks, in reading order."""
    out: list[str] = []
    for block in blocks:
        match block:
            case Paragraph(text) | Heading(text) | Preformatted(text):
                out.append(text)
            case Quote(inner) | Note(_, _, inner):
                out.extend(texts_of(inner))
            case Epigraph(inner, attribution):
                out.extend(texts_of(inner))
                if attribution:
                    out.append(attribution)
            case ListBlock(items):
                out.extend(items)
            case Figure(caption, credit):
                out.extend(t for t in (caption, credit) if t)
    return out


def note_marks(blocks: list[Block] | tuple[Block, ...]) -> list[str]:
    """What the source wrote around its notes and kept in the XML: each note's key and label, and
    its call's label (a call carries its note's label: markers and notes pair up by label)."""
    out: list[str] = []
    for block in blocks:
        match block:
            case Note(_, label, inner, key):
                out += [key, label, label, *note_marks(inner)]
            case Quote(inner) | Epigraph(inner):
                out += note_marks(inner)
    return out
