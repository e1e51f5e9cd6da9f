"""The edition written part by part: nothing left behind, every page in the tree, pages readable alone."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest

from archiver.document.model import Document
from archiver.export import pdf
from archiver.export.cache import Context
from archiver.export.edition import gather
from archiver.export.frame import frame
from tests.export.conftest import EPOCH


@pytest.fixture(scope="module")
def streamed(docs: list[Document]) -> bytes:
    """The edition of sources/ in chunks of two articles (five parts after the front)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return pdf.render(frame(gather(docs, "month"), Context(None, 1)), chunk=2)


def _reachable(doc: pikepdf.Pdf) -> set[tuple[int, int]]:
    """The objects reachable from the trailer."""
    seen: set[tuple[int, int]] = set()
    stack: list[object] = [doc.trailer]
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Stream):
            stack += list(obj.stream_dict.values())
        elif isinstance(obj, pikepdf.Dictionary):
            stack += list(obj.values())
        elif isinstance(obj, pikepdf.Array):
            stack += list(obj)
    return seen


def test_every_object_written_is_reachable_and_every_page_is_in_the_page_tree(streamed: bytes) -> None:
    data = streamed
    with pikepdf.open(io.BytesIO(data)) as doc:
        reachable = _reachable(doc)
        written = {
            o.objgen
            for o in doc.objects
            if not (isinstance(o, pikepdf.Stream) and o.get("/Type") in ("/ObjStm", "/XRef"))
        }
        assert written - reachable == set()  # no dropped verso, no part's old tree root left behind
        pages = {p.objgen for p in doc.pages}
        assert {
            o.objgen for o in doc.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Page"
        } == pages
        assert all(p.obj.Parent.objgen == doc.Root.Pages.objgen for p in doc.pages)


def test_pages_stand_outside_object_streams(streamed: bytes, tmp_path: Path) -> None:
    data = streamed
    path = tmp_path / "edition.pdf"
    path.write_bytes(data)
    xref = subprocess.run(
        ["qpdf", "--show-xref", str(path)], capture_output=True, text=True, check=True
    ).stdout
    packed = {
        int(line.split("/")[0]) for line in xref.splitlines() if "compressed" in line and "un" not in line
    }
    with pikepdf.open(path) as doc:
        assert packed and not packed & {p.objgen[0] for p in doc.pages}
