"""Text hygiene, done once before parsing: decode, newlines, NFC, control characters, mojibake."""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from archiver.document.model import Repair
from archiver.errors import InputError, Problem
from archiver.ingest import candidates

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 and C1 controls except tab and the newlines; DEL too.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")
# Every character str.isspace() and the `\s` of patterns take for white space.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
# Invisible characters with no meaning in running text (ZWJ/ZWNJ are kept: scripts need them),
# and U+FFFE/U+FFFF, which XML 1.0 cannot hold at all.
_INVISIBLE_CHARS = "\u00ad\u200b\u2060\ufeff\ufffe\uffff"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# What XML 1.0 cannot hold (or hygiene removes), for values that bypass hygiene: YAML and RFC 2047
# escapes can spell NUL, controls and lone surrogates.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Bytes 0x80-0x9F that cp1252 maps to printable characters (curly quotes, dashes, €, …).
_CP1252_ONLY = set(range(0x80, 0xA0)) - {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_ASCII = bytes(range(0x80))
_HIGH = bytes(range(0x80, 0x100))
_SAMPLE = 2**20  # bytes looked at to tell UTF-16 from single-byte text
_HIGH_RUN = re.compile(rb"[\x80-\xff]{3,}")
# A UTF-8 lead byte and a continuation byte: single-byte text seldom has the pair.
_UTF8_PAIR = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_PRINTABLE = bytes([0x09, 0x0A, 0x0D, *range(0x20, 0x7F)])
# Control bytes other than tab, LF and CR: UTF-16 of non-Latin scripts is full of them.
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# Unicode categories that are not text: controls, unassigned, private use, surrogates.
_NOT_TEXT = {"Cc", "Cn", "Co", "Cs"}
# Binary bytes read as text are about one control character in eight; honest text with stray
# controls (a scrape, a terminal log) has far fewer among its letters.
BINARY_SHARE = 0.05


@dataclass
class Decoded:
    """Clean text plus what hygiene found and did."""

    text: str
    encoding: str
    confidence: float
    bom: bool
    newline: str
    repairs: list[Repair] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


class _Reading(NamedTuple):
    """Bytes read as text, and how."""

    text: str
    encoding: str
    confidence: float
    bom: bool = False
    problem: Problem | None = None
    dropped: int = 0  # bytes left out (an odd last byte of UTF-16)


def _decode(data: bytes) -> _Reading:
    """Bytes to str: BOM, UTF-8, UTF-16 without BOM, UTF-8 mixed with cp1252, then the likeliest codec."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _Reading(data[len(bom) :].decode(enc), enc, 1.0, True)
            except UnicodeDecodeError as exc:
                raise InputError("undecodable", f"has a {enc} byte-order mark but is not {enc}") from exc
    utf8 = _utf8(data)
    if utf8 is not None and not data.isascii():
        return utf8  # UTF-16 that is valid UTF-8 with multi-byte sequences in it does not occur
    reading = _utf16_without_bom(data) if _maybe_utf16(data) else None
    if reading:
        return reading
    if utf8 is not None:
        return utf8
    if b"\x00" in data:
        raise InputError("binary", "looks binary (NUL bytes), not text")
    return _mixed_lines(data) or _single_byte(data)


def _utf8(data: bytes) -> _Reading | None:
    try:
        return _Reading(data.decode("utf-8"), "utf-8", 1.0 if not data.isascii() else 0.99)
    except UnicodeDecodeError:
        return None


def _single_byte(data: bytes) -> _Reading:
    """Bytes in a legacy codec: the most plausible reading among the candidates (a doubt is reported)."""
    choice = candidates.choose(data)
    return _Reading(choice.text, choice.encoding, choice.confidence, problem=choice.problem)


def _maybe_utf16(data: bytes) -> bool:
    """Bytes that are no single-byte text (NULs or many control bytes) and not mostly ASCII.

    Cyrillic UTF-16 is valid ASCII, hence valid UTF-8, so this is asked first; the ASCII share
    keeps English with a stray NUL from being read as CJK ("Bush hid the facts"). The shares are
    taken from the first MiB: UTF-16 is UTF-16 throughout.
    """
    head = data[:_SAMPLE]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if len(data) < 4 or (b"\x00" not in data and controls <= max(8, len(head) // 100)):
        return False
    return len(head) - len(head.translate(None, _PRINTABLE)) < 0.8 * len(head)


def _utf16_without_bom(data: bytes) -> _Reading | None:
    """UTF-16 without a BOM: NULs in every other byte for Latin script, else the likelier byte order.

    A truncated last byte is dropped (and reported as a repair).
    """
    odd = len(data) % 2
    even = data[: len(data) - odd]
    half = len(even) // 2
    for enc, zeros in (("utf-16-le", even[1::2].count(0)), ("utf-16-be", even[0::2].count(0))):
        if zeros > 0.4 * half:  # Latin script: the high byte is NUL
            return _utf16(even, enc, 0.9, odd)
    readings = [r for r in (_utf16(even, enc, 0.8, odd) for enc in ("utf-16-le", "utf-16-be")) if r]
    scored = [(_plausibility(r.text), r) for r in readings]
    best = max(scored, key=lambda sr: sr[0], default=None)
    return best[1] if best and best[0][0] >= 0.95 else None


def _utf16(data: bytes, enc: str, confidence: float, dropped: int) -> _Reading | None:
    try:
        return _Reading(data.decode(enc), enc, confidence, dropped=dropped)
    except UnicodeDecodeError:
        return None


def _plausibility(text: str) -> tuple[float, int]:
    """(share of assigned, printable characters; minus the number of 256-character blocks used).

    Text in the right byte order uses few blocks of assigned characters; swapped bytes scatter
    over many blocks, unassigned and private ones among them. A sample is enough.
    """
    sample = text[:20_000]
    bad = sum(1 for c in sample if unicodedata.category(c) in _NOT_TEXT and c not in "\t\n\r")
    blocks = len({ord(c) >> 8 for c in sample})
    return 1 - bad / max(1, len(sample)), -blocks


def _chunks(data: bytes, size: int = 2**16) -> Iterator[bytes]:
    """`data` in pieces of about `size` bytes, each ending after a newline (or at the end)."""
    pos = 0
    while pos < len(data):
        end = data.find(b"\n", pos + size)
        end = len(data) if end < 0 else end + 1
        yield data[pos:end]
        pos = end


def _utf8_runs(data: bytes) -> tuple[list[str | bytes], bool]:
    """The file as runs of UTF-8 text (str) and the lines that are not UTF-8 (bytes).

    Also says whether any UTF-8 run holds non-ASCII text. A chunk that fails is redone line by
    line: a UnicodeDecodeError copies what was being decoded, so retrying the rest of the file
    after each bad line would cost the square of its size.
    """
    runs: list[str | bytes] = []
    for chunk in _chunks(data):
        try:
            runs.append(chunk.decode("utf-8"))
        except UnicodeDecodeError:
            for line in chunk.splitlines(keepends=True):
                try:
                    runs.append(line.decode("utf-8"))
                except UnicodeDecodeError:
                    runs += [line.rstrip(b"\n"), "\n" if line.endswith(b"\n") else ""]
    return runs, any(isinstance(r, str) and not r.isascii() for r in runs)


def _western_line(line: bytes) -> tuple[str, str]:
    """One non-UTF-8 line as cp1252 when it uses cp1252's extra characters, else Latin-1."""
    if set(line.translate(None, _ASCII)) & _CP1252_ONLY:
        try:
            return line.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return line.decode("latin-1"), "iso-8859-1"


def _mixed_lines(data: bytes) -> _Reading | None:
    """A file whose lines are UTF-8 and Western single-byte by turns, decoded line by line."""
    if not _UTF8_PAIR.search(data):
        return None  # not one UTF-8 sequence: a single-byte file (the usual case, one fast scan)
    runs, utf8 = _utf8_runs(data)
    bad = [r for r in runs if isinstance(r, bytes)]
    if not utf8 or not _western(b"\n".join(bad)):
        return None  # no UTF-8 text at all, or Cyrillic, Greek…: one encoding for the whole file
    parts: list[str] = []
    names: set[str] = set()
    first = 0
    for run in runs:
        if isinstance(run, bytes):
            first = first or "".join(parts).count("\n") + 1
            text, name = _western_line(run)
            names.add(name)
            run = text
        parts.append(run)
    label = ", ".join(sorted(names))
    message = f"{len(bad)} line(s) are not UTF-8, the first is line {first}; read as {label}"
    problem = Problem("encoding-mixed", message, line=first)
    return _Reading("".join(parts), "+".join(["utf-8", *sorted(names)]), 0.7, False, problem)


def _western(data: bytes) -> bool:
    """Whether non-ASCII bytes come alone or in pairs, as in Western text ("één"), not in words.

    Cyrillic or Greek single-byte text spells whole words in high bytes. Charset detection is
    no help here: the lines that are not UTF-8 are often too few and short to tell it anything.
    """
    high = len(data) - len(data.translate(None, _ASCII))
    in_words = sum(map(len, _HIGH_RUN.findall(data)))
    return in_words <= high / 2


def xml_safe(text: str) -> str:
    """`text` without the characters XML cannot hold (escapes in headers can produce them)."""
    return _NOT_XML.sub("", text)


def newline_style(text: str) -> str:
    """lf, crlf, cr, mixed or none."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [name for name, n in (("crlf", crlf), ("cr", cr), ("lf", lf)) if n]
    if not kinds:
        return "none"
    return kinds[0] if len(kinds) == 1 else "mixed"


def _fix_mojibake(text: str) -> tuple[str, int]:
    """Repair UTF-8 read as cp1252/Latin-1 ("OekraÃ¯ne"), line by line; count the lines fixed."""
    if not any(c in text for c in "ÃÂâ") or not _MOJIBAKE_HINT.search(text):
        return text, 0  # the usual case, found in a few fast scans instead of one per line
    import ftfy

    fixed_lines, count = [], 0
    for line in text.split("\n"):
        fixed = ftfy.fix_encoding(line) if _MOJIBAKE_HINT.search(line) else line
        count += fixed != line
        fixed_lines.append(fixed)
    return "\n".join(fixed_lines), count


_MOJIBAKE_HINT = re.compile("[ÃÂâ][\u0080-\u00bf\u2018-\u203a\u0152-\u0178\u02c6\u02dc\u20ac\u2122]")


def _removed(pattern: re.Pattern[str], text: str, kind: str, repairs: list[Repair], among: str = "") -> str:
    """`text` without what `pattern` matches, recorded as one repair naming the code points.

    `among`, when given, lists every character the pattern can match: a scan for each is much
    faster than the pattern's, and usually finds none.
    """
    if among and not any(c in text for c in among):
        return text
    found = pattern.findall(text)
    if not found:
        return text
    codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in found}))
    repairs.append(Repair(kind, len(found), f"removed {codes}"))
    return pattern.sub("", text)


def _spaces(text: str) -> int:
    """How many white-space characters `text` holds (a count per kind: no list of the text's words)."""
    return sum(text.count(c) for c in " \n\t")


def _scrub(text: str, repairs: list[Repair]) -> str:
    """Refuse binary, then repair mojibake, remove control and invisible characters, compose NFC."""
    controls = len(_CONTROL.findall(text))
    if controls > max(8, BINARY_SHARE * (len(text) - _spaces(text))):
        raise InputError("binary", f"looks binary ({controls} control characters), not text")
    text, fixed = _fix_mojibake(text)
    if fixed:
        repairs.append(Repair("mojibake", fixed, "UTF-8 read as a single-byte encoding, repaired"))
    text = _removed(_CONTROL, text, "control-chars", repairs)
    text = _removed(_INVISIBLE, text, "invisible-chars", repairs, _INVISIBLE_CHARS)
    if unicodedata.is_normalized("NFC", text):
        return text
    nfc = unicodedata.normalize("NFC", text)
    if nfc != text:
        changed = max(1, len(text) - len(nfc))  # each composition joins a base and a mark
        repairs.append(Repair("nfc", changed, "normalised to Unicode NFC"))
    return nfc


def clean(data: bytes) -> Decoded:
    """Decode raw bytes into clean NFC text with LF newlines, reporting every repair."""
    if not data.strip():
        raise InputError("empty", "is empty" if not data else "holds only white space")
    reading = _decode(data)
    repairs: list[Repair] = []
    if reading.bom:
        repairs.append(Repair("bom", 1, f"{reading.encoding} byte-order mark removed"))
    if reading.dropped:
        repairs.append(Repair("truncated", 1, f"an odd last byte, half a {reading.encoding} unit, dropped"))
    newline = newline_style(reading.text)
    text = reading.text.replace("\r\n", "\n").replace("\r", "\n")
    if newline in ("crlf", "cr", "mixed"):
        repairs.append(Repair("newlines", 1, f"{newline} line ends made LF"))
    text = _scrub(text, repairs)
    if text[-1:].isspace() or any(c + "\n" in text for c in WHITESPACE):  # fast scans, usually none
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = text.strip("\n")
    if not text or text.isspace():
        raise InputError("empty", "holds no text after cleaning")
    text += "\n"
    problems = [reading.problem] if reading.problem else []
    return Decoded(text, reading.encoding, reading.confidence, reading.bom, newline, repairs, problems)
