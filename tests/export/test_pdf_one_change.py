"""A new version of one article in a PDF edition renders again its body chunk and colophon chunk only.

The edition's date (its newest ingest) moves with the new version, yet the cover, which does not
show it, comes from the cache: the date, authors and keywords are stamped at assembly. The
contents chunk that lists the article links to the entry's place and comes from the cache too;
the assembly points its link and number at the new version's anchor.
"""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from archiver.document.model import Document
from archiver.export import ExportError, pdf, pdf_gate, pdf_parts
from archiver.export.cache import Context, RenderCache
from archiver.export.edition import gather
from archiver.export.frame import frame
from archiver.ingest import ingest_bytes
from tests.conftest import SOURCES, WHEN

LATER = "2024-03-05T06:07:08Z"  # when the correction was ingested: after every other article
KINDS = {  # what a rendered document is, by a class its HTML carries
    b'class="cover"': "cover",
    b"data-entry=": "contents",  # a contents chunk's entries (the numbers' sample has none)
    b'class="colophon"': "colophon",
    b"<article": "body",
}


def _render(docs: list[Document], cache: RenderCache | None) -> bytes:
    return pdf.render(frame(gather(docs, "month"), Context(cache, 1)), chunk=1)


def _kind(html: bytes) -> str:
    found = [kind for mark, kind in KINDS.items() if mark in html]
    return found[0] if found else "sample"


def _corrected(doc: Document) -> Document:
    """The article with a sentence added after publication, ingested later: a new id and a newer date."""
    raw = (SOURCES / doc.provenance.file_name).read_bytes()
    more = raw + b"\n\nCorrection: one sentence more.\n"
    return ingest_bytes(more, doc.provenance.file_name, LATER).document


def _facts(data: bytes) -> tuple[str, str, str, list[str]]:
    with pikepdf.open(io.BytesIO(data)) as p:
        xmp = p.open_metadata()
        dests = pikepdf.NameTree(p.Root.Names.Dests)
        annots = [a for page in p.pages for a in page.get("/Annots", [])]
        links = [str(a.Dest) for a in annots if isinstance(a.get("/Dest"), pikepdf.String)]
        missing = [name for name in links if name not in dests]
        return str(p.docinfo.ModDate), xmp["xmp:ModifyDate"], xmp["xmp:CreateDate"], missing


def test_a_new_version_renders_only_its_chunks_and_is_byte_identical_to_cold(
    docs: list[Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # the edition's date is its newest ingest
    rendered: list[bytes] = []  # the HTML of each document rendered (in this process or a worker)
    keep = pdf_parts.Rendered._keep

    def kept(self: pdf_parts.Rendered, job: pdf_parts.Job, data: bytes) -> Path:
        rendered.append(job.html)
        return keep(self, job, data)

    monkeypatch.setattr(pdf_parts.Rendered, "_keep", kept)
    some = [d for d in docs if d.meta.language.text == "en"][:4]
    cache = RenderCache(tmp_path / "cache")
    before = _render(some, cache)
    assert sorted(map(_kind, rendered)) == ["body"] * 4 + ["colophon", "contents", "cover"] + ["sample"] * 2
    assert _facts(before)[:3] == ("D:20240101000000Z", WHEN, WHEN)
    rendered.clear()
    new = _corrected(some[1])
    changed = [new if i == 1 else d for i, d in enumerate(some)]
    after = _render(changed, cache)
    assert sorted(map(_kind, rendered)) == ["body", "colophon"]  # not the cover, not the contents
    body = next(html for html in rendered if _kind(html) == "body")
    assert f'id="a{new.meta.archive_id}"'.encode() in body and b"Correction: one sentence" in body
    assert _facts(after) == ("D:20240305060708Z", LATER, LATER, [])  # the new date; every link lands
    with pikepdf.open(io.BytesIO(after)) as p:
        dests = pikepdf.NameTree(p.Root.Names.Dests)
        assert f"a{new.meta.archive_id}" in dests and f"a{some[1].meta.archive_id}" not in dests
        contents_links = {str(a.Dest) for a in p.pages[1].get("/Annots", [])}
    assert contents_links == {f"a{d.meta.archive_id}" for d in changed}  # the contents link the articles
    assert pdf_gate.pdf_text(after).count("Correction: one sentence more.") == 1
    rendered.clear()
    cold = _render(changed, None)
    assert len(rendered) == 9  # without a cache every document renders
    assert after == cold


def test_two_documents_to_render_go_one_to_a_fork_one_here_and_give_the_same_bytes(
    docs: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    from archiver import executor

    made: list[int] = []  # sets of workers started
    runner = executor.runner
    monkeypatch.setattr(executor, "runner", lambda *args: made.append(1) or runner(*args))
    forked: list[int] = []  # the sizes of the documents rendered in a fork
    fork = pdf_parts._fork
    monkeypatch.setattr(pdf_parts, "_fork", lambda job, out: forked.append(len(job.html)) or fork(job, out))
    rendered: list[int] = []
    keep = pdf_parts.Rendered._keep

    def kept(self: pdf_parts.Rendered, job: pdf_parts.Job, data: bytes) -> Path:
        rendered.append(len(job.html))
        return keep(self, job, data)

    monkeypatch.setattr(pdf_parts.Rendered, "_keep", kept)
    one = gather(docs[:1])  # the cover and one body chunk to render first
    monkeypatch.setattr(pdf_parts, "FORK_BELOW", 1 << 50)  # as if this process held a few articles
    forks = pdf.render(frame(one, Context(None, 2)))
    assert len(forked) == 1 and forked[0] == max(rendered[:2]) and made == []  # the longer, in a fork
    here = pdf.render(frame(one, Context(None, 1)))  # one worker allowed: all here
    assert len(forked) == 1 and forks == here
    monkeypatch.setattr(pdf_parts, "FORK_BELOW", 0)  # as if it held thousands: a fork would count it all
    assert pdf.render(frame(one, Context(None, 2))) == here and len(forked) == 1
    monkeypatch.setattr(pdf_parts, "FORK_BELOW", 1 << 50)
    monkeypatch.setattr(pdf_parts, "_render_into", lambda *args: os._exit(3))  # a fork that dies
    again = pdf.render(frame(one, Context(None, 2)))
    assert len(forked) == 2 and again == here  # rendered here instead, the same


def test_a_failure_beside_the_fork_stops_it(docs: list[Document], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_parts, "FORK_BELOW", 1 << 50)
    forks: list[Any] = []
    fork = pdf_parts._fork
    monkeypatch.setattr(pdf_parts, "_fork", lambda job, out: forks.append(fork(job, out)) or forks[-1])

    def fails(self: pdf_parts.Rendered, job: pdf_parts.Job, render: Any = None) -> Path:
        raise ExportError("the render here failed")

    monkeypatch.setattr(pdf_parts.Rendered, "one", fails)
    with pytest.raises(ExportError, match="the render here failed"):
        pdf.render(frame(gather(docs[:1]), Context(None, 2)))
    (process,) = forks
    assert process.exitcode == -signal.SIGKILL  # stopped, not waited for
