"""A reproducible zip (the EPUB container): fixed times and modes, each member deflated once per content.

The bytes are those Python's zipfile writes for the same members (`ZipInfo` with `date_time`,
`create_system` 3, mode 0644, level 9; tests/export/test_zipped.py compares), but a member's
compressed bytes can come from elsewhere: `deflated` is asked for them, so that a render cache
can hand back what an earlier export compressed instead of compressing every page again.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable

VERSION = 20  # "version needed to extract" and "made by": deflate (2.0), as zipfile writes
UNIX = 3  # made by: Unix, so that the external attributes are a file mode
MODE = 0o100644 << 16  # a regular file, rw-r--r--
LOCAL = struct.Struct("<4s2B4HL2L2H")
CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
END = struct.Struct("<4s4H2LH")


def deflate(data: bytes) -> bytes:
    """Raw deflate at level 9, as zipfile compresses a member."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    """(time, date) in MS-DOS form, as zip headers carry them."""
    year, month, day, hour, minute, second = date_time
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


def pack(
    members: Iterable[tuple[str, bytes, bool]],
    date_time: tuple[int, int, int, int, int, int],
    deflated: Callable[[bytes], bytes] = deflate,
) -> bytes:
    """The zip of (name, data, compress) members in order; `compress` False stores the member as is."""
    time, date = dos_time(date_time)
    out: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for name, data, compress in members:
        raw = name.encode("ascii")  # EPUB paths are ASCII here; zipfile would flag UTF-8 names
        body = deflated(data) if compress else data
        method = 8 if compress else 0  # deflate, or stored
        crc = zlib.crc32(data)
        head = LOCAL.pack(
            b"PK\003\004", VERSION, 0, 0, method, time, date, crc, len(body), len(data), len(raw), 0
        )
        directory.append(
            CENTRAL.pack(
                b"PK\001\002",
                VERSION,
                UNIX,
                VERSION,
                0,
                0,
                method,
                time,
                date,
                crc,
                len(body),
                len(data),
                len(raw),
                0,
                0,
                0,
                0,
                MODE,
                offset,
            )
            + raw
        )
        out += [head, raw, body]
        offset += len(head) + len(raw) + len(body)
    central = b"".join(directory)
    end = END.pack(b"PK\005\006", 0, 0, len(directory), len(directory), len(central), offset, 0)
    return b"".join([*out, central, end])
