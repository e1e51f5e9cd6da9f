"""NITF 3.6 (IPTC News Industry Text Format): one XML file per article, a zip of them for an edition."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from lxml import etree

from archiver.document.model import Document
from archiver.export import ExportError, Format
from archiver.export.edition import Edition, file_stem
from archiver.export.frame import Frame
from archiver.export.jsonld import lost, urn
from archiver.export.nitf_body import LEAVES, NS, add, content

VERSION = "-//IPTC//DTD NITF 3.6//EN"
# A change to what this module writes must bump RENDER_VERSION in export/cache.py (see jsonld.py).


@dataclass(frozen=True)
class NitfOptions:
    """NITF is data, not layout: no options."""


def norm(value: str, precision: str) -> str:
    """A date for NITF's `norm`, as precise as it is known: 2019 · 2019-04 · 20190425 · 20190425T1000+0200.

    NITF prefers YYYYMMDDTHHMMSS-HHMM and fills a missing time with T000000; that would claim a
    day and a midnight the source never gave, so a shorter date stays short (ISO 8601 reduced
    precision: a year-month keeps its hyphen, as ISO 8601 writes it in both forms).
    """
    if precision in ("year", "month"):
        return value
    day, _, time = value.partition("T")
    return day.replace("-", "") + ("T" + time.replace(":", "") if time else "")


def _head(root: Any, doc: Document) -> None:
    m, p = doc.meta, doc.provenance
    head = add(root, "head")
    add(head, "title", m.title.text, type="main")
    metas = [("archive-id", m.archive_id)] + [(f"id.{i.scheme}", i.value) for i in m.identifiers]
    metas += [(f"field.{name}", value) for name, value in m.fields]
    metas += [(f"date.{d.kind}", d.value) for d in m.dates if d.kind == "event"]
    metas += [(f"how.{name}", how) for name, how in _inferred(doc)]
    metas += [
        ("original.name", p.file_name),
        ("original.sha256", p.sha256),
        ("original.encoding", p.encoding),
        ("original.size", str(p.size)),
    ]
    for name, value in metas:
        add(head, "meta", name=name, content=value)
    docdata = add(head, "docdata")
    add(docdata, "doc-id", **{"id-string": m.archive_id, "regsrc": "archiver"})
    if doc.published:
        add(docdata, "date.issue", norm=norm(doc.published.value, doc.published.precision))
    if m.keywords:
        keys = add(docdata, "key-list")
        for word in m.keywords:
            add(keys, "keyword", key=word)
    if m.source or m.url:
        where = {"name": m.source.text} if m.source else {}
        add(head, "pubdata", **where, **({"ex-ref": m.url.text} if m.url else {}))
    for d in m.dates:
        if d.kind == "modified":
            add(head, "revision-history", norm=norm(d.value, d.precision), comment="modified")


def _inferred(doc: Document) -> list[tuple[str, str]]:
    """How each value not labelled in the source was found ("derived first-sentence 0.30")."""
    m = doc.meta
    values = [("title", m.title), ("language", m.language)] + [("author", a) for a in m.authors]
    values += [(n, v) for n in ("subtitle", "kicker", "byline", "dateline") if (v := getattr(m, n))]
    found = [(n, v.how) for n, v in values] + [(f"date.{d.kind}", d.how) for d in m.dates]
    return [(n, f"{h.origin} {h.method} {h.confidence:.2f}") for n, h in found if h.origin != "explicit"]


def _byline(parent: Any, doc: Document) -> None:
    """The byline as printed, each author in it marked as a person; authors it does not name follow."""
    m = doc.meta
    names = [a.text for a in m.authors]
    if m.byline:
        line = add(parent, "byline", m.byline.text)
        first = next((n for n in names if n in m.byline.text), None)
        if first:
            before, _, after = m.byline.text.partition(first)
            line.text = before
            add(line, "person", first).tail = after
            names.remove(first)
        names = [n for n in names if n not in m.byline.text]
    for name in names:
        add(add(parent, "byline"), "person", name)


def _body_head(body: Any, doc: Document) -> None:
    m = doc.meta
    head = add(body, "body.head")
    hedline = add(head, "hedline")
    add(hedline, "hl1", m.title.text)
    if m.subtitle:
        add(hedline, "hl2", m.subtitle.text)
    if m.kicker:
        add(hedline, "hl2", m.kicker.text, **{"class": "kicker"})
    _byline(head, doc)
    if m.publisher:
        add(head, "distributor", m.publisher.text)
    if m.dateline:
        add(head, "dateline", m.dateline.text)


def article(doc: Document) -> Any:
    """The NITF document of one article, as an lxml element."""
    root = etree.Element(f"{{{NS}}}nitf", nsmap={None: NS})
    root.set("version", VERSION)
    root.set("uno", urn(doc.meta.archive_id))
    root.set("baselang", doc.meta.language.text)
    _head(root, doc)
    body = add(root, "body")
    _body_head(body, doc)
    content(add(body, "body.content"), doc.body)
    if doc.meta.signature:
        add(add(body, "body.end"), "tagline", doc.meta.signature.text)
    return root


def to_bytes(root: Any) -> bytes:
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def _zip(ed: Edition) -> bytes:
    """One NITF file per article, named like `export --each` names them, with fixed entry times."""
    stamp = max(ed.modified().timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for doc in ed.documents:
            info = zipfile.ZipInfo(f"{file_stem(doc)}.xml", date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, to_bytes(article(doc)), compresslevel=9)
    return out.getvalue()


def render(source: Frame | Edition, options: NitfOptions | None = None) -> bytes:
    """One article as a NITF file; an edition of several as a zip of NITF files."""
    ed = source.edition if isinstance(source, Frame) else source
    docs = ed.documents
    data = to_bytes(article(docs[0])) if len(docs) == 1 else _zip(ed)
    check(data, ed)
    return data


def _files(data: bytes) -> list[bytes]:
    if not data.startswith(b"PK"):
        return [data]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [zf.read(name) for name in zf.namelist()]


def texts(root: Any) -> str:
    """The text of every block of a NITF document, one per line, note calls (their labels) left out."""
    copy = etree.fromstring(etree.tostring(root))
    for call in copy.iter(f"{{{NS}}}a"):
        call.text = ""
    return "\n".join("".join(e.itertext()) for e in copy.iter(*(f"{{{NS}}}{t}" for t in LEAVES)))


def check(data: bytes, ed: Edition) -> None:
    """Completeness gate: a file per article, with its headline and every text block."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    found = {}
    for raw in _files(data):
        root = etree.fromstring(raw, parser)
        found[root.get("uno", "")] = root
    for doc in ed.documents:
        root = found.get(urn(doc.meta.archive_id))
        if root is None:
            raise ExportError(f"{doc.meta.archive_id}: article missing from the NITF")
        text = texts(root)
        wanted = [doc.meta.title.text, *doc.text_blocks()]
        missing = [t for t in wanted if t not in text]
        if missing:
            raise ExportError(lost(doc, missing))


EXPORTER = Format(
    name="nitf",
    suffix=".xml",
    edition_suffix=".zip",
    description="NITF 3.6 news XML for newsroom systems (an edition: a zip of one file per article)",
    Options=NitfOptions,
    render=render,
    check=check,
)
