"""Footnotes in XHTML: EPUB 3 note references and asides with back links, and inline notes for print."""

from __future__ import annotations

import copy
from typing import Any

from lxml import etree

OPS = "http://www.idpf.org/2007/ops"
EPUB_TYPE = f"{{{OPS}}}type"
Element = Any


def note_anchor(prefix: str, note_id: str) -> str:
    """The id of a note's aside: unique in an edition, since the prefix is the article's."""
    return f"{prefix}-{note_id}"


def call_anchor(prefix: str, note_id: str) -> str:
    """The id of the reference that calls a note (where the note's back link leads)."""
    return f"{prefix}-ref-{note_id}"


def call(parent: Element, prefix: str, note_id: str, label: str) -> Element:
    """`<a epub:type="noteref" role="doc-noteref">` showing the source's label, linked to the note."""
    a = etree.SubElement(parent, "a")
    a.set(EPUB_TYPE, "noteref")
    a.set("role", "doc-noteref")
    a.set("class", "noteref")
    a.set("href", f"#{note_anchor(prefix, note_id)}")
    a.set("id", call_anchor(prefix, note_id))
    a.text = label
    return a


def aside(parent: Element, prefix: str, note_id: str) -> Element:
    """`<aside epub:type="footnote" role="doc-footnote">`: e-readers show it where it is called."""
    box = etree.SubElement(parent, "aside")
    box.set(EPUB_TYPE, "footnote")
    box.set("role", "doc-footnote")
    box.set("class", "note")
    box.set("id", note_anchor(prefix, note_id))
    return box


def backlink(box: Element, prefix: str, note_id: str, label: str) -> None:
    """The note's label at the head of its first paragraph, linked back to where it is called."""
    first = box[0] if len(box) and box[0].tag == "p" else None
    if first is None:
        first = etree.Element("p")
        box.insert(0, first)
    a = etree.Element("a")
    a.set("role", "doc-backlink")
    a.set("class", "note-label")
    a.set("href", f"#{call_anchor(prefix, note_id)}")
    a.text = label
    a.tail = " " + (first.text or "")
    first.text = None
    first.insert(0, a)


def for_print(root: Element) -> Element:
    """Each note moved to where it is called, as `<span class="footnote">`; `root` is changed and returned.

    Paged media sets an element with `float: footnote` at the foot of the page it is called on,
    so in print the note's text must stand at the call, not in an aside at the article's end.
    """
    asides = {box.get("id"): box for box in root.iter("aside") if box.get("role") == "doc-footnote"}
    for ref in list(root.iter("a")):
        box = asides.get((ref.get("href") or "")[1:]) if ref.get("role") == "doc-noteref" else None
        if box is None:
            continue
        note = etree.Element("span")
        note.set("class", "footnote")
        note.set("data-label", ref.text or "")
        for block in box:
            piece = etree.SubElement(note, "span", {"class": "note-block"})
            inner = copy.deepcopy(block)
            for link in inner.findall("a[@role='doc-backlink']"):
                _drop_keeping_tail(link)
            piece.text = inner.text
            piece.extend(list(inner))
            for key, value in inner.attrib.items():
                if key == "lang":
                    piece.set(key, value)
        note.tail = ref.tail
        ref.getparent().replace(ref, note)
    for box in asides.values():
        _drop_keeping_tail(box)
    return root


def _drop_keeping_tail(node: Element) -> None:
    """Remove `node`, its tail text kept where it stood."""
    parent = node.getparent()
    tail = (node.tail or "").lstrip() if node.get("role") == "doc-backlink" else node.tail
    prev = node.getprevious()
    if tail:
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(node)
