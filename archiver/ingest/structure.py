"""Body text to blocks: paragraphs, subheadings, quotes, lists, figures, verse, breaks, notes, epigraphs."""

from __future__ import annotations

import re
from collections.abc import Callable

from archiver.document.model import (
    Block,
    Break,
    Figure,
    Heading,
    How,
    ListBlock,
    Note,
    Paragraph,
    Quote,
    Value,
)
from archiver.ingest import epigraphs, furniture, inline, notes
from archiver.ingest.found import Found
from archiver.ingest.lines import (
    MAX_TEXT,
    Layout,
    adorned,
    blocks_of,
    chunk_lines,
    compounds,
    is_verse,
    join_lines,
    layout_of,
    split_long,
    split_paragraphs,
)

MAX_QUOTE_DEPTH = 16  # deeper ">" marks stay text: XML readers refuse deep trees, and so would recursion
_SPLIT = f"text runs over {MAX_TEXT:,} characters split into several blocks (XML readers refuse huge ones)"
MAX_HEADING = 1000  # characters; a longer "# …" or underlined line is prose, not a heading
_BREAK = re.compile(r"^\s*(?:([*\-_=~#·•])\s*)(?:\1\s*){2,}$")
# Only the opening hashes: the closing ones are stripped in code, because `(.+?)\s*#*$` retries
# the tail at every character and costs the square of the line.
_ATX_OPEN = re.compile(r"(#{1,6})\s+")
_SETEXT = re.compile(r"^(=+|-+)$")
_ITEM = re.compile(r"^\s*(?:([-*•–+])|(\d{1,3})[.)])\s+(\S.*)$")
_QUOTE = re.compile(r"^\s*>")
_HEADING_BAD_END = re.compile(r"[.,;:!…\"'”’»)\]\-–—]$")
_HEADING_BAD_START = re.compile(r"^[-–—\"'“‘«„(\[*•>]")
# A section number alone on its line: "I.", "XIV", "3.", "§ 3".
_SECTION_NUMBER = re.compile(r"(?:[IVXLC]{1,8}|\d{1,3}|§ ?\d{1,4})\.?")  # of the stripped line
# A line wholly in parentheses, "(Eene schets uit de provincie)." or "(Translated by …)".
_PARENTHESISED = re.compile(r"\(([^()]{1,200}[^()\s.!?;,:])\)\.?")  # of the stripped line
MAX_CAPS_WORDS = 8  # a line in capitals up to this long is a heading ("EEN PROLOOG.")

# One rule per block kind, tried in order; the first that returns blocks wins.
BlockRule = Callable[[list[str], "Context"], list[Block] | None]


class Context:
    """What block readers share: the layout, the known compounds and the accounting lists."""

    def __init__(self, text: str, layout: Layout, found: Found, depth: int = 0) -> None:
        self.compounds = compounds(text)
        self.layout = layout
        self.found = found
        self.depth = depth  # how many quotes this text is inside
        self.index = 0  # of the raw block being read

    @property
    def at_start(self) -> bool:
        """Whether the block being read opens the body (not a quote's or a note's)."""
        return self.depth == 0 and self.index == 0

    def join(self, lines: list[str]) -> str:
        return join_lines(lines, self.compounds, self.found.consumed)


HEAD_BLOCKS = 8  # dated keys ("Ausfertigungsdatum: …") are looked for among the body's first blocks


def _dated_key(block: list[str], ctx: Context) -> list[Block] | None:
    """A "Ausfertigungsdatum: 18.08.1896" block near the top: a date of the text, not a block."""
    if ctx.depth or ctx.index >= HEAD_BLOCKS or not furniture.take_dated_key(block, ctx.found):
        return None
    return []


def _break(block: list[str], ctx: Context) -> list[Block] | None:
    if len(block) == 1 and _BREAK.match(block[0]):
        ctx.found.consumed.append(block[0])
        return [Break()]
    return None


def _quote(block: list[str], ctx: Context) -> list[Block] | None:
    if not all(_QUOTE.match(line) for line in block):
        return None
    if ctx.depth >= MAX_QUOTE_DEPTH:
        ctx.found.note_once(
            "too-complex", f"quotes nest deeper than {MAX_QUOTE_DEPTH}; deeper '>' kept as text"
        )
        return None
    inner = []
    for line in block:
        stripped = line.lstrip()[1:]
        ctx.found.consumed.append(">")
        inner.append(stripped[1:] if stripped.startswith(" ") else stripped)
    blocks = parse_blocks("\n".join(inner), ctx.found, ctx.layout, ctx.depth + 1)
    if not blocks:  # only bare ">" marks: keep them as text
        return _undo(ctx, len(block))
    return [Quote(tuple(blocks))]


def _atx_title(rest: str) -> str:
    """The title of an ATX heading after its opening hashes: closing hashes and spaces go."""
    title = rest.rstrip("#").rstrip()
    return title or rest[:1]  # "# ##" is titled "#", as CommonMark's lazy match would have it


def _atx(block: list[str], ctx: Context) -> list[Block] | None:
    m = _ATX_OPEN.match(block[0]) if len(block) == 1 and len(block[0]) <= MAX_HEADING else None
    if not m or m.end() == len(block[0]):
        return None
    title = _atx_title(block[0][m.end() :])
    ctx.found.consumed.append(block[0].replace(title, "", 1))
    return [Heading(title, min(6, max(2, len(m.group(1)))))]


def _setext(block: list[str], ctx: Context) -> list[Block] | None:
    if len(block) != 2 or len(block[1]) < 3 or len(block[0]) > MAX_HEADING:
        return None
    styles = ctx.found.adornments
    if styles is not None and ctx.depth == 0 and adorned(block[1]) and not adorned(block[0]):
        # reStructuredText: each new style is a level down, as docutils numbers sections
        char = block[1][0]
        if char not in styles:
            styles.append(char)
        ctx.found.consumed.append(block[1])
        return [Heading(block[0].strip(), min(6, 2 + styles.index(char)))]
    if not _SETEXT.match(block[1]):
        return None
    ctx.found.consumed.append(block[1])
    return [Heading(block[0].strip(), 2 if block[1][0] == "=" else 3)]


def _section_number(line: str, ctx: Context) -> list[Block] | None:
    return [Heading(line, 2)] if _SECTION_NUMBER.fullmatch(line) else None


_WIRE_CREDIT = re.compile(r"(?i)\b(?:reporting|editing|writing|compiled|additional reporting) by\b")


def _parenthesised(line: str, ctx: Context) -> list[Block] | None:
    """A line in parentheses: the subtitle when it opens the body, else a heading of its own."""
    m = _PARENTHESISED.fullmatch(line)
    if m is None or not 2 <= len(m.group(1).split()) <= 14 or ":" in m.group(1):
        return None  # "(Reuters)" and "(foto: ANP)" are credits, which the figure reader wants
    if ";" in m.group(1) or _WIRE_CREDIT.search(m.group(1)):
        return None  # "(Reporting by Ann Lee; Editing by Bob Kay)": the wire's credits, a paragraph
    if furniture.CREDIT_LINE.match(line) or furniture.CREDIT_PAREN.match(line):
        return None
    ctx.found.consumed.append(line.replace(m.group(1), "", 1))
    if ctx.at_start and ctx.found.subtitle is None:
        ctx.found.subtitle = Value(m.group(1), How("layout", "parenthesised-line", 0.8))
        ctx.found.lifted.append(m.group(1))
        return []
    return [Heading(m.group(1), 3)]


def _caps_line(line: str, ctx: Context) -> list[Block] | None:
    """A short line all in capitals ("EEN PROLOOG.", "IN »POETS CORNER.\"") is a heading."""
    if not epigraphs.is_caps(line, MAX_CAPS_WORDS) or line[-1:] in "-:":
        return None
    if furniture.DATE_LINE.match(line) or furniture.BYLINE.match(line):
        return None
    return [Heading(line, 2)]


# Readers of a short line standing alone at the top level, tried in order.
LINE_RULES: tuple[Callable[[str, Context], list[Block] | None], ...] = (
    _section_number,
    _parenthesised,
    _caps_line,
)


def _heading_line(block: list[str], ctx: Context) -> list[Block] | None:
    """A section number ("II."), a line in parentheses or a line in capitals, alone on its line."""
    if ctx.depth or len(block) != 1 or len(block[0]) > epigraphs.MAX_LINE:
        return None  # the cheap tests first: this runs on every block
    line = block[0].strip()
    for rule in LINE_RULES:
        result = rule(line, ctx)
        if result is not None:
            return result
    return None


def _note(block: list[str], ctx: Context) -> list[Block] | None:
    found = notes.note_text(block) if ctx.depth == 0 and block[0].startswith("[") else None
    if found is None:
        return None
    label, opening, inner = found
    blocks = parse_blocks(inner, ctx.found, ctx.layout, ctx.depth + 1)
    if not blocks:
        return None
    ctx.found.consumed += [notes.markup_of(opening), "]"]  # key and label are kept on the note
    return [Note(opening, label, tuple(blocks))]  # `notes.link` gives it its id


def _list(block: list[str], ctx: Context) -> list[Block] | None:
    first = _ITEM.match(block[0])
    if not first:
        return None
    ordered = first.group(2) is not None
    items: list[list[str]] = []
    for line in block:
        m = _ITEM.match(line)
        if m and (m.group(2) is not None) == ordered:
            ctx.found.consumed.append(line[: m.start(3)])
            items.append([m.group(3)])
        elif line[:1] in (" ", "\t") and items:
            items[-1].append(line)
        else:
            return _undo(ctx, len(items))
    if len(items) < 2:
        return _undo(ctx, len(items))
    hyphens: list[str] = []  # kept apart until the list is sure: _undo takes back the last entries
    texts = [join_lines(item, ctx.compounds, hyphens) for item in items]
    if max(map(len, texts)) > MAX_TEXT:
        return _undo(ctx, len(items))  # an item too long for one text node is read as prose (and split)
    ctx.found.consumed.extend(hyphens)
    return [ListBlock(tuple(texts), ordered)]


def _undo(ctx: Context, n: int) -> list[Block] | None:
    """Take back markup recorded by a reader that then declined the block (returns None)."""
    if n:
        del ctx.found.consumed[-n:]
    return None


def _verse(block: list[str], ctx: Context) -> list[Block] | None:
    if not is_verse(block, ctx.layout):
        return None
    chunks = chunk_lines(block)
    if len(chunks) > 1:
        ctx.found.note_once("too-complex", _SPLIT)
    return [inline.verse("\n".join(lines), ctx.found.consumed) for lines in chunks]


def _prose(block: list[str], ctx: Context) -> list[Block] | None:
    parts = split_paragraphs(block, ctx.layout)
    texts = [piece for part in parts for piece in split_long(ctx.join(part))]
    if len(texts) > len(parts):
        ctx.found.note_once("too-complex", _SPLIT)
    return [inline.emphasis(text, ctx.found.consumed) for text in texts]


BLOCK_RULES: tuple[BlockRule, ...] = (
    _dated_key,
    _break,
    _note,
    _quote,
    _atx,
    _setext,
    _heading_line,
    _list,
    _verse,
    _prose,
)


def parse_blocks(text: str, found: Found, layout: Layout | None = None, depth: int = 0) -> list[Block]:
    """Blocks of a body text, before headings, figures and furniture are recognised."""
    raw = blocks_of(text)
    if "[" in text:
        raw = notes.merge_blocks(raw)
    ctx = Context(text, layout or layout_of(raw), found, depth)
    out: list[Block] = []
    i = 0

    def inner(text: str) -> list[Block]:
        return parse_blocks(text, found, ctx.layout, depth + 1)

    while i < len(raw):
        ctx.index = i
        taken = epigraphs.take(raw, i, depth, inner) if i + 2 < len(raw) and len(raw[i + 1]) == 1 else None
        if taken is not None:
            out.append(taken)
            i += 2
            continue
        for rule in BLOCK_RULES:
            result = rule(raw[i], ctx)
            if result is not None:
                out.extend(result)
                break
        i += 1
    found.hyphen_guesses.update(ctx.compounds.guesses)
    return out


def is_heading(text: str) -> bool:
    """A short line with no closing punctuation that starts like a title."""
    if len(text) > 100:
        return False
    words = text.split()
    if not 1 <= len(words) <= 14:
        return False
    if _HEADING_BAD_END.search(text) or _HEADING_BAD_START.match(text):
        return False
    if text.endswith("?") and len(words) > 8:
        return False  # a long question is a sentence, not a subheading
    if furniture.DATE_LINE.match(text) or furniture.BYLINE.match(text):
        return False
    return text[:1].isupper() or text[:1].isdigit() or text.startswith("§ ")  # "§ 1 Zweck"


def _headings(blocks: list[Block]) -> list[Block]:
    """A one-line paragraph between two paragraphs is a subheading."""
    out: list[Block] = []
    for i, block in enumerate(blocks):
        prev_ok = i > 0 and not isinstance(out[-1], Heading)
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if (
            isinstance(block, Paragraph)
            and prev_ok
            and isinstance(nxt, Paragraph | Figure | Quote | ListBlock)
            and is_heading(block.text)
        ):
            out.append(Heading(block.text, 2))
        else:
            out.append(block)
    return out


def _figures(blocks: list[Block], found: Found) -> list[Block]:
    """Paragraphs that end in a photo credit, or are followed by a credit line, are figures."""
    out: list[Block] = []
    for block in blocks:
        if not isinstance(block, Paragraph):
            out.append(block)
            continue
        credit = furniture.credit_line(block.text, found.consumed)
        if credit is not None and out and isinstance(out[-1], Paragraph):
            out[-1] = Figure(out[-1].text, *credit)
            continue
        if credit is not None:
            found.consumed.pop()
        split = furniture.split_credit(block.text, found.consumed)
        out.append(Figure(*split) if split else block)
    return out


def _furniture(blocks: list[Block], found: Found) -> list[Block]:
    """Lift bylines, date lines and datelines from the first few paragraphs (and a closing byline)."""
    out: list[Block] = []
    for i, block in enumerate(blocks):
        early = i < 4
        last = i == len(blocks) - 1
        if isinstance(block, Paragraph) and (early or last):
            if furniture.take_byline(block.text, found):
                continue
            if early and furniture.take_published_line(block.text, found):
                continue
            if early and furniture.take_date_line(block.text, found):
                continue
            if early:
                rest = furniture.take_dateline(block.text, found)
                if rest != block.text:
                    block = Paragraph(rest, inline.shift(block.em, len(block.text) - len(rest)))
        out.append(block)
    return out


def parse(text: str, found: Found) -> list[Block]:
    """The body blocks of an article, with furniture lifted into `found` and notes linked."""
    blocks = parse_blocks(text, found)
    blocks = _furniture(blocks, found)
    blocks = furniture.captions(_figures(blocks, found))
    return notes.link(_headings(blocks), found)
