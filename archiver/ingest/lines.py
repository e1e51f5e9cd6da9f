"""The paragraph model: raw lines into blocks, hard wraps re-joined, indent-marked paragraphs split."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

_INDENT = re.compile(r"^(?:\t| {2,})\S")
_SENTENCE_END = re.compile(r"[.!?…:\"'”»)]$")
_LINE_END_HYPHEN = re.compile(r"[^\W\d_]-$")


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


def compounds(text: str) -> set[str]:
    """Hyphenated words that stand whole somewhere in the text ("Noord-Koreaanse")."""
    return set(re.findall(r"[^\W\d_]+-[^\W\d_]+", text))


def join_lines(lines: list[str], known: set[str], consumed: list[str]) -> str:
    """Re-join hard-wrapped lines into one paragraph string.

    A hyphen at a line end before a lower-case letter is a break hyphen, and goes (recorded in
    `consumed`), unless the hyphenated word is one of the `known` compounds.
    """
    parts = [lines[0].strip()]
    for line in lines[1:]:
        prev, nxt = parts[-1], line.strip()
        if _LINE_END_HYPHEN.search(prev[-2:]) and nxt[:1].islower():
            head = prev.rsplit(" ", 1)[-1]
            tail = nxt.split(" ", 1)[0]
            if re.sub(r"\W+$", "", f"{head}{tail}") not in known:
                consumed.append("-")
                prev = prev[:-1]
            parts[-1] = prev + nxt  # "Noord-\nKoreaanse" keeps its hyphen, "ge-\nmeente" loses it
        elif prev.endswith(("--", "—")):
            parts[-1] = prev + nxt
        else:
            parts.append(nxt)
    return " ".join(" ".join(parts).split())


def is_verse(block: list[str], layout: Layout) -> bool:
    """Several short lines that are not wrapped prose: verse, addresses, signatures, tables."""
    if len(block) < 2:
        return False
    longest = max(len(line) for line in block)
    if layout.wrapped:
        return longest < 0.7 * layout.width
    return longest < 60
