"""Plain dataclasses for one article: what readers build and writers consume."""

from __future__ import annotations

from dataclasses import dataclass, field

# How a value came to be known, from most to least certain.
ORIGINS = ("explicit", "layout", "detected", "derived")
PRECISIONS = ("year", "month", "day", "minute", "second")


@dataclass(frozen=True)
class How:
    """Where a metadata value came from: origin, method and how sure (0..1)."""

    origin: str  # explicit (labelled in the source) | layout | detected | derived
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
    precision: str  # one of PRECISIONS
    how: How
    kind: str = "published"  # published | modified | event
    raw: str = ""  # the text as it stood in the source


@dataclass(frozen=True)
class Identifier:
    """An identifier of the article in some scheme."""

    scheme: str  # archive | filename | url | message-id | …
    value: str


@dataclass
class Metadata:
    """Everything known about the article besides its body."""

    archive_id: str
    title: Value
    language: Value
    identifiers: list[Identifier] = field(default_factory=list)
    subtitle: Value | None = None
    kicker: Value | None = None
    dates: list[DateValue] = field(default_factory=list)
    authors: list[Value] = field(default_factory=list)
    byline: Value | None = None
    dateline: Value | None = None
    publisher: Value | None = None
    source: Value | None = None
    url: Value | None = None
    keywords: list[str] = field(default_factory=list)
    fields: list[tuple[str, str]] = field(default_factory=list)  # unknown header fields, kept


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of running text; `em` marks emphasised spans as (start, end) offsets in `text`."""

    text: str
    em: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Heading:
    """A subheading; level 2 is the first level below the article title."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Quote:
    """A block quotation holding further blocks."""

    blocks: tuple[Block, ...]


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


@dataclass(frozen=True)
class Preformatted:
    """Text whose line breaks and spacing matter (verse, tables, signatures)."""

    text: str


@dataclass(frozen=True)
class Break:
    """A thematic break (a row of asterisks in the source)."""


Block = Paragraph | Heading | Quote | ListBlock | Figure | Preformatted | Break


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
            case Quote(inner):
                out.extend(texts_of(inner))
            case ListBlock(items):
                out.extend(items)
            case Figure(caption, credit):
                out.extend(t for t in (caption, credit) if t)
    return out
