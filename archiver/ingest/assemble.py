"""One raw file to one Document: hygiene, dialect, structure, inference, then the text check."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

from archiver import RULES_VERSION, __version__
from archiver.document.model import (
    FIELD_NAMES,
    Block,
    DateValue,
    Document,
    Event,
    How,
    Identifier,
    Metadata,
    Paragraph,
    Provenance,
    Repair,
    Value,
    note_marks,
    texts_of,
)
from archiver.errors import InputError, Problem
from archiver.ingest import blocklang, dates, dialects, furniture, language, structure
from archiver.ingest._text import Decoded, clean
from archiver.ingest.found import Found
from archiver.ingest.ids import archive_id

FILE_NAME_DATE = 0.5  # confidence of a date read from the file name: names are often the save date
LANGUAGE_DOUBT = 0.6  # below this, the detected language is reported as a problem
_EXTERNAL_ID = re.compile(r"(?:^|[_-])([0-9a-f]{12,}|\d{4,})$")
_SENTENCE = re.compile(r"^(.+?[.!?…])(?:\s|$)")


@dataclass
class Result:
    """An ingested document and the problems met on the way."""

    document: Document
    problems: list[Problem] = field(default_factory=list)


def _derive_title(blocks: list[Block]) -> Value:
    """A title from the first sentence of the first paragraph, cut at a word boundary."""
    first = next((b.text for b in blocks if isinstance(b, Paragraph)), None)
    if first is None:
        first = next(iter(texts_of(blocks)), "Untitled")
    m = _SENTENCE.match(first)
    sentence = m.group(1) if m else first
    sentence = sentence.rstrip(".") or sentence
    if len(sentence) <= 90:
        return Value(sentence, How("derived", "first-sentence", 0.5))
    cut = sentence[:90].rsplit(" ", 1)[0].rstrip(",;:")
    return Value(cut + "…", How("derived", "first-sentence-truncated", 0.3))


def _file_name_date(found: Found, stem: str) -> None:
    """When the text gives no publication date, take one from the file name (origin layout)."""
    if any(d.kind == "published" for d in found.dates):
        return
    parsed = dates.from_file_name(stem)
    if parsed is not None:
        value, precision, raw = parsed
        how = How("layout", "file-name", FILE_NAME_DATE)
        found.dates.insert(0, DateValue(value, precision, how, "published", raw))


def _sample(texts: list[str], size: int = language.SAMPLE) -> str:
    """The first `size` characters of the texts joined, without joining all of a long article."""
    taken: list[str] = []
    length = 0
    for text in texts:
        if length > size:
            break
        taken.append(text[: size - length])
        length += len(taken[-1]) + 1
    return " ".join(taken)


def _language(found: Found, blocks: list[Block], problems: list[Problem]) -> Value:
    if found.language is not None:
        return found.language
    code, prob = language.detect(_sample(texts_of(blocks)))
    if prob < LANGUAGE_DOUBT:
        problems.append(Problem("language-uncertain", f"language looks like {code!r}, p={prob}"))
    return Value(code, How("detected", "py3langid", prob))


SORTED_LIMIT = 1 << 20  # characters: above it, sorting copies would cost more memory than counting


def missing_text(source: str, blocks: list[Block], found: Found) -> Counter[str]:
    """Non-space characters of the source that neither the body nor the metadata accounts for."""
    pieces = texts_of(blocks) + note_marks(blocks) + found.lifted + found.consumed
    if len(source) <= SORTED_LIMIT and _same_characters(source, pieces):
        return Counter()
    have: Counter[str] = Counter()
    for text in pieces:
        have.update(text)  # piece by piece: no copy of a 60 MB body joined
    want = Counter(source)
    for counter in (have, want):
        for ch in [c for c in counter if c.isspace()]:
            del counter[ch]
    return want - have


def _same_characters(source: str, pieces: list[str]) -> bool:
    """Whether `pieces` hold exactly the non-space characters of `source` (the usual case): their
    code points sorted in numpy, about a quarter of the time of counting them in Counters."""
    import numpy as np

    want = "".join(source.split())  # str.split() drops exactly the characters str.isspace() names
    have = "".join(["".join(piece.split()) for piece in pieces])
    if len(want) != len(have):
        return False
    a, b = (np.frombuffer(t.encode("utf-32-le", "surrogatepass"), dtype="<u4") for t in (want, have))
    return bool(np.array_equal(np.sort(a), np.sort(b)))


# How each guess behind a line-end hyphen is described in the provenance (hyphens.decide).
_HYPHEN_GUESSES = {
    "unknown-word": "{n} unknown to the dictionary (joined)",
    "tie": "{n} rare joined but common apart (joined)",
    "no-dictionary": "{n} in a language without a dictionary (joined)",
}


def hyphen_guesses(found: Found) -> list[Repair]:
    """One `hyphen-guess` record of the line-end hyphens decided without the dictionary's evidence."""
    counts = found.hyphen_guesses
    if not counts:
        return []
    parts = [text.format(n=counts[kind]) for kind, text in _HYPHEN_GUESSES.items() if counts[kind]]
    return [Repair("hyphen-guess", sum(counts.values()), "line-end hyphens guessed: " + "; ".join(parts))]


def _provenance(name: str, data: bytes, decoded: Decoded, dialect: str, conf: float, when: str) -> Provenance:
    event = Event("normalisation", "archiver", __version__, RULES_VERSION, when)
    return Provenance(
        file_name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=decoded.encoding,
        encoding_confidence=decoded.confidence,
        newline=decoded.newline,
        bom=decoded.bom,
        dialect=dialect,
        dialect_confidence=conf,
        repairs=decoded.repairs,
        events=[event],
    )


def _first_missing(gap: Counter[str], n: int = 40) -> str:
    """The first `n` of the sorted missing characters, without sorting every one of a large gap."""
    out = ""
    for ch in sorted(gap):
        out += ch * min(gap[ch], n - len(out))
        if len(out) >= n:
            break
    return out


def _problems(name: str, decoded: Decoded, blocks: list[Block], found: Found) -> list[Problem]:
    """What hygiene and the readers met, a doubtful encoding, and any text the document lost."""
    problems = [Problem(p.code, p.message, name, p.line) for p in decoded.problems + found.problems]
    if decoded.confidence < 0.6 and not any(p.code == "encoding-guessed" for p in decoded.problems):
        problems.append(Problem("encoding-guessed", f"read as {decoded.encoding}", name))
    gap = missing_text(decoded.text, blocks, found)
    if gap:
        shown = _first_missing(gap)
        problems.append(Problem("text-gap", f"{sum(gap.values())} characters unaccounted: {shown!r}", name))
    return problems


def ingest_bytes(data: bytes, name: str, when: str, dialect: str | None = None) -> Result:
    """Bytes of one raw article (and its file name) to a Document. Pure: no I/O, no clock."""
    decoded = clean(data)
    if dialect:
        reader, conf = dialects.get(dialect), 1.0
    else:
        reader, conf = dialects.detect(decoded.text)
    found = Found()
    body_text = reader.read(decoded.text, found)
    blocks = structure.parse(body_text, found)
    furniture.split_title(found)
    if not blocks:
        raise InputError("empty", "has no body text")
    problems = _problems(name, decoded, blocks, found)
    stem = PurePath(name).stem
    _file_name_date(found, stem)
    ids = list(found.identifiers)
    m = _EXTERNAL_ID.search(stem)
    if m:
        ids.insert(0, Identifier("external", m.group(1)))
    carried = {name: getattr(found, name) for name in FIELD_NAMES if name not in ("title", "language")}
    meta = Metadata(
        archive_id=archive_id(data),
        title=found.title or _derive_title(blocks),
        language=_language(found, blocks, problems),
        identifiers=ids,
        **carried,
    )
    prov = _provenance(name, data, decoded, reader.name, conf, when)
    prov.repairs = prov.repairs + hyphen_guesses(found)
    return Result(Document(meta, blocklang.mark(blocks, meta.language.text), prov), problems)
