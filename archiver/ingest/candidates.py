"""Bytes that are not UTF-8: every candidate codec's reading scored, the most plausible one kept."""

from __future__ import annotations

from dataclasses import dataclass

from archiver.errors import Problem
from archiver.ingest.plausible import plausibility

# Single-byte codecs, Western first: on a tie the earlier one wins. "western" stands for cp1252,
# or Latin-1 when the bytes use none of cp1252's own characters (see `western_codec`).
SINGLE_BYTE = (
    "western",
    "iso8859_15",
    "cp1250",
    "iso8859_2",
    "cp1257",
    "cp1254",
    "cp1251",
    "koi8_r",
    "koi8_u",
    "iso8859_5",
    "cp1253",
    "iso8859_7",
    "cp1255",
    "cp1256",
    "cp874",
)
MULTI_BYTE = ("cp932", "euc_jp", "gb18030", "big5", "cp949")
# How much more plausible a multi-byte reading must be to beat a single-byte one: Western text
# often decodes as CJK without an error (two accented letters become one Han character).
MULTI_BYTE_MARGIN = 0.15
WESTERN_PRIOR = 0.1  # cp1252/Latin-1 are the likeliest legacy codecs of this archive's sources
THIN, THIN_PRIOR = 20, 0.45  # with fewer non-ASCII bytes than this, the prior weighs more
SURE = 0.9  # a Western reading this plausible is taken without trying the others (the usual case)
DOUBT = 0.75  # below this, or with a runner-up this close, the choice is reported
CLOSE = 0.05
_SAMPLE = 2**13  # bytes of the lines that hold non-ASCII bytes: they alone tell codecs apart
_SCREEN = 2**10  # bytes of that on which every candidate is tried
FINALISTS = 4  # candidates tried on the whole sample
_CP1252_ONLY = set(range(0x80, 0xA0)) - {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_ASCII = bytes(range(0x80))


@dataclass(frozen=True)
class Choice:
    """The codec chosen for a file, its plausibility, and a problem when the choice is doubtful."""

    text: str
    encoding: str
    confidence: float
    problem: Problem | None = None


def western_codec(data: bytes) -> str:
    """cp1252 when the bytes use its extra characters (curly quotes, €) and it decodes them, else Latin-1."""
    if set(data.translate(None, _ASCII)) & _CP1252_ONLY:
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            pass
    return "latin-1"


def sample(data: bytes, limit: int = _SAMPLE) -> bytes:
    """The lines that hold non-ASCII bytes, up to `limit` bytes (the last character may be cut)."""
    out = bytearray()
    for line in data.splitlines(keepends=True):
        if not line.isascii():
            out += line
            if len(out) >= limit:
                break
    return bytes(out[:limit])


def _read(part: bytes, codec: str) -> str | None:
    """`part` decoded, less a multi-byte character cut at its end; None when `codec` cannot read it."""
    try:
        return part.decode(codec)
    except UnicodeDecodeError as exc:
        cut = exc.start
    if cut < len(part) - 3:
        return None
    try:
        return part[:cut].decode(codec)
    except UnicodeDecodeError:
        return None


def _name(codec: str) -> str:
    """The codec's name as recorded in the provenance ("iso-8859-1", "koi8-r")."""
    return {"latin-1": "iso-8859-1"}.get(codec, codec.replace("_", "-").replace("iso8859", "iso-8859"))


def choose(data: bytes) -> Choice:
    """Decode bytes that are not UTF-8 with the codec whose reading is most plausible.

    The Western reading is scored first and kept when it is plainly right; otherwise every
    candidate that decodes the sample is scored, a multi-byte one winning only by a clear margin.
    A doubtful winner is kept and reported with its runner-up: never a silent guess.
    """
    part = sample(data)
    western = western_codec(data)
    first = plausibility(part.decode(western))
    if first.score >= SURE:
        return Choice(data.decode(western), _name(western), first.score)
    codecs = [western if c == "western" else c for c in SINGLE_BYTE + MULTI_BYTE]
    screened = _scored(part[:_SCREEN], codecs)  # every codec on a little, the likeliest on more
    finalists = [codec for _, codec, _ in sorted(screened, reverse=True)[:FINALISTS]]
    scored = _scored(part, [c for c in codecs if c in finalists or c == western])
    single = max((score for score, codec, _ in scored if codec not in MULTI_BYTE), default=0.0)
    prior = WESTERN_PRIOR if len(part.translate(None, _ASCII)) >= THIN else THIN_PRIOR
    ranked = sorted(
        (
            (_rank(score, codec, western, single, prior) + prior * words, codec)
            for score, codec, words in scored
        ),
        reverse=True,
    )
    for i, (rank, codec) in enumerate(ranked):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue  # the sample decoded, the rest of the file does not
        runner = ranked[i + 1] if i + 1 < len(ranked) else None
        score = round(min(1.0, rank), 2)
        return Choice(text, _name(codec), score, _doubt(codec, score, runner))
    return Choice(data.decode("latin-1"), "iso-8859-1", 0.0, _doubt("latin-1", 0.0, None))


def _rank(score: float, codec: str, western: str, single: float, prior: float) -> float:
    """A candidate's score with the priors: Western text is the most common, multi-byte needs a margin."""
    if codec == western:
        return score + prior
    if codec in MULTI_BYTE and score < single + MULTI_BYTE_MARGIN:
        return score - MULTI_BYTE_MARGIN
    return score


def _scored(part: bytes, codecs: list[str]) -> list[tuple[float, str, float]]:
    """(plausibility, codec, share of known words) of each codec that reads the sample, one per
    distinct reading. Known words of a short non-Latin reading weigh as much as the Western prior:
    they are as good a sign of the right codec as Western text is a likely one."""
    seen: set[str] = set()
    scored: list[tuple[float, str, float]] = []
    for codec in codecs:
        text = _read(part, codec)
        if text is None or text in seen:
            continue  # unreadable, or the same reading as an earlier codec's (which stands for both)
        seen.add(text)
        found = plausibility(text)
        scored.append((found.score, codec, found.words or 0.0))
    return scored


def _doubt(codec: str, score: float, runner: tuple[float, str] | None) -> Problem | None:
    """An `encoding-guessed` problem when the winner is implausible or its runner-up close."""
    if score >= DOUBT and (runner is None or score - runner[0] >= CLOSE):
        return None
    second = f"; runner-up {_name(runner[1])} ({runner[0]:.2f})" if runner else ""
    message = f"read as {_name(codec)} (plausibility {score:.2f}){second}"
    return Problem("encoding-guessed", message)
