"""Emphasis typed in plain text (_word_, *word*) becomes marked spans; the markers are accounted for."""

from __future__ import annotations

import re

from archiver.document.model import Paragraph, Preformatted

# A marker pair around text that starts and ends with a non-space, not inside a word
# (snake_case, 2*3*4 and lone asterisks stay as they are).
_EMPHASIS = re.compile(
    r"(?<![\w_])_(?=[^\s_])(?P<u>[^_]*?[^\s_])_(?![\w_])"
    r"|(?<![\w*])\*(?=[^\s*])(?P<s>[^*]*?[^\s*])\*(?![\w*])"
)


def emphasis(text: str, consumed: list[str]) -> Paragraph:
    """A paragraph whose marked spans are emphasis, markers removed (and listed in `consumed`)."""
    return Paragraph(*_marked(text, consumed))


def verse(text: str, consumed: list[str]) -> Preformatted:
    """Verse (line breaks kept) whose marked spans are emphasis, as in a paragraph.

    A span does not run over a line end: in verse each line is its own unit, and a marker left
    open on one line ("_Toen" … "nu_") is more likely a stray than an emphasis of many lines.
    """
    if "\n" not in text:
        return Preformatted(*_marked(text, consumed))
    lines: list[str] = []
    em: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        plain, spans = _marked(line, consumed)
        em += [(start + offset, end + offset) for start, end in spans]
        lines.append(plain)
        offset += len(plain) + 1
    return Preformatted("\n".join(lines), tuple(em))


def _marked(text: str, consumed: list[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """`text` without its emphasis markers (listed in `consumed`), and the emphasised spans."""
    if "_" not in text and "*" not in text:
        return text, ()  # most texts: skip the pattern's scan
    parts: list[str] = []
    em: list[tuple[int, int]] = []
    pos = length = 0
    for m in _EMPHASIS.finditer(text):
        inner = m.group("u") if m.group("u") is not None else m.group("s")
        before = text[pos : m.start()]
        parts += [before, inner]
        start = length + len(before)
        em.append((start, start + len(inner)))
        length = start + len(inner)
        consumed.append(m.group(0).replace(inner, "", 1))
        pos = m.end()
    if not em:
        return text, ()
    parts.append(text[pos:])
    return "".join(parts), tuple(em)


def shift(em: tuple[tuple[int, int], ...], cut: int) -> tuple[tuple[int, int], ...]:
    """Spans after the first `cut` characters of the text were removed (spans before are dropped)."""
    return tuple((s - cut, e - cut) for s, e in em if s >= cut)
