"""Folds attribute-less Span structure elements into their parents before WeasyPrint writes a PDF.

WeasyPrint tags every text box (a line's piece of text in one style) as a Span structure element
holding one marked-content id, and every HTML `<span>` (the hyphenation guards) as another: about
three quarters of an edition's structure elements, each an object the assembler copies, holds
and writes. A Span without attributes says nothing its parent does not (ISO 32000-1, 14.8.4.4:
an inline element with no attributes), so its content moves up: the parent's /K gets the Span's
kids where the Span was, the ParentTree maps its marked-content ids to the parent, and its child
elements name the parent as /P. Only Spans on their parent's page are folded (a bare
marked-content id belongs to its element's /Pg). The folded objects stay numbered (pydyf's
references are already written out) as `null`, which no one refers to, so a saved copy drops them.
"""

from __future__ import annotations

import functools
from typing import Any

PLAIN_SPAN = frozenset({"Type", "S", "K", "Pg", "P"})  # the keys of a Span with nothing of its own


@functools.cache
def _null_class() -> Any:
    """pydyf's object class for a PDF null (what a folded element's object number now holds)."""
    import pydyf

    class Null(pydyf.Object):  # type: ignore[misc]
        @property
        def data(self) -> bytes:
            return b"null"

    return Null


def _number(reference: Any) -> int:
    return int(bytes(reference).split(b" ", 1)[0])


def _element(objects: Any, kid: Any) -> bool:
    """Whether `kid` is a reference to a structure element (not an annotation's object reference)."""
    import pydyf

    if not isinstance(kid, bytes):
        return False
    target = objects[_number(kid)]
    return isinstance(target, pydyf.Dictionary) and target.get("Type") == "/StructElem"


def fold_spans(pdf: Any) -> int:
    """Fold the plain Spans of pydyf document `pdf` (tagged by WeasyPrint) into their parents; how many."""
    import pydyf

    objects = pdf.objects
    root_ref = pdf.catalog.get("StructTreeRoot")
    if root_ref is None:
        return 0
    tree = objects[_number(objects[_number(root_ref)]["ParentTree"])]["Nums"]
    pages = {bytes(ref): i for i, ref in enumerate(pdf.page_references)}
    marks = {tree[i]: tree[i + 1] for i in range(0, len(tree), 2) if isinstance(tree[i + 1], pydyf.Array)}
    owners = {bytes(tree[i + 1]) for i in range(0, len(tree), 2) if isinstance(tree[i + 1], bytes)}
    folded = 0
    for span in reversed(objects):  # children before parents: a span's inner spans fold into it first
        if not (
            isinstance(span, pydyf.Dictionary) and span.get("S") == "/Span" and span.keys() == PLAIN_SPAN
        ):
            continue
        parent = objects[_number(span["P"])]
        page = pages.get(bytes(span["Pg"]))
        mapped = marks.get(page)
        if parent.get("Pg") != span["Pg"] or mapped is None or span.reference in owners:
            continue  # a link's annotation names the span itself: it stays
        kids = list(span["K"])
        ids = [kid for kid in kids if isinstance(kid, int)]
        if not all(isinstance(kid, int) or _element(objects, kid) for kid in kids) or any(
            kid >= len(mapped) or mapped[kid] != span.reference for kid in ids
        ):
            continue  # not the mapping WeasyPrint writes: leave it
        at = parent["K"].index(span.reference)
        parent["K"][at : at + 1] = kids
        for kid in ids:
            mapped[kid] = parent.reference
        for kid in kids:
            if not isinstance(kid, int):
                objects[_number(kid)]["P"] = parent.reference
        null = _null_class()()
        null.number = span.number
        objects[span.number] = null
        folded += 1
    return folded
