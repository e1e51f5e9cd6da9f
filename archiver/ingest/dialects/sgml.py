"""SGML-tagged newswire: Reuters-21578 (`<REUTERS>`, `<DATE>`, `<TITLE>`, `<BODY>`) and TREC/LDC `<DOC>`."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from archiver.document.model import DateValue, How, Identifier, Precision, Value
from archiver.ingest import dates
from archiver.ingest._text import xml_safe
from archiver.ingest.found import Found, split_names

MAX_DEPTH = 32  # newswire nests three or four deep; a deeper tag is kept as an empty element
# The document elements that open a file of this dialect, after an optional <!DOCTYPE …>.
_ROOTS = ("REUTERS", "DOC")
_OPENING = re.compile(r"\A\s{0,200}(?:<!DOCTYPE[^<>]{0,200}>\s{0,200})?<(REUTERS|DOC)(?=[\s>])", re.I)
_TAG = re.compile(r"<(/?)([A-Za-z][\w.-]{0,30})([^<>]{0,1000})>")
# Named and numeric character references; Reuters-21578 writes "&lt;PLMA>" and "&#3;".
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ATTRIBUTE_ID = re.compile(r"\b(?:NEWID|id)\s{0,9}=\s{0,9}\"([^\"]{1,100})\"", re.I)
_DATELINE_TAIL = re.compile(r"[\s\-–—]{0,20}\Z")

# Which element becomes which field; elements not named here are kept verbatim as fields.
_FIELD_TAGS = {
    "TITLE": "title", "HEADLINE": "title", "HEAD": "title", "HL": "title",
    "DATE": "date", "DATE_TIME": "date", "DATELINE": "dateline",
    "BYLINE": "byline", "AUTHOR": "byline", "DOCNO": "docno", "DOCID": "docno",
}  # fmt: skip
# Elements whose content is the article text (Reuters: BODY inside TEXT; TREC: TEXT with <P>s).
_BODY_TAGS = ("BODY", "TEXT", "LEADPARA")
_PARAGRAPH_TAGS = ("P",)
# The wire's sign-off on a line of its own at the story's end (" Reuter"): a paragraph of its own.
_SIGN_OFF = re.compile(r"\n[ \t]{0,9}(Reuters?|AP|AFP|UPI|dpa|ANP)[ \t]{0,9}\Z")
_WIRE_DOCNO = re.compile(r"^(?:AP|WSJ|SJMN)(\d\d)(\d\d)(\d\d)-\d{1,6}$")
_BY = re.compile(r"^\s*(?:By|BY|by)\s+")


@dataclass
class _Element:
    """One SGML element: its name, the attribute text as written and its children."""

    name: str
    attributes: str = ""
    children: list[_Element | str] = field(default_factory=list)


def _tree(text: str, consumed: list[str]) -> _Element:
    """A forgiving element tree: unclosed elements end with their parent, stray end tags are dropped."""
    root = _Element("#document")
    stack = [root]
    pos = 0
    for m in _TAG.finditer(text):
        if m.start() > pos:
            stack[-1].children.append(text[pos : m.start()])
        pos = m.end()
        closing, name = m.group(1) == "/", m.group(2).upper()
        consumed.append(m.group(0).replace(m.group(3), "", 1) if m.group(3) else m.group(0))
        if not closing:
            element = _Element(name, m.group(3).strip())
            stack[-1].children.append(element)
            if len(stack) <= MAX_DEPTH:  # deeper tags stay empty elements: recursion and lookups stay bounded
                stack.append(element)
        elif any(e.name == name for e in stack[1:]):
            while stack[-1].name != name:
                stack.pop()
            stack.pop()
    if pos < len(text):
        stack[-1].children.append(text[pos:])
    return root


def _decode(text: str, consumed: list[str]) -> str:
    """Character references decoded; the references as written are accounted as markup."""
    consumed.extend(m.group(0) for m in _ENTITY.finditer(text))
    return xml_safe(html.unescape(text)) if "&" in text else text


def _text_of(element: _Element, consumed: list[str]) -> str:
    """The element's text; child elements (Reuters' <D> lists) joined with "; "."""
    parts = [c if isinstance(c, str) else _text_of(c, consumed) for c in element.children]
    joiner = "; " if all(isinstance(c, _Element) for c in element.children) else ""
    return _decode(joiner.join(p for p in parts if p.strip()) if joiner else "".join(parts), consumed)


def _docno_date(found: Found) -> None:
    """With no DATE element, the day an LDC id carries ("AFP_ENG_19940512.0004")."""
    if any(d.kind == "published" for d in found.dates):
        return
    for ident in found.identifiers:
        parsed = dates.from_file_name(ident.value) or _wire_day(ident.value)
        if parsed:
            value, precision, raw = parsed
            found.dates.append(DateValue(value, precision, How("layout", "docno", 0.7), "published", raw))
            return


def _wire_day(docno: str) -> tuple[str, Precision, str] | None:
    """The day of a TREC id with a two-digit year: "AP890612-0158", "WSJ870324-0001"."""
    m = _WIRE_DOCNO.match(docno)
    if not m:
        return None
    year = ("19" if int(m.group(1)) >= 50 else "20") + m.group(1)
    parsed = dates.from_file_name(f"{year}-{m.group(2)}-{m.group(3)}")
    return (parsed[0], parsed[1], docno) if parsed else None


class Sgml:
    """One newswire story in SGML tags: metadata from the tags, the story from BODY or TEXT."""

    name = "sgml-newswire"
    description = "SGML newswire: <REUTERS> (Reuters-21578) or TREC/LDC <DOC> with <TEXT>"

    def sniff(self, text: str) -> float:
        return 0.98 if _OPENING.match(text) else 0.0

    def read(self, text: str, found: Found) -> str:
        m = _OPENING.match(text)
        if not m:
            return text
        found.consumed.append(text[: m.start(1) - 1])  # the DOCTYPE line, if any
        tree = _tree(text[m.start(1) - 1 :], found.consumed)
        root = next(c for c in tree.children if isinstance(c, _Element))
        body: list[str] = []
        self._attributes(root, found)
        self._walk(root, found, body)
        _docno_date(found)
        rest = [c for c in tree.children if c is not root]  # text after the story: kept as body
        body.extend(c if isinstance(c, str) else _text_of(c, found.consumed) for c in rest)
        story = "\n\n".join(p.strip("\n") for p in body if p.strip())
        return _SIGN_OFF.sub(r"\n\n\1", story)

    def _attributes(self, root: _Element, found: Found) -> None:
        if root.attributes:
            found.keep_field(root.name.lower(), root.attributes)
            m = _ATTRIBUTE_ID.search(root.attributes)
            if m:
                found.identifiers.append(Identifier(root.name.lower(), m.group(1)))

    def _walk(self, element: _Element, found: Found, body: list[str]) -> None:
        """Lift the metadata elements below `element`; collect the story's text in `body`."""
        for child in element.children:
            if isinstance(child, str):
                if child.strip():  # story text, or text loose between the root's elements: never lost
                    body.append(_decode(child, found.consumed))
            elif child.name in _BODY_TAGS + _PARAGRAPH_TAGS:
                self._walk(child, found, body)
            else:
                self._lift(child, found)

    def _lift(self, element: _Element, found: Found) -> None:
        """One metadata element into its field, or kept verbatim as a field of its own name."""
        value = " ".join(_text_of(element, found.consumed).split())
        kind = _FIELD_TAGS.get(element.name)
        how = How("explicit", f"sgml:{element.name}", 1.0)
        if element.attributes:
            found.keep_field(f"{element.name.lower()}-attributes", element.attributes)
        if not value:
            return
        if kind == "dateline":
            line = value[: _DATELINE_TAIL.search(value).start()]  # type: ignore[union-attr]
            if found.dateline is None and line:
                found.dateline = Value(line, how)
                found.lifted.append(line)
                found.consumed.append(value[len(line) :])  # the dash that ran into the story
                return
        elif kind == "byline" and found.byline is None:
            found.byline = Value(value, how)
            found.lifted.append(value)
            if not found.authors:
                found.authors = [Value(n, how) for n in split_names(_BY.sub("", value).split(",")[0])]
            return
        elif kind == "docno":
            found.identifiers.append(Identifier("docno", value))
            found.keep_field("docno", value)
            return
        elif kind in ("title", "date"):
            found.assign(kind, value, how)
            return
        found.keep_field(element.name.lower(), value)
