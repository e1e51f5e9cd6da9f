"""The EPUB container's zip writer gives the bytes Python's zipfile gives, and reuses compressed members."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from archiver.export import zipped

STAMPS = [(1980, 1, 1, 0, 0, 0), (2019, 4, 30, 23, 59, 58), (2026, 11, 30, 14, 32, 9)]


def by_zipfile(members: list[tuple[str, bytes, bool]], stamp: tuple[int, int, int, int, int, int]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, data, compress in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            dst.writestr(info, data, compresslevel=9)
    return out.getvalue()


@pytest.mark.parametrize("stamp", STAMPS)
def test_the_same_bytes_as_zipfile(stamp: tuple[int, int, int, int, int, int]) -> None:
    members = [
        ("mimetype", b"application/epub+zip", False),
        ("EPUB/text/a.xhtml", "<p>Ĳsselmeer, «dit».</p>".encode() * 500, True),
        ("EPUB/empty.css", b"", True),
        ("EPUB/images/noise.bin", os.urandom(70_000), True),  # deflate cannot shrink it
    ]
    ours = zipped.pack(members, stamp)
    assert ours == by_zipfile(members, stamp)
    with zipfile.ZipFile(io.BytesIO(ours)) as zf:
        assert zf.testzip() is None
        assert [(i.filename, zf.read(i)) for i in zf.infolist()] == [(n, d) for n, d, _ in members]
        assert zf.infolist()[1].date_time == (
            stamp[0],
            stamp[1],
            stamp[2],
            stamp[3],
            stamp[4],
            stamp[5] // 2 * 2,
        )


def test_compressed_members_come_from_the_deflater() -> None:
    asked: list[bytes] = []

    def deflated(data: bytes) -> bytes:
        asked.append(data)
        return zipped.deflate(data)

    members = [("mimetype", b"application/epub+zip", False), ("a.xhtml", b"<p>one</p>" * 50, True)]
    assert zipped.pack(members, STAMPS[1], deflated) == zipped.pack(members, STAMPS[1])
    assert asked == [b"<p>one</p>" * 50]  # the stored mimetype is never compressed
