"""Writes a PDF file object by object, so that an edition never has to be held whole in memory.

`Writer` numbers objects, packs the small ones into compressed object streams (as qpdf's
writer does for our parts), writes streams as they come and ends with a cross-reference stream
and a deterministic /ID (the MD5 of everything written before it). `Copier` serialises the
objects of one open pikepdf document into a writer, renumbered: each object reachable from what
it is asked for is written once, references that point outside the part (its page tree, its
structure tree root, a dropped page) map to objects the assembly writes itself, or to null.
"""

from __future__ import annotations

import hashlib
import re
import sys
import zlib
from array import array
from collections import deque
from decimal import Decimal
from typing import Any, BinaryIO, Protocol

PACK = 100  # objects per object stream (qpdf's figure)
# A literal string (qpdf escapes its parentheses), a hex string, or a reference "n g R".
_TOKENS = re.compile(rb"\((?:[^\\()]|\\.)*\)|<[0-9A-Fa-f\s]*>|(?<![\w.#/+-])(\d+) (\d+) R(?!\w)", re.DOTALL)
Objgen = tuple[int, int]


class Writer:
    """An output PDF being written: objects in any order, the cross-reference stream at `close`."""

    def __init__(self, out: BinaryIO, version: str) -> None:
        self.out = out
        self.digest = hashlib.md5(usedforsecurity=False)
        self.offset = 0
        # number -> its cross-reference entry: type (0 not yet written, 1 in the file, 2 packed),
        # offset or object stream, index in it; arrays, not tuples: an edition has 10^5-10^6 objects
        self.kinds = bytearray(1)
        self.seconds = array("q", [0])
        self.thirds = array("H", [65535])
        self.packed: list[tuple[int, bytes]] = []
        self._emit(b"%PDF-" + version.encode("ascii") + b"\n%\xbf\xf7\xa2\xfe\n")

    def _emit(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)
        self.offset += len(data)

    @property
    def last(self) -> int:
        """The highest number given."""
        return len(self.kinds) - 1

    def reserve(self) -> int:
        """A new object number (its object may be written later)."""
        self.kinds.append(0)
        self.seconds.append(0)
        self.thirds.append(0)
        return self.last

    def reserve_many(self, count: int) -> int:
        """`count` new object numbers in a row (as many `reserve` calls); the first of them."""
        first = len(self.kinds)
        self.kinds.extend(bytes(count))
        self.seconds.extend(array("q", bytes(8 * count)))
        self.thirds.extend(array("H", bytes(2 * count)))
        return first

    def _at(self, number: int, kind: int, second: int, third: int = 0) -> None:
        self.kinds[number], self.seconds[number], self.thirds[number] = kind, second, third

    def put(self, number: int, body: bytes) -> None:
        """Object `number` (not a stream): packed into the next object stream."""
        self.packed.append((number, body))
        if len(self.packed) >= PACK:
            self._pack()

    def put_plain(self, number: int, body: bytes) -> None:
        """Object `number` (not a stream) on its own, outside object streams: a reader that needs
        it alone (a page) does not decode the hundred objects packed beside it."""
        self._at(number, 1, self.offset)
        self._emit(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    def put_stream(self, number: int, entries: bytes, data: bytes) -> None:
        """Stream `number`: its dictionary's entries (without /Length) and its data as stored."""
        self._at(number, 1, self.offset)
        entries = (entries + b" " if entries else b"") + b"/Length %d" % len(data)
        head = b"%d 0 obj\n<< %s >>\nstream\n" % (number, entries)
        self._emit(head + data + b"\nendstream\nendobj\n")

    def _pack(self) -> None:
        if not self.packed:
            return
        number = self.reserve()
        index, bodies, at = [], [], 0
        for i, (n, body) in enumerate(self.packed):
            self._at(n, 2, number, i)
            index.append(b"%d %d" % (n, at))
            bodies.append(body)
            at += len(body) + 1
        head = b" ".join(index) + b"\n"
        data = zlib.compress(head + b"\n".join(bodies) + b"\n")
        entries = b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(self.packed), len(head))
        self.packed = []
        self.put_stream(number, entries, data)

    def close(self, root: int, info: int | None) -> None:
        """Write what is still packed, the cross-reference stream and the trailer."""
        self._pack()
        number = self.reserve()
        self._at(number, 1, self.offset)
        missing = [n for n in range(1, number + 1) if not self.kinds[n]]
        if missing:
            raise ValueError(f"objects reserved but never written: {missing[:5]}")
        wide = max(4, (self.offset.bit_length() + 7) // 8)
        table = _table(self.kinds, self.seconds, self.thirds, wide)
        ident = self.digest.hexdigest().encode("ascii")
        entries = (
            b"/Type /XRef /Size %d /W [ 1 %d 2 ] /Root %d 0 R%s /ID [ <%s> <%s> ] /Filter /FlateDecode"
            % (
                number + 1,
                wide,
                root,
                b"" if info is None else b" /Info %d 0 R" % info,
                ident,
                ident,
            )
        )
        start = self.offset
        self.put_stream(number, entries, zlib.compress(table))
        self._emit(b"startxref\n%d\n%%%%EOF\n" % start)


def _table(kinds: bytearray, seconds: array[int], thirds: array[int], wide: int) -> bytes:
    """The cross-reference stream's rows (type, `wide` bytes big-endian, 2 bytes big-endian), column by
    column: slices, not a Python step per object."""
    row = 1 + wide + 2
    table = bytearray(len(kinds) * row)
    table[0::row] = kinds
    for column, (values, width) in enumerate(((seconds, wide), (thirds, 2))):
        data = array(values.typecode, values)
        if sys.byteorder == "little":
            data.byteswap()
        raw, size = data.tobytes(), data.itemsize
        start = 1 + (wide if column else 0)
        for j in range(width):  # the low `width` bytes of each big-endian value
            table[start + j :: row] = raw[size - width + j :: size]
    return bytes(table)


class Sink(Protocol):
    """What a `Copier` writes into: a `Writer`, or a recorder in front of one (pdf_tape)."""

    def reserve(self) -> int: ...
    def put(self, number: int, body: bytes) -> None: ...
    def put_plain(self, number: int, body: bytes) -> None: ...
    def put_stream(self, number: int, entries: bytes, data: bytes) -> None: ...


class Copier:
    """Copies objects of one pikepdf document into a `Writer`, renumbered, each once."""

    def __init__(self, writer: Sink, pdf: Any) -> None:
        self.writer, self.pdf = writer, pdf
        self.numbers: dict[Objgen, int | None] = {}
        self.written: dict[bytes, bytes] = {}  # a reference as the part writes it -> as the file does
        self.queue: deque[Any] = deque()

    def fix(self, obj: Any, number: int | None) -> None:
        """References to `obj` become references to `number` (None: null); `obj` itself is not copied."""
        self.numbers[obj.objgen] = number
        self.written.pop(b"%d %d R" % obj.objgen, None)

    def ref(self, obj: Any) -> int | None:
        """The output number of indirect `obj` (copied at the next `flush`)."""
        found = self.numbers.get(obj.objgen, 0)
        if found != 0:
            return found
        number = self.numbers[obj.objgen] = self.writer.reserve()
        self.queue.append(obj)
        return number

    def stand_in(self, number: int, **entries: Any) -> Any:
        """An object of this document that is written as a reference to output object `number`."""
        import pikepdf

        stand = self.pdf.make_indirect(pikepdf.Dictionary(**entries))
        self.fix(stand, number)
        return stand

    def inline(self, obj: Any) -> bytes:
        """`obj` as it appears inside another object: a reference if indirect, else its text renumbered."""
        if isinstance(obj, bool):  # pikepdf gives numbers and booleans as Python values
            return b"true" if obj else b"false"
        if isinstance(obj, int | Decimal | float):
            return str(obj).encode("ascii")
        if obj.is_indirect:
            number = self.ref(obj)
            return b"null" if number is None else b"%d 0 R" % number
        return self._renumber(obj.unparse(resolved=True))

    def _renumber(self, text: bytes) -> bytes:
        if b" R" not in text:
            return text
        written = self.written

        def swap(match: re.Match[bytes]) -> bytes:
            token = match.group(0)
            found = written.get(token)
            if found is not None:
                return found
            if match.group(1) is None:  # a string
                return token
            objgen = (int(match.group(1)), int(match.group(2)))
            number = self.numbers.get(objgen, 0)
            if number == 0:
                number = self.ref(self.pdf.get_object(objgen))
            found = written[token] = b"null" if number is None else b"%d 0 R" % number
            return found

        return _TOKENS.sub(swap, text)

    def flush(self) -> None:
        """Write every object asked for so far, and whatever they refer to."""
        import pikepdf

        while self.queue:
            obj = self.queue.popleft()
            number = self.numbers[obj.objgen]
            assert number is not None
            if isinstance(obj, pikepdf.Stream):
                self._stream(number, obj)
            elif obj.get("/Type") == "/Page":
                self.writer.put_plain(number, self._renumber(obj.unparse(resolved=True)))
            else:
                self.writer.put(number, self._renumber(obj.unparse(resolved=True)))

    def _stream(self, number: int, stream: Any) -> None:
        """A stream as stored; one without a filter (written by archiver) compressed now, but for the XMP
        metadata, which stays readable without decoding (as qpdf leaves it)."""
        data = stream.read_raw_bytes()
        skip, extra = {"/Length"}, []
        if "/Filter" not in stream.stream_dict and stream.stream_dict.get("/Type") != "/Metadata":
            data = zlib.compress(data)
            skip.add("/DecodeParms")
            extra.append(b"/Filter /FlateDecode")
        entries = [_name(k) + b" " + self.inline(v) for k, v in stream.stream_dict.items() if k not in skip]
        self.writer.put_stream(number, b" ".join(entries + extra), data)


def _name(key: str) -> bytes:
    import pikepdf

    return bytes(pikepdf.Name(key).unparse())
