"""schema.org NewsArticle JSON-LD: one object per article, an ItemList of them for an edition."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from archiver.document.model import (
    Block,
    Break,
    Document,
    Epigraph,
    Figure,
    Heading,
    ListBlock,
    Note,
    Paragraph,
    Preformatted,
    Quote,
)
from archiver.export import ExportError, Format
from archiver.export.edition import Edition
from archiver.export.frame import Frame
from archiver.export.plain import credit_line

CONTEXT = "https://schema.org"
# A change to what this module (or nitf.py) writes must bump RENDER_VERSION in export/cache.py:
# cached per-article files (`--each`, build) and the reading room's ETags are keyed by it.

# Our date kinds -> the schema.org property; "event" is the time the article tells of.
DATE_PROPERTIES = {
    "published": "datePublished",
    "modified": "dateModified",
    "event": "contentReferenceTime",
}


@dataclass(frozen=True)
class JsonLdOptions:
    """JSON-LD is data, not layout: no options."""


def _labels(doc: Document) -> dict[str, str]:
    return {b.id: b.label for b in doc.body if isinstance(b, Note)}


def marked(p: Paragraph, labels: dict[str, str]) -> str:
    """The paragraph with its note calls as "[1]" where they stand."""
    text = p.text
    for offset, note in sorted(p.notes, reverse=True):
        text = f"{text[:offset]}[{labels.get(note, '*')}]{text[offset:]}"
    return text


def _called(blocks: list[Block] | tuple[Block, ...]) -> Iterator[Paragraph]:
    """Every paragraph that calls a note, at any depth."""
    for block in blocks:
        match block:
            case Paragraph(notes=notes) if notes:
                yield block
            case Quote(inner) | Epigraph(inner) | Note(_, _, inner):
                yield from _called(inner)


def _plain(blocks: list[Block] | tuple[Block, ...], labels: dict[str, str]) -> Iterator[str]:
    """The body as plain paragraphs; figures go to associatedMedia, notes after the text."""
    for block in blocks:
        match block:
            case Paragraph():
                yield marked(block, labels)
            case Heading(text) | Preformatted(text):
                yield text
            case Quote(inner):
                yield from _plain(inner, labels)
            case Epigraph(inner, attribution):
                yield from _plain(inner, labels)
                if attribution:
                    yield attribution
            case ListBlock(items, ordered):
                yield "\n".join(f"{i}. {t}" if ordered else f"• {t}" for i, t in enumerate(items, start=1))
            case Break():
                yield "* * *"
            case Figure() | Note():
                pass


def article_body(doc: Document) -> str:
    """Every text block of the article, blank-line separated; notes ("[1] …") and signature last."""
    labels = _labels(doc)
    parts = list(_plain(doc.body, labels))
    for note in (b for b in doc.body if isinstance(b, Note)):
        parts.append(f"[{note.label}] " + "\n\n".join(_plain(note.blocks, labels)))
    if doc.meta.signature:
        parts.append("-- \n" + doc.meta.signature.text)
    return "\n\n".join(parts)


def urn(archive_id: str) -> str:
    """The article's identity in every format (EPUB's dc:identifier, NITF's uno, JSON-LD's @id)."""
    return f"urn:archiver:{archive_id}"


def lost(doc: Document, missing: list[str]) -> str:
    """The completeness gate's one-line complaint."""
    return f"{doc.meta.archive_id}: {len(missing)} blocks lost, first: {missing[0][:60]!r}"


def _figures(blocks: list[Block] | tuple[Block, ...]) -> Iterator[Figure]:
    """Every figure, at any depth (a caption may stand in a quotation)."""
    for block in blocks:
        match block:
            case Figure():
                yield block
            case Quote(inner) | Epigraph(inner) | Note(_, _, inner):
                yield from _figures(inner)


def _figure(figure: Figure) -> dict[str, Any]:
    found: dict[str, Any] = {"@type": "ImageObject", "caption": figure.caption}
    if figure.credit:
        found["creditText"] = credit_line(figure)
    return found


def _named(kind: str, name: str) -> dict[str, str]:
    return {"@type": kind, "name": name}


def article(doc: Document, page: str | None = None, image: str | None = None) -> dict[str, Any]:
    """The NewsArticle of one document; `page` and `image` are the reading room's URLs, when served."""
    m = doc.meta
    data: dict[str, Any] = {"@context": CONTEXT, "@type": "NewsArticle", "@id": urn(m.archive_id)}
    ids = [("archive", m.archive_id)] + [(i.scheme, i.value) for i in m.identifiers if i.scheme != "archive"]
    data["identifier"] = [{"@type": "PropertyValue", "propertyID": s, "value": v} for s, v in ids]
    data["headline"] = m.title.text
    subtitles = [v.text for v in (m.subtitle, m.kicker) if v is not None]
    if subtitles:
        data["alternativeHeadline"] = subtitles if len(subtitles) > 1 else subtitles[0]
    for date in m.dates:
        data.setdefault(DATE_PROPERTIES[date.kind], date.value)  # the value as precise as it is known
    data["inLanguage"] = m.language.text
    if m.authors:
        data["author"] = [_named("Person", a.text) for a in m.authors]
    if m.byline:
        data["creditText"] = m.byline.text
    if m.dateline:
        data["dateline"] = m.dateline.text
    if m.publisher:
        data["publisher"] = _named("Organization", m.publisher.text)
    if m.source:
        data["isPartOf"] = _named("CreativeWork", m.source.text)
    if m.url:
        data["url"] = m.url.text
    if m.keywords:
        data["keywords"] = list(m.keywords)
    data["articleBody"] = article_body(doc)
    data["wordCount"] = sum(len(t.split()) for t in doc.text_blocks())
    figures = [_figure(b) for b in _figures(doc.body)]
    if figures:
        data["associatedMedia"] = figures
    data["isBasedOn"] = _original(doc)
    if page:
        data["mainEntityOfPage"] = page
    if image:
        data["image"] = image
    return data


def _original(doc: Document) -> dict[str, Any]:
    """The original file the article was archived from."""
    p = doc.provenance
    return {
        "@type": "MediaObject",
        "name": p.file_name,
        "contentSize": f"{p.size} bytes",
        "encodingFormat": f"text/plain; charset={p.encoding}",
        "identifier": {"@type": "PropertyValue", "propertyID": "sha256", "value": p.sha256},
    }


def edition(ed: Edition) -> dict[str, Any]:
    """An edition as an ItemList of its articles, in reading order."""
    items = []
    for i, doc in enumerate(ed.documents, start=1):
        item = article(doc)
        del item["@context"]
        items.append({"@type": "ListItem", "position": i, "item": item})
    return {
        "@context": CONTEXT,
        "@type": "ItemList",
        "@id": ed.identifier,
        "name": ed.title,
        "numberOfItems": len(items),
        "itemListElement": items,
    }


def dumps(data: dict[str, Any]) -> bytes:
    """Deterministic UTF-8 JSON: keys in the order built, characters as they are."""
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render(source: Frame | Edition, options: JsonLdOptions | None = None) -> bytes:
    """One article's NewsArticle, or an edition's ItemList of NewsArticles."""
    ed = source.edition if isinstance(source, Frame) else source
    docs = ed.documents
    data = dumps(article(docs[0]) if len(docs) == 1 else edition(ed))
    check(data, ed)
    return data


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _wanted(doc: Document) -> list[str]:
    """The title and every text block; a paragraph that calls notes, with its calls."""
    called = list(_called(doc.body))
    plain = {p.text for p in called}
    labels = _labels(doc)
    return [doc.meta.title.text, *(t for t in doc.text_blocks() if t not in plain)] + [
        marked(p, labels) for p in called
    ]


def check(data: bytes, ed: Edition) -> None:
    """Completeness gate: every article is there, with its title and every text block."""
    root = json.loads(data)
    found = [i["item"] for i in root["itemListElement"]] if root["@type"] == "ItemList" else [root]
    by_id = {a["@id"]: a for a in found}
    for doc in ed.documents:
        key = urn(doc.meta.archive_id)
        if key not in by_id:
            raise ExportError(f"{doc.meta.archive_id}: article missing from the JSON-LD")
        text = "\n".join(_strings(by_id[key]))
        missing = [t for t in _wanted(doc) if t not in text]
        if missing:
            raise ExportError(lost(doc, missing))


EXPORTER = Format(
    name="jsonld",
    suffix=".jsonld",
    description="schema.org NewsArticle JSON-LD (an ItemList for an edition), for search engines and data",
    Options=JsonLdOptions,
    render=render,
    check=check,
)
