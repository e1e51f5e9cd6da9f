"""The paragraph model: raw lines into blocks, hard wraps re-joined, indent-marked paragraphs split."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from archiver.ingest import hyphens
from archiver.ingest._text import WHITESPACE
from archiver.ingest.hyphens import Verdict

_INDENT = re.compile(r"^(?:\t| {2,})\S")
_SENTENCE_END = re.compile(r"[.!?…:\"'”»)]$")
_LINE_END_HYPHEN = re.compile(r"[^\W\d_]-$")
_WORD_ENDS = " ,.;:!?)]»”’'\"…"
# White space that is not one plain space: a run, or a tab, NBSP, … alone.
_IRREGULAR_SPACE = re.compile(r"\s{2,}|[^\S ]")
_OTHER_SPACE = WHITESPACE.replace(" ", "")
_SPACE = re.compile(r"\s")
# One punctuation character repeated: a reStructuredText section adornment ("=====", "~~~~~").
_ADORNMENT = re.compile(r"([!-/:-@\[-`{-~])\1{2,}[ \t]*")
MAX_ADORNMENT = 400  # characters: a longer run is a rule or noise, never over a title


def adorned(line: str) -> bool:
    """Whether a line is a section adornment: one punctuation character, three times or more."""
    return len(line) <= MAX_ADORNMENT and _ADORNMENT.fullmatch(line) is not None


@dataclass(frozen=True)
class Layout:
    """What the whole text says about its lines: hard-wrapped or not, and at which width."""

    wrapped: bool
    width: int  # the wrap width, or the longest line when not wrapped


def blocks_of(text: str) -> list[list[str]]:
    """Groups of non-blank lines, split at blank lines; lines keep their indentation."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return [run for block in blocks for run in _quote_runs(block)]


def _quote_runs(block: list[str]) -> list[list[str]]:
    """Split a block where lines start or stop being `>` quotes ("X wrote:" then quoted lines)."""
    runs: list[list[str]] = []
    for line in block:
        quoted = line.lstrip().startswith(">")
        if runs and runs[-1][0].lstrip().startswith(">") == quoted:
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def layout_of(blocks: list[list[str]]) -> Layout:
    """Hard-wrapped text has many multi-line blocks whose lines stop near one width."""
    inner = [len(line) for b in blocks if len(b) > 1 for line in b[:-1]]
    longest = max((len(line) for b in blocks for line in b), default=0)
    if len(inner) >= 3 and statistics.median(inner) >= 40 and longest <= 110:
        ranked = sorted(inner)
        return Layout(True, ranked[int(0.9 * (len(ranked) - 1))])
    return Layout(False, longest)


def split_paragraphs(block: list[str], layout: Layout) -> list[list[str]]:
    """Split a block at indent-marked paragraph starts and at short sentence-final lines."""
    if len(block) < 3 or not layout.wrapped:
        return [block]
    indented = [bool(_INDENT.match(line)) for line in block]
    if all(indented):
        return [block]
    parts: list[list[str]] = [[block[0]]]
    for prev, line, ind in zip(block, block[1:], indented[1:], strict=False):
        short_end = len(prev) < 0.6 * layout.width and bool(_SENTENCE_END.search(prev))
        new_par = (ind and not _INDENT.match(prev)) or (short_end and line[:1].isupper())
        if new_par:
            parts.append([line])
        else:
            parts[-1].append(line)
    return parts


COMPOUND_MAX = 100  # letters on either side of a compound's hyphen; longer words are never looked up
_WORD_MAX = 2 * COMPOUND_MAX + 1
# Only from the start of a word (the look-behind): tried from inside a long word, `+` would scan
# to the word's end from every letter, and a 30 kB word would cost 450 million steps.
_COMPOUND = re.compile(rf"(?<![^\W\d_])[^\W\d_]{{1,{COMPOUND_MAX}}}-[^\W\d_]{{1,{COMPOUND_MAX}}}(?![^\W\d_])")


class Compounds(set[str]):
    """Hyphenated words that stand whole in a text, and the text's language (found when first asked).

    The language picks the dictionary that decides line-end hyphens; it is looked for only when
    a text has a hyphen to decide, so most texts never pay for it.
    """

    def __init__(self, words: Iterable[str], text: str) -> None:
        super().__init__(words)
        self._text = text
        self._language: str | None = None
        self.guesses: Counter[str] = Counter()  # hyphens decided without the dictionary's evidence

    @property
    def language(self) -> str:
        if self._language is None:
            self._language = hyphens.text_language(self._text)
        return self._language


_TAIL = re.compile(rf"[^\W\d_]{{1,{COMPOUND_MAX}}}")  # the letters that start the next line


def compounds(text: str) -> Compounds:
    """Hyphenated words that stand whole somewhere in the text ("Noord-Koreaanse")."""
    return Compounds(_COMPOUND.findall(" ".join(_hyphenated_words(text))), text)


def _hyphenated_words(text: str, chunk: int = 2**20) -> Iterator[str]:
    """The white-space separated words that hold a hyphen; only they can hold a compound.

    The text is split a chunk at a time (cut at white space, which no word spans): a list of
    every word of a 60 MB text would take ten times its size, and a pattern scan is slower.
    """
    pos = 0
    while pos < len(text):
        space = _SPACE.search(text, pos + chunk)
        cut = space.start() if space else len(text)
        part = text[pos:cut]
        if "-" in part:
            yield from (word for word in part.split() if "-" in word)
        pos = cut + 1


def _rstrip_nonword(word: str) -> str:
    """`word` without trailing non-word characters (what `re.sub(r"\\W+$", "", word)` does, linearly)."""
    end = len(word)
    while end and not (word[end - 1].isalnum() or word[end - 1] == "_"):
        end -= 1
    return word[:end]


# Stands for a word too long to be a compound; hygiene removed NUL, so it never matches.
_TOO_LONG = "\0" * (_WORD_MAX + 1)


def _bounded(word: str) -> str:
    return word if len(word) <= _WORD_MAX else _TOO_LONG


def _is_compound(head: str, nxt: str, known: set[str]) -> bool:
    """Whether the word broken at a line end ("Noord-" + "Koreaanse, …") stands whole in the text."""
    if len(head) > _WORD_MAX:
        return False  # longer than anything `compounds` finds
    space = nxt.find(" ")
    return _rstrip_nonword(head + (nxt if space < 0 else nxt[:space])) in known


def _ending(pieces: list[str]) -> str:
    """The last two characters of the pieces joined (a piece may be empty or one character)."""
    out = ""
    for piece in reversed(pieces):
        out = piece + out
        if len(out) >= 2:
            break
    return out[-2:]


def _verdict(word: str, nxt: str, known: set[str]) -> Verdict:
    """What the hyphen ending `word` before the line `nxt` is: in the text, else by the dictionary.

    A word that stands hyphenated elsewhere in the text keeps its hyphen. Then the language's
    word frequencies decide (see `hyphens.decide`); with none, the hyphen is a break.
    """
    if _is_compound(word, nxt, known):
        return Verdict.COMPOUND
    head, tail = _trailing_letters(word[:-1]), _TAIL.match(nxt)
    if not isinstance(known, Compounds) or not head or tail is None:
        return Verdict.BREAK
    standalone = tail.end() == len(nxt) or nxt[tail.end()] in _WORD_ENDS
    decided = hyphens.decide(head, tail.group(0), known.language, standalone)
    verdict, guess = decided or (Verdict.BREAK, hyphens.NO_DICTIONARY)
    if guess:
        known.guesses[guess] += 1
    return verdict


def _trailing_letters(word: str) -> str:
    """The letters at the end of `word` ("ver" of "(ver"), found from the end: linear."""
    start = len(word)
    while start and word[start - 1].isalpha():
        start -= 1
    return word[start:]


def join_lines(lines: list[str], known: set[str], consumed: list[str]) -> str:
    """Re-join hard-wrapped lines into one paragraph string.

    A hyphen at a line end before a lower-case letter is a break hyphen, and goes (recorded in
    `consumed`), unless the hyphenated word is one of the `known` compounds or the language's
    dictionary says it is a compound ("niet-leden") or a suspended one ("in- en uitvoer", which
    keeps its space too). The paragraph is kept as pieces and only its last word is tracked
    (bounded), so the cost stays linear however many lines are glued into one word.
    """
    pieces = [lines[0].strip()]
    word = _bounded(_last_word(pieces[0]))
    for line in lines[1:]:
        nxt, end = line.strip(), _ending(pieces)
        if end.endswith("-") and _LINE_END_HYPHEN.search(end) and nxt[:1].islower():
            verdict = _verdict(word, nxt, known)
            if verdict is Verdict.BREAK:
                consumed.append("-")
                pieces[-1], word = pieces[-1][:-1], word[:-1]
            # "Noord-\nKoreaanse" keeps its hyphen, "ge-\nmeente" loses it, "in-\nen" keeps a space
            glue = " " if verdict is Verdict.SUSPENDED else ""
        else:
            # "Zuid-\nAfrika": a hyphen before a capital is a compound's, never a break ("--" a dash)
            glue = (
                ""
                if end.endswith(("--", "—")) or (_LINE_END_HYPHEN.search(end) and nxt[:1].isupper())
                else " "
            )
        pieces.append(glue + nxt)
        word = _bounded(_last_word(nxt) if glue or " " in nxt else word + nxt)
    return _collapse("".join(pieces))


def _last_word(text: str) -> str:
    return text[text.rfind(" ") + 1 :]


def _collapse(text: str) -> str:
    """White space runs as single spaces, like " ".join(text.split()), without a list of every word."""
    if "  " in text or any(c in text for c in _OTHER_SPACE):  # fast scans; usually there is none
        return _IRREGULAR_SPACE.sub(" ", text).strip()
    return text.strip()


MAX_TEXT = 2**18  # characters in one text node: at most 1 MiB of UTF-8, far below what XML readers take
_SENTENCE_BREAKS = (". ", "! ", "? ", "… ", "; ")


def _cut(window: str) -> int:
    """Where to end a piece of an over-long text: after a sentence, else at a space, else anywhere."""
    half = len(window) // 2
    sentence = max(window.rfind(mark) for mark in _SENTENCE_BREAKS)
    if sentence >= half:
        return sentence + 1
    space = window.rfind(" ")
    return space if space >= half else len(window)


def split_long(text: str, limit: int = MAX_TEXT) -> list[str]:
    """`text` in pieces of at most `limit` characters; only the spaces at the cuts are dropped."""
    pieces: list[str] = []
    pos = 0
    while len(text) - pos > limit:
        cut = pos + _cut(text[pos : pos + limit])
        pieces.append(text[pos:cut].rstrip(" "))
        pos = cut + (text[cut : cut + 1] == " ")
    pieces.append(text[pos:])
    return pieces


def chunk_lines(lines: list[str], limit: int = MAX_TEXT) -> list[list[str]]:
    """Consecutive lines grouped so that each group, joined by newlines, stays within `limit`."""
    groups: list[list[str]] = [[]]
    size = 0
    for line in lines:
        if groups[-1] and size + len(line) + 1 > limit:
            groups.append([])
            size = 0
        groups[-1].append(line)
        size += len(line) + 1
    return groups


def is_verse(block: list[str], layout: Layout) -> bool:
    """Several short lines that are not wrapped prose: verse, addresses, signatures, tables."""
    if len(block) < 2:
        return False
    longest = max(len(line) for line in block)
    if layout.wrapped:
        return longest < 0.7 * layout.width
    return longest < 60
