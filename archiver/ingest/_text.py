"""Text hygiene, done once before parsing: decode, newlines, NFC, control characters, mojibake."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

from archiver.document.model import Repair
from archiver.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# C0 and C1 controls except tab and the newlines; DEL too.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")
# Invisible characters with no meaning in running text (ZWJ/ZWNJ are kept: scripts need them),
# and U+FFFE/U+FFFF, which XML 1.0 cannot hold at all.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff\ufffe\uffff]")
# Bytes 0x80-0x9F that cp1252 maps to printable characters (curly quotes, dashes, €, …).
_CP1252_ONLY = set(range(0x80, 0xA0)) - {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_WESTERN = {"cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "mac_roman", "cp850", "ascii"}


@dataclass
class Decoded:
    """Clean text plus what hygiene found and did."""

    text: str
    encoding: str
    confidence: float
    bom: bool
    newline: str
    repairs: list[Repair] = field(default_factory=list)


def _decode(data: bytes) -> tuple[str, str, float, bool]:
    """Bytes to str: BOM, then strict UTF-8, then UTF-16 by NUL pattern, then detection."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(enc), enc, 1.0, True
            except UnicodeDecodeError as exc:
                raise InputError("undecodable", f"has a {enc} byte-order mark but is not {enc}") from exc
    try:
        return data.decode("utf-8"), "utf-8", 1.0 if max(data, default=0) > 0x7F else 0.99, False
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16
    if b"\x00" in data:
        raise InputError("binary", "looks binary (NUL bytes), not text")
    return _detect_single_byte(data)


def _utf16_without_bom(data: bytes) -> tuple[str, str, float, bool] | None:
    """UTF-16 text without a BOM has NULs in every other byte for Latin script."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2
    for enc, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
        if zeros > 0.4 * half:
            try:
                return data.decode(enc), enc, 0.9, False
            except UnicodeDecodeError:
                return None
    return None


def _detect_single_byte(data: bytes) -> tuple[str, str, float, bool]:
    """Western text is cp1252 when it uses cp1252's extra characters, else Latin-1; others by detection."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    guess = best.encoding if best is not None else None
    if guess is None or guess in _WESTERN or _isolated_high_bytes(data):
        high = {b for b in data if b >= 0x80}
        if high & _CP1252_ONLY:
            try:
                return data.decode("cp1252"), "cp1252", 0.9, False
            except UnicodeDecodeError:
                pass
        return data.decode("latin-1"), "iso-8859-1", 0.9 if high else 0.99, False
    try:
        confidence = round(1.0 - float(best.chaos), 2) if best is not None else 0.5
        return data.decode(guess), guess.replace("_", "-"), max(0.0, confidence), False
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError("undecodable", "no text encoding decodes it") from exc


def _isolated_high_bytes(data: bytes) -> bool:
    """Single-byte Western text has lone high bytes inside ASCII words; CJK and Cyrillic have runs."""
    high = [i for i, b in enumerate(data) if b >= 0x80]
    if not high:
        return True
    lone = sum(
        1 for i in high if (i == 0 or data[i - 1] < 0x80) and (i + 1 == len(data) or data[i + 1] < 0x80)
    )
    return lone > 0.6 * len(high)


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
    import ftfy

    fixed_lines, count = [], 0
    for line in text.split("\n"):
        fixed = ftfy.fix_encoding(line) if _looks_mojibake(line) else line
        count += fixed != line
        fixed_lines.append(fixed)
    return "\n".join(fixed_lines), count


_MOJIBAKE_HINT = re.compile("[ÃÂâ][\u0080-\u00bf\u2018-\u203a\u0152-\u0178\u02c6\u02dc\u20ac\u2122]")


def _looks_mojibake(line: str) -> bool:
    return bool(_MOJIBAKE_HINT.search(line))


def clean(data: bytes) -> Decoded:
    """Decode raw bytes into clean NFC text with LF newlines, reporting every repair."""
    if not data.strip():
        raise InputError("empty", "is empty" if not data else "holds only white space")
    text, encoding, confidence, bom = _decode(data)
    repairs: list[Repair] = []
    if bom:
        repairs.append(Repair("bom", 1, f"{encoding} byte-order mark removed"))
    newline = newline_style(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if newline in ("crlf", "cr", "mixed"):
        repairs.append(Repair("newlines", 1, f"{newline} line ends made LF"))
    controls = _CONTROL.findall(text)
    if len(controls) > max(8, len(text) // 100):
        raise InputError("binary", f"looks binary ({len(controls)} control characters), not text")
    text, fixed = _fix_mojibake(text)
    if fixed:
        repairs.append(Repair("mojibake", fixed, "UTF-8 read as a single-byte encoding, repaired"))
    if controls:
        text = _CONTROL.sub("", text)
        codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in controls}))
        repairs.append(Repair("control-chars", len(controls), f"removed {codes}"))
    invisible = _INVISIBLE.findall(text)
    if invisible:
        text = _INVISIBLE.sub("", text)
        codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in invisible}))
        repairs.append(Repair("invisible-chars", len(invisible), f"removed {codes}"))
    nfc = unicodedata.normalize("NFC", text)
    if nfc != text:
        changed = max(1, len(text) - len(nfc))  # each composition joins a base and a mark
        repairs.append(Repair("nfc", changed, "normalised to Unicode NFC"))
    lines = [line.rstrip() for line in nfc.split("\n")]
    if not any(lines):
        raise InputError("empty", "holds no text after cleaning")
    return Decoded("\n".join(lines).strip("\n") + "\n", encoding, confidence, bom, newline, repairs)
