"""Language per block: an epigraph, quotation, verse or long paragraph in another language says so."""

from __future__ import annotations

import string
from collections.abc import Callable

from archiver.document.model import Block, Epigraph, Paragraph, Preformatted, Quote, texts_of
from archiver.ingest import language

# Letters a block needs before its language is believed: py3langid is unsure on a short line
# ("Heil dir! du junge Königin!" reads as several languages), and every call costs about a
# quarter of a millisecond (a tenth of ingesting a whole article), so ordinary paragraphs are
# asked only when long, quotes and verse (often signatures and quoted mail) when fairly long,
# and epigraphs, where another language is the rule, soonest.
MIN_LETTERS_EPIGRAPH = 40
MIN_LETTERS_QUOTE = 100
MIN_LETTERS_PARAGRAPH = 300
SURE = 0.95  # probability py3langid must give another language than the article's
SAMPLE = 1000  # characters of a block that are looked at: enough to be sure, and a bounded cost


# ASCII white space, digits and punctuation, and the common typographic marks: what is left of a
# text without them is (near enough) its letters, counted in one pass of str.translate.
_MARKS = "«»„“”‘’–—…\xa0"
_NOT_LETTERS = dict.fromkeys(map(ord, string.whitespace + string.digits + string.punctuation + _MARKS))


def _letters(text: str) -> int:
    return len(text.translate(_NOT_LETTERS))


def _head(texts: list[str]) -> str:
    """The first SAMPLE characters of the texts joined, without joining all of a long quote."""
    taken: list[str] = []
    size = 0
    for text in texts:
        if size >= SAMPLE:
            break
        taken.append(text[: SAMPLE - size])
        size += len(taken[-1]) + 1
    return " ".join(taken)[:SAMPLE]


def _own(texts: list[str], article: str, need: int) -> str:
    """The texts' language when it is surely not the article's, else ""."""
    sample = _head(texts)
    if _letters(sample) < need:
        return ""
    code, prob = language.detect(sample)
    return code if code != article and prob >= SURE else ""


def _paragraph(block: Paragraph, article: str) -> Block:
    if len(block.text) < MIN_LETTERS_PARAGRAPH:  # fewer characters, fewer letters: skip the count
        return block
    lang = _own([block.text], article, MIN_LETTERS_PARAGRAPH)
    return Paragraph(block.text, block.em, block.notes, lang) if lang else block


def _set_off(block: Block, article: str) -> Block:
    match block:
        case Epigraph(blocks, attribution, _):
            lang = _own(texts_of(blocks), article, MIN_LETTERS_EPIGRAPH)
            return Epigraph(blocks, attribution, lang) if lang else block
        case Quote(blocks, _):
            lang = _own(texts_of(blocks), article, MIN_LETTERS_QUOTE)
            return Quote(blocks, lang) if lang else block
        case Preformatted(text, em, _):
            lang = _own([text], article, MIN_LETTERS_QUOTE)
            return Preformatted(text, em, lang) if lang else block
    return block


MARKERS: dict[type, Callable[[Block, str], Block]] = {
    Paragraph: _paragraph,  # type: ignore[dict-item]
    Epigraph: _set_off,
    Quote: _set_off,
    Preformatted: _set_off,
}


def mark(blocks: list[Block], article: str) -> list[Block]:
    """The body's top-level blocks, each one surely in another language than `article` marked so."""
    return [MARKERS[type(b)](b, article) if type(b) in MARKERS else b for b in blocks]
