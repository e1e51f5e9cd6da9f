"""Where print may not hyphenate (acronyms, names, a paragraph's end); spaces moved into inline elements.

WeasyPrint hyphenates every word of six letters or more and has no `hyphenate-limit-last`, so
the printed copy of an article marks these words `<span class="nohy">` (print.css: hyphens:
manual): words in capitals (NATO, PASOK), capitalised words (names; not in German, where every
noun has a capital), and every word that ends within the last LAST_LINE characters of a
paragraph, so that its last line never starts with the tail of a split word. The EPUB keeps its
own text: reading systems hyphenate as they like.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from archiver.export.xhtml import Element, el

LAST_LINE = 75  # the longest line of any layout, in characters (pdf_layouts)
MIN_WORD = 6  # shorter words are never hyphenated (hyphenate-limit-chars: 6 3 3)
BLOCKS = ("p", "li", "figcaption", "dd", "dt")
NO_WORK = {"pre", "h1", "h2", "h3", "h4", "h5", "h6", "header", "code"}  # set without hyphenation anyway
WORD = re.compile(rf"[^\W\d_]{{{MIN_WORD},}}")  # a whole word that may break: MIN_WORD letters or more
NOUN_CAPITALS = ("de",)  # languages whose every noun starts with a capital: only acronyms are kept whole


def _kept(word: str, nouns_capitalised: bool) -> bool:
    if len(word) < MIN_WORD or not word[0].isupper():
        return False
    return not nouns_capitalised or sum(c.isupper() for c in word) >= 2


def _lang(node: Element) -> str:
    """The node's language: its own lang, or its nearest ancestor's."""
    for each in (node, *node.iterancestors()):
        if each.get("lang"):
            return str(each.get("lang"))
    return ""


def _slots(block: Element) -> Iterator[tuple[Element, str]]:
    """The block's own text slots in reading order: (node, "text" or "tail"); nested blocks and
    notes (which float away) are left to themselves."""
    yield block, "text"
    for child in block:
        if not isinstance(child.tag, str):
            yield child, "tail"
            continue
        if (
            child.tag not in BLOCKS
            and child.tag not in NO_WORK
            and "footnote" not in (child.get("class") or "")
        ):
            yield from _slots(child)
        yield child, "tail"


def _merge(text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Word ranges joined where nothing hyphenatable lies between them (spaces, punctuation, words
    of fewer than MIN_WORD letters): fewer spans, each a word's start to a word's end.

    Every span is a structure element of the tagged PDF: one span for a paragraph's last line
    instead of one per long word halves the structure tree and a third of the render time.
    """
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if out and not WORD.search(text, out[-1][1], start):
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _wrap(node: Element, slot: str, ranges: list[tuple[int, int]]) -> None:
    """Put the `ranges` of the node's text (or tail) into nohy spans."""
    text: str = getattr(node, slot) or ""
    pieces, at = [], 0
    for start, end in ranges:
        pieces.append((text[at:start], text[start:end]))
        at = end
    setattr(node, slot, pieces[0][0] if pieces else text)
    spans: list[Element] = []
    for i, (_, kept) in enumerate(pieces):
        span = el(None, "span", kept, cls="nohy")
        span.tail = pieces[i + 1][0] if i + 1 < len(pieces) else text[at:]
        spans.append(span)
    if not spans:
        return
    if slot == "text":
        node.insert(0, spans[0])
    else:
        node.addnext(spans[0])  # after the node's tail, which stays with it
    for before, span in pairwise(spans):
        before.addnext(span)  # one step each: inserting by index would walk the list every time


def _guard_block(block: Element, nouns_capitalised: bool) -> None:
    slots = [(node, slot, getattr(node, slot) or "") for node, slot in _slots(block)]
    left = sum(len(text) for _, _, text in slots)  # characters from a slot's start to the block's end
    plan = []
    for node, slot, text in slots:
        tail_from = left - LAST_LINE  # offsets in this slot from which words end in the last line
        ranges = [
            m.span()
            for m in WORD.finditer(text)
            if m.end() > tail_from or _kept(m.group(), nouns_capitalised)
        ]
        if ranges:
            plan.append((node, slot, _merge(text, ranges)))
        left -= len(text)
    for node, slot, ranges in plan:
        _wrap(node, slot, ranges)
    _lead_spaces(block)


def _lead_spaces(block: Element) -> None:
    """Move the space before each inline element into it.

    WeasyPrint (70) sets a line badly where an inline element follows a space: with hyphens on,
    the line before it can end early, leaving one word on a line of its own ("la / finale / de
    la Coupe … où les <em>Trico-</em>"). With the space inside the element the same break
    opportunity is found and set normally. Notes are left alone: their text floats away.
    """
    for child in list(block.iterdescendants()):
        if not isinstance(child.tag, str) or child.tag in BLOCKS or child.tag in NO_WORK:
            continue
        if "note" in (child.get("class") or ""):
            continue
        before = child.getprevious()
        text = (before.tail if before is not None else child.getparent().text) or ""
        if not text.endswith(" "):
            continue
        if before is not None:
            before.tail = text[:-1]
        else:
            child.getparent().text = text[:-1]
        child.text = " " + (child.text or "")


def guard(root: Element) -> Element:
    """Mark the words print must not hyphenate in an article's blocks; `root` is changed and returned."""
    for block in list(root.iter(*BLOCKS)):
        if any(a.tag in NO_WORK for a in block.iterancestors()):
            continue
        _guard_block(block, _lang(block).split("-")[0] in NOUN_CAPITALS)
    return root
