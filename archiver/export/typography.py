"""Language-aware typography at export: curly quotes, apostrophes, dashes, ellipses.

The canonical XML keeps the source's characters; this runs only on the way out. It is
idempotent and never changes a letter or a digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

NNBSP = "\u202f"  # narrow no-break space, inside French guillemets and before ; : ! ?


@dataclass(frozen=True)
class Style:
    """A language's quotation marks: primary (for ") and secondary (for ')."""

    open1: str
    close1: str
    open2: str
    close2: str
    elisions: tuple[str, ...] = ()  # words that start with an apostrophe: 's, 't, 'n …
    long_dash: str = "—"  # for a run of three or more hyphens ("door----ja"), an old typesetter's dash


STYLES: dict[str, Style] = {
    "nl": Style("“", "”", "‘", "’", ("s", "t", "n", "k", "m", "r", "ie", "em", "ns")),
    "en": Style("“", "”", "‘", "’", ("em", "tis", "twas", "cause", "til", "n", "round")),
    "de": Style("„", "“", "‚", "‘", ("s", "n", "nen", "ne")),
    "fr": Style("«" + NNBSP, NNBSP + "»", "“", "”"),
    # Spanish and Italian print « » without spaces. A straight single quote there is far more often
    # an apostrophe (Italian "po'", "l'acqua") than a nested quotation: it becomes ’ or ‘ ’.
    "es": Style("«", "»", "‘", "’"),
    "it": Style("«", "»", "‘", "’", ("ndrangheta", "sto", "sta", "sti", "ste", "na", "nu")),
    "pt": Style("“", "”", "‘", "’"),  # Brazil's marks (Portugal's press prints both these and « »)
}

# Private-use marks that stand for the edges of emphasis while a marked text is typeset.
EM_OPEN, EM_CLOSE = "\ue000", "\ue001"
_OPENERS = set(" \t\n([{<–—-/\u00a0" + NNBSP) | {"“", "‘", "„", "‚", "«"}
_WORD = r"[^\W_]"
_MARK = "[\ue000\ue001]"  # emphasis edges (EM_OPEN, EM_CLOSE) are transparent to the rules below
_INNER_APOSTROPHE = re.compile(rf"(?:(?<={_WORD})|(?<={_WORD}{_MARK}))'(?={_MARK}?{_WORD})")  # collega's
# What may stand before a word-initial apostrophe: space, an opening bracket or quote, emphasis
# edges, or a dash ("—'t zal": the apostrophe of 't, not an opening quote).
_WORD_START = '\\s(\\["“„«»‘\ue000\ue001–—-'
_YEAR_ELISION = re.compile(rf"(?<![^{_WORD_START}])'(?=\d\ds?\b)")  # '63, '90s
# Three or more hyphens touching a word or a sign; a run standing alone (a drawn rule) stays.
# Each alternative starts only where a run starts: a long run is backtracked over once, not per hyphen.
_DASH_RUN = re.compile(r"(?<=[^\s-])-{3,}|(?<!-)-{3,}(?=[^\s-])")


def _elision_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    alts = "|".join(sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![^{_WORD_START}])'(?=(?:{alts})\b)", re.I)


_ELISIONS = {lang: _elision_pattern(style.elisions) for lang, style in STYLES.items()}


def _dashes_and_dots(text: str, style: Style) -> str:
    text = re.sub(r"(?<!\.)\.\.\.(?!\.)", "…", text)
    if "---" in text:
        text = _DASH_RUN.sub(style.long_dash, text)
    # A spaced hyphen (or double hyphen) is an en dash. Only plain spaces count: the narrow
    # spaces that French guillemets bring must not make a dash on a second run.
    text = re.sub(r"(?<=[ \t\n\u00a0])--?(?=[ \t\n\u00a0])", "–", text)
    text = re.sub(r"(?<=[^\s-])--(?=[^\s-])", "—", text)  # typewriter dash between words: em dash
    return text


def _apostrophes(text: str, lang: str) -> str:
    text = _INNER_APOSTROPHE.sub("’", text)
    text = _YEAR_ELISION.sub("’", text)
    pattern = _ELISIONS.get(lang)
    if pattern is not None:
        text = pattern.sub("’", text)
    return text


def _quotes(text: str, style: Style) -> str:
    """Curl the straight quotes that are left, opening after space or an opener, else closing."""
    out: list[str] = []
    prev = " "  # the last character that is not an emphasis mark
    for ch in text:
        if ch not in "\"'":
            out.append(ch)
            if ch not in (EM_OPEN, EM_CLOSE):
                prev = ch
            continue
        opening = prev in _OPENERS
        prev = ch
        if ch == '"':
            out.append(style.open1 if opening else style.close1)
        else:
            out.append(style.open2 if opening else style.close2)
    return "".join(out)


def _dutch_low_quotes(text: str) -> str:
    """Old Dutch typewriter quotes: ,,Zo'' becomes „Zo”."""
    text = re.sub(r"(?<![^\s(\[])(,,)(?=\S)", "„", text)
    return re.sub(r"(?<=\S)''", "”", text)


def _french_spaces(text: str) -> str:
    """Narrow no-break spaces inside « » and before ; : ! ? (French rules)."""
    text = re.sub(r"«[ \u00a0\u202f]?", "«" + NNBSP, text)
    text = re.sub(r"[ \u00a0\u202f]?»", NNBSP + "»", text)
    return re.sub(r"[ \u00a0](?=[;:!?](?:\s|$))", NNBSP, text)


def typeset(text: str, lang: str) -> str:
    """Apply the typography of `lang` (nl, en, de, fr, es, it, pt; others are returned unchanged)."""
    return _typeset_short(text, lang) if len(text) <= 400 else _typeset(text, lang)


@lru_cache(maxsize=8192)  # titles are typeset for the page, the contents and the colophon
def _typeset_short(text: str, lang: str) -> str:
    return _typeset(text, lang)


def _typeset(text: str, lang: str) -> str:
    base = lang.split("-")[0].lower()
    style = STYLES.get(base)
    if style is None:
        return text
    if base in ("nl", "de"):
        text = _dutch_low_quotes(text)
    text = _dashes_and_dots(text, style)
    text = _apostrophes(text, base)
    text = _quotes(text, style)
    if base == "fr":
        text = _french_spaces(text)
    return text


def typeset_marked(
    text: str, em: tuple[tuple[int, int], ...], lang: str
) -> tuple[str, list[tuple[int, int]]]:
    """Typeset a text with emphasised spans; returns the new text and the spans' new offsets."""
    if not em or EM_OPEN in text or EM_CLOSE in text:  # the source uses our marks itself: no emphasis
        return typeset(text, lang), []
    marked, pos = [], 0
    for start, end in em:
        marked += [text[pos:start], EM_OPEN, text[start:end], EM_CLOSE]
        pos = end
    marked.append(text[pos:])
    done = typeset("".join(marked), lang)
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    start = 0
    for ch in done:
        if ch == EM_OPEN:
            start = len(plain)
        elif ch == EM_CLOSE:
            spans.append((start, len(plain)))
        else:
            plain.append(ch)
    return "".join(plain), spans
