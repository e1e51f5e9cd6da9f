"""Document <-> canonical XML: the deterministic serializer and the safe reader."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from lxml import etree

from archiver.document.model import (
    DATE_KINDS,
    FIELDS,
    ORIGINS,
    PRECISIONS,
    Block,
    Break,
    DateValue,
    Document,
    Epigraph,
    Event,
    Figure,
    Heading,
    How,
    Identifier,
    ListBlock,
    Metadata,
    Note,
    Paragraph,
    Preformatted,
    Provenance,
    Quote,
    Repair,
    Shape,
    Value,
)
from archiver.errors import DocumentError

NS = "urn:archiver:article:1"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SCHEMA_VERSION = "1.0"

Element = Any  # lxml's _Element; lxml ships no type stubs


def q(name: str) -> str:
    """Qualified name of one of our elements: q("p") -> "{urn:archiver:article:1}p"."""
    return f"{{{NS}}}{name}"


def safe_parser() -> Any:
    """An XML parser with entities, DTDs and the network off."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_blank_text=False,  # inside <p>, a space between two <em> is text
    )


def parse_bytes(data: bytes, name: str = "document") -> Element:
    """Parse XML bytes safely; a syntax error becomes a DocumentError naming the document."""
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise DocumentError(f"{name}: not well-formed XML: {exc}") from exc


# ---------------------------------------------------------------- writing


def _sub(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    # the attributes in the order given, as setting them one by one would add them
    named = {key.replace("_", "-"): val for key, val in attrs.items()}
    el = etree.SubElement(parent, f"{{{NS}}}{tag}", named)
    if text is not None:
        el.text = text
    return el


def _conf(x: float) -> str:
    return f"{x:.2f}"


def _how_attrs(how: How) -> dict[str, str]:
    attrs: dict[str, str] = {"origin": how.origin}
    if how.method:
        attrs["method"] = how.method
    attrs["confidence"] = _conf(how.confidence)
    return attrs


def _value(parent: Element, name: str, value: Value | None) -> None:
    if value is not None:
        _sub(parent, name, value.text, **_how_attrs(value.how))


def _write_meta(parent: Element, meta: Metadata) -> None:
    m = _sub(parent, "meta")
    _sub(m, "id", meta.archive_id, scheme="archive")
    for ident in meta.identifiers:
        _sub(m, "id", ident.value, scheme=ident.scheme, **({"raw": ident.raw} if ident.raw else {}))
    for spec in FIELDS:
        value = getattr(meta, spec.name)
        _FIELD_TO_XML[spec.shape](m, spec.element, (value, getattr(meta, spec.how)) if spec.how else value)


def _values(parent: Element, name: str, values: list[Value]) -> None:
    for v in values:
        _value(parent, name, v)


def _dates(parent: Element, name: str, dates: list[DateValue]) -> None:
    for d in dates:
        attrs = {"type": d.kind, **_how_attrs(d.how)}
        if d.raw:
            attrs["raw"] = d.raw
        attrs["precision"] = d.precision
        _sub(parent, name, d.value, **attrs)


def _words(parent: Element, name: str, words: list[str] | tuple[list[str], How | None]) -> None:
    """One element a word; words that share a How (a header's keywords) carry it on each."""
    words, how = words if isinstance(words, tuple) else (words, None)
    attrs = _how_attrs(how) if how else {}
    for word in words:
        _sub(parent, name, word, **attrs)


def _pairs(parent: Element, name: str, pairs: list[tuple[str, str]]) -> None:
    for key, val in pairs:
        _sub(parent, name, val, name=key)


# How each shape of field (model.FIELDS) is written: one element per value.
_FIELD_TO_XML: dict[Shape, Callable[[Element, str, Any], None]] = {
    "value": _value,
    "values": _values,
    "dates": _dates,
    "words": _words,
    "pairs": _pairs,
}


def _lang(el: Element, lang: str) -> Element:
    """Mark an element's own language (a block in another language than the article)."""
    if lang:
        el.set(f"{{{XML_NS}}}lang", lang)
    return el


def _write_blocks(parent: Element, blocks: Sequence[Block]) -> Element:
    for inner in blocks:
        _write_block(parent, inner)
    return parent


def _write_block(parent: Element, block: Block) -> None:
    match block:
        case Paragraph(text, em, notes, lang):
            p = _lang(_sub(parent, "p"), lang)
            fill_mixed(p, text, em, q("em"), notes, lambda el, note: _sub(el, "noteref", note=note))
        case Heading(text, level):
            _sub(parent, "h", text, level=str(level))
        case Quote(blocks, lang):
            _write_blocks(_lang(_sub(parent, "quote"), lang), blocks)
        case ListBlock(items, ordered):
            lst = _sub(parent, "list", type="ordered" if ordered else "bullet")
            for item in items:
                _sub(lst, "item", item)
        case Figure(caption, credit, credit_label):
            fig = _sub(parent, "figure")
            _sub(fig, "caption", caption)
            if credit:
                _sub(fig, "credit", credit, **({"label": credit_label} if credit_label else {}))
        case Preformatted(text, em, lang):
            pre = _lang(_sub(parent, "pre"), lang)
            fill_mixed(pre, text, em, q("em"))
            pre.set(f"{{{XML_NS}}}space", "preserve")
        case Break():
            _sub(parent, "break")
        case Epigraph(blocks, attribution, lang):
            epigraph = _write_blocks(_lang(_sub(parent, "epigraph"), lang), blocks)
            if attribution:
                _sub(epigraph, "attribution", attribution)
        case Note(note_id, label, blocks, key):
            _write_blocks(
                _sub(parent, "note", id=note_id, label=label, **({"key": key} if key else {})), blocks
            )


def fill_mixed(
    el: Element,
    text: str,
    spans: Sequence[tuple[int, int]],
    tag: str,
    points: Sequence[tuple[int, str]] = (),
    make_point: Callable[[Element, str], Element] | None = None,
) -> None:
    """Fill `el` with `text`, each (start, end) span as a `tag` child (mixed content).

    Each (offset, key) of `points` (outside the spans) becomes the child `make_point(el, key)`
    makes there: a note reference, which has no text of the paragraph's own.
    """
    marks = sorted([(start, end, "") for start, end in spans] + [(at, at, key) for at, key in points])
    last: Element | None = None
    pos = 0
    for start, end, key in marks:
        if last is None:
            el.text = text[pos:start] or None
        else:
            last.tail = text[pos:start] or None
        if key and make_point is not None:
            last = make_point(el, key)
        else:
            last = etree.SubElement(el, tag)
            last.text = text[start:end]
        pos = end
    if last is None:
        el.text = text
    else:
        last.tail = text[pos:] or None


def _read_inline(el: Element) -> Paragraph:
    """Text, emphasis offsets and note calls back from mixed content, with its language."""
    text, em, notes = _mixed(el)
    return Paragraph(text, em, notes, el.get(f"{{{XML_NS}}}lang", ""))


def _mixed(el: Element) -> tuple[str, tuple[tuple[int, int], ...], tuple[tuple[int, str], ...]]:
    """Text, emphasis offsets and note calls back from mixed content (one pass: linear)."""
    parts, em, notes = [el.text or ""], [], []
    start = len(parts[0])
    for child in el:
        if child.tag == q("noteref"):
            notes.append((start, child.get("note", "")))
        else:
            inner = child.text or ""
            parts.append(inner)
            em.append((start, start + len(inner)))
            start += len(inner)
        parts.append(child.tail or "")
        start += len(parts[-1])
    return "".join(parts), tuple(em), tuple(notes)


def _write_provenance(parent: Element, prov: Provenance) -> None:
    p = _sub(parent, "provenance")
    _sub(
        p,
        "original",
        name=prov.file_name,
        size=str(prov.size),
        sha256=prov.sha256,
        encoding=prov.encoding,
        encoding_confidence=_conf(prov.encoding_confidence),
        newline=prov.newline,
        bom="true" if prov.bom else "false",
    )
    _sub(p, "dialect", name=prov.dialect, confidence=_conf(prov.dialect_confidence))
    for r in prov.repairs:
        _sub(p, "repair", r.detail, kind=r.kind, count=str(r.count))
    for e in prov.events:
        _sub(
            p,
            "event",
            type=e.kind,
            tool=e.tool,
            tool_version=e.tool_version,
            rules_version=e.rules_version,
            when=e.when,
        )


def to_element(doc: Document) -> Element:
    """Build the XML tree of a document."""
    root = etree.Element(q("article"), nsmap={None: NS})
    root.set("version", SCHEMA_VERSION)
    root.set(f"{{{XML_NS}}}lang", doc.meta.language.text)
    _write_meta(root, doc.meta)
    body = _sub(root, "body")
    for block in doc.body:
        _write_block(body, block)
    _label_calls(body)
    _write_provenance(root, doc.provenance)
    return root


def _label_calls(body: Element) -> None:
    """Each `<noteref>` given its note's label: the marker as the source wrote it ("[16]")."""
    labels = {note.get("id"): note.get("label") for note in body.iter(q("note"))}
    for ref in body.iter(q("noteref")):
        label = labels.get(ref.get("note"))
        if label is not None:
            ref.set("label", label)


def serialize(root: Element) -> bytes:
    """Deterministic bytes: UTF-8, XML declaration, two-space indent, LF, final newline.

    Mixed content (a <p> or <pre> with <em>) is exempt from indenting: its white space is text.
    """
    mixed = [(el, el.text, [c.tail for c in el]) for el in root.iter(q("p"), q("pre")) if len(el)]
    etree.indent(root, space="  ")
    for el, text, tails in mixed:
        el.text = text
        for child, tail in zip(el, tails, strict=True):
            child.tail = tail
    data: bytes = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + data


def to_bytes(doc: Document) -> bytes:
    """Serialize a document to canonical XML bytes."""
    return serialize(to_element(doc))


# ---------------------------------------------------------------- reading


def _how(el: Element) -> How:
    origin = el.get("origin", "explicit")
    if origin not in ORIGINS:
        raise DocumentError(f"unknown origin {origin!r}")
    return How(origin, el.get("method", ""), float(el.get("confidence", "1")))


def _read_date(d: Element) -> DateValue:
    precision, kind = d.get("precision"), d.get("type")
    if precision not in PRECISIONS or kind not in DATE_KINDS:
        raise DocumentError(f"a date of unknown precision {precision!r} or type {kind!r}")
    return DateValue(d.text, precision, _how(d), kind, d.get("raw", ""))


# How each shape of field (model.FIELDS) is read back from its elements.
_FIELD_FROM_XML: dict[Shape, Callable[[list[Element]], Any]] = {
    "value": lambda els: Value(els[0].text or "", _how(els[0])) if els else None,
    "values": lambda els: [Value(e.text, _how(e)) for e in els],
    "dates": lambda els: [_read_date(e) for e in els],
    "words": lambda els: [e.text for e in els],
    "pairs": lambda els: [(e.get("name"), e.text or "") for e in els],
}


def _read_meta(m: Element) -> Metadata:
    ids = m.findall(q("id"))
    archive_id = next(i.text for i in ids if i.get("scheme") == "archive")
    children: dict[str, list[Element]] = {}  # the meta's elements by tag, in document order (one walk)
    for child in m:
        children.setdefault(child.tag, []).append(child)
    values = {spec.name: _FIELD_FROM_XML[spec.shape](children.get(q(spec.element), [])) for spec in FIELDS}
    for spec in FIELDS:
        if spec.how:  # the How its words share, from the first that has one
            first = next((e for e in children.get(q(spec.element), []) if e.get("origin")), None)
            values[spec.how] = None if first is None else _how(first)
    title, language = values.pop("title"), values.pop("language")
    if title is None or language is None:
        raise DocumentError("document has no title or language")
    values["identifiers"] = [
        Identifier(i.get("scheme"), i.text, i.get("raw", "")) for i in ids if i.get("scheme") != "archive"
    ]
    return Metadata(archive_id=archive_id, title=title, language=language, **values)


def _read_block(el: Element) -> Block:
    tag = etree.QName(el).localname
    reader = _BLOCK_FROM_XML.get(tag)
    if reader is None:
        raise DocumentError(f"unknown body element <{tag}>")
    return reader(el)


def _read_figure(el: Element) -> Figure:
    credit = el.find(q("credit"))
    caption = el.findtext(q("caption")) or ""
    if credit is None:
        return Figure(caption)
    return Figure(caption, credit.text or "", credit.get("label", ""))


_BLOCK_FROM_XML: dict[str, Callable[[Element], Block]] = {
    "p": _read_inline,
    "h": lambda el: Heading(el.text or "", int(el.get("level", "2"))),
    "quote": lambda el: Quote(_read_blocks(el), el.get(f"{{{XML_NS}}}lang", "")),
    "list": lambda el: ListBlock(tuple(i.text or "" for i in el), el.get("type") == "ordered"),
    "figure": lambda el: _read_figure(el),
    "pre": lambda el: Preformatted(*_mixed(el)[:2], el.get(f"{{{XML_NS}}}lang", "")),
    "break": lambda el: Break(),
    "epigraph": lambda el: Epigraph(
        _read_blocks(el), el.findtext(q("attribution")) or "", el.get(f"{{{XML_NS}}}lang", "")
    ),
    "note": lambda el: Note(el.get("id", ""), el.get("label", ""), _read_blocks(el), el.get("key", "")),
}


def _read_blocks(el: Element) -> tuple[Block, ...]:
    """The blocks inside a container element (an epigraph's attribution is not one)."""
    return tuple(_read_block(c) for c in el if c.tag != q("attribution"))


def _read_provenance(p: Element) -> Provenance:
    o = p.find(q("original"))
    d = p.find(q("dialect"))
    return Provenance(
        file_name=o.get("name"),
        size=int(o.get("size")),
        sha256=o.get("sha256"),
        encoding=o.get("encoding"),
        encoding_confidence=float(o.get("encoding-confidence")),
        newline=o.get("newline"),
        bom=o.get("bom") == "true",
        dialect=d.get("name"),
        dialect_confidence=float(d.get("confidence")),
        repairs=[Repair(r.get("kind"), int(r.get("count")), r.text or "") for r in p.findall(q("repair"))],
        events=[
            Event(
                e.get("type"),
                e.get("tool"),
                e.get("tool-version"),
                e.get("rules-version"),
                e.get("when"),
            )
            for e in p.findall(q("event"))
        ],
    )


def from_element(root: Element) -> Document:
    """Read a document back from its XML tree (assumed valid)."""
    if root.tag != q("article"):
        raise DocumentError(f"root element is {root.tag}, not an archiver article")
    try:
        return Document(
            meta=_read_meta(root.find(q("meta"))),
            body=[_read_block(el) for el in root.find(q("body"))],
            provenance=_read_provenance(root.find(q("provenance"))),
        )
    except (AttributeError, TypeError, ValueError, StopIteration) as exc:
        raise DocumentError(f"document is incomplete: {exc}") from exc


def from_bytes(data: bytes, name: str = "document") -> Document:
    """Parse canonical XML bytes into a Document."""
    return from_element(parse_bytes(data, name))
