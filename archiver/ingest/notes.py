"""Footnotes: "[Footnote 3: …]" blocks become notes, "[3]" / "[*]" markers the calls that link to them."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter, deque
from collections.abc import Callable

from archiver.document.model import Block, Epigraph, Note, Paragraph, Quote
from archiver.errors import Problem
from archiver.ingest.found import Found

# "[Footnote 3:" (Project Gutenberg's form) at the start of a block; "Note" and "Fn" are seen too.
# The key word and the label are kept on the note (`key`, `label`); only brackets and colon are markup.
_NOTE_START = re.compile(r"\[(Footnote|Note|Fn)\s+(\d{1,4}|[*†‡]|[A-Za-z])\s*:\s*")
# A call: "[3]" or "[*]" right after a word or punctuation (a "[3]" after a space is a reference
# number in a list or a citation style of its own, and stays text).
_MARKER = re.compile(r"(?<=[^\s\[])\[(\d{1,4}|[*†‡])\]")
MAX_NOTE_BLOCKS = 20  # raw blocks one note may span before its closing "]" is given up on
SHOWN = 10  # labels named in one problem line; the rest are counted


def merge_blocks(raw: list[list[str]]) -> list[list[str]]:
    """Raw blocks with a note that spans blank lines ("[Footnote 1: …⏎⏎…]") joined into one block.

    The blank lines are kept as empty lines, so the note's own paragraphs can be found again.
    """
    out: list[list[str]] = []
    i = 0
    while i < len(raw):
        block = raw[i]
        if _NOTE_START.match(block[0]) and not block[-1].endswith("]"):
            ahead = range(i + 1, min(len(raw), i + MAX_NOTE_BLOCKS))
            end = next((j for j in ahead if raw[j][-1].endswith("]")), None)
            if end is not None:
                merged = list(block)
                for part in raw[i + 1 : end + 1]:
                    merged += ["", *part]
                out.append(merged)
                i = end + 1
                continue
        out.append(block)
        i += 1
    return out


def note_text(block: list[str]) -> tuple[str, str, str] | None:
    """(label, opening as written, inner text) of a raw note block, or None if it is not one."""
    m = _NOTE_START.match(block[0])
    if m is None or not block[-1].endswith("]"):
        return None
    lines = [block[0][m.end() :], *block[1:]]
    lines[-1] = lines[-1][:-1]
    return m.group(2), m.group(0), "\n".join(lines)


def key_of(opening: str) -> str:
    """The key word of a note's opening as written: "Footnote" in "[Footnote 3: "."""
    m = _NOTE_START.match(opening)
    return m.group(1) if m else ""


def markup_of(opening: str) -> str:
    """What of a note's opening is markup: all but its key word and label ("[Footnote 3: " → "[ :")."""
    m = _NOTE_START.match(opening)
    if m is None:
        return opening
    return opening[: m.start(1)] + opening[m.end(1) : m.start(2)] + opening[m.end(2) :]


def link(blocks: list[Block], found: Found) -> list[Block]:
    """Number the notes and turn the markers that call them into note references.

    Markers and notes pair up by label, in order; a marker with no note and a note that no
    marker calls stay text, and each is reported (`note-unmatched`). Until then, a note's id
    holds its opening as written ("[Footnote 4: "), so that it can become text again; a linked
    note keeps its key word, and its label stands for its call's label too.
    """
    notes = [b for b in blocks if isinstance(b, Note)]
    if not notes and not any("[" in text for text in _paragraph_texts(blocks)):
        return blocks
    openings: dict[str, str] = {}
    pending: dict[str, deque[str]] = {}
    numbered: list[Block] = []
    for block in blocks:
        if isinstance(block, Note):
            note_id = f"n{len(openings) + 1}"
            openings[note_id] = block.id
            pending.setdefault(block.label, deque()).append(note_id)
            block = Note(note_id, block.label, block.blocks, key_of(block.id))
        numbered.append(block)
    orphans: Counter[str] = Counter()
    linked = [_call(b, pending, orphans, found) for b in numbered]
    if orphans:
        found.problems.append(_problem("marker", "calls no note", list(orphans)))
    uncalled = {note_id for ids in pending.values() for note_id in ids}
    out: list[Block] = []
    labels: list[str] = []
    for block in linked:
        if isinstance(block, Note) and block.id in uncalled:
            out.extend(_as_text(block, openings[block.id]))
            labels.append(block.label)
        else:
            out.append(block)
    if labels:
        found.problems.append(_problem("note", "is called by no marker", labels))
    return out


def _problem(kind: str, what: str, labels: list[str]) -> Problem:
    """One line for all unmatched markers (or notes): "marker [4] calls no note; kept as text"."""
    named = ", ".join(f"[{label}]" for label in labels[:SHOWN])
    more = f" and {len(labels) - SHOWN} more" if len(labels) > SHOWN else ""
    if len(labels) > 1:
        kind, what = kind + "s", what.replace("calls", "call").replace("is called", "are called")
    return Problem("note-unmatched", f"{kind} {named}{more} {what}; kept as text")


def _paragraph_texts(blocks: list[Block] | tuple[Block, ...]) -> list[str]:
    """The texts in which markers may stand: paragraphs, also inside quotes and epigraphs."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block.text)
        elif isinstance(block, Quote | Epigraph):
            out += _paragraph_texts(block.blocks)
    return out


def _as_text(note: Note, opening: str) -> list[Block]:
    """A note nobody calls, back as the text it was: its opening and closing bracket restored.

    They stay listed as consumed markup too: the text check asks only that nothing is missing.
    """
    blocks = list(note.blocks)
    first, last = blocks[0], blocks[-1]
    if isinstance(first, Paragraph):
        shift = len(opening)
        em = tuple((s + shift, e + shift) for s, e in first.em)
        blocks[0] = Paragraph(opening + first.text, em, first.notes, first.lang)
    else:
        blocks.insert(0, Paragraph(opening.strip()))
    last = blocks[-1]
    if isinstance(last, Paragraph):
        blocks[-1] = Paragraph(last.text + "]", last.em, last.notes, last.lang)
    else:
        blocks.append(Paragraph("]"))
    return blocks


def _call(block: Block, pending: dict[str, deque[str]], orphans: Counter[str], found: Found) -> Block:
    """The block with each marker that has a note waiting replaced by a reference to it."""
    inner: Callable[[Block], Block] = lambda b: _call(b, pending, orphans, found)  # noqa: E731
    match block:
        case Paragraph() if "[" in block.text:
            return _mark(block, pending, orphans, found)
        case Quote(blocks, lang):
            return Quote(tuple(map(inner, blocks)), lang)
        case Epigraph(blocks, attribution, lang):
            return Epigraph(tuple(map(inner, blocks)), attribution, lang)
    return block


def _mark(par: Paragraph, pending: dict[str, deque[str]], orphans: Counter[str], found: Found) -> Paragraph:
    """Markers outside emphasis removed from the text and recorded as (offset, note id)."""
    text = par.text
    starts = [s for s, _ in par.em]  # spans are in order and do not overlap
    parts: list[str] = []
    calls = list(par.notes)
    cuts: list[tuple[int, int]] = []  # (where in the source text, how many characters) per marker
    pos = removed = 0
    for m in _MARKER.finditer(text):
        waiting = pending.get(m.group(1))
        if not waiting:
            orphans[m.group(1)] += 1
            continue
        span = bisect_right(starts, m.start()) - 1
        if span >= 0 and m.start() < par.em[span][1]:
            continue  # inside emphasis: no element of ours may cut an <em> in two
        parts.append(text[pos : m.start()])
        calls.append((m.start() - removed, waiting.popleft()))
        found.consumed.append("[]")  # the label is kept on the call (`<noteref label>`)
        cuts.append((m.start(), len(m.group(0))))
        removed += len(m.group(0))
        pos = m.end()
    if not cuts:
        return par
    parts.append(text[pos:])
    # A span moves left by the size of the markers cut before it (none is inside it).
    at = [where for where, _ in cuts]
    before = [0]
    for _, size in cuts:
        before.append(before[-1] + size)
    em = tuple((s - before[bisect_left(at, s)], e - before[bisect_left(at, s)]) for s, e in par.em)
    return Paragraph("".join(parts), em, tuple(sorted(calls)), par.lang)
