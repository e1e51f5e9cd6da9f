"""A PDF export that likely renders a few documents again loads WeasyPrint early, in a fork (pdf_preload).

After one article changed, its body chunk and colophon chunk render in forks of that preloader, side
by side, and the edition is byte-identical to a cold export without a cache; the preloader ends
with the export and leaves no font folder.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from archiver.document.model import Document
from archiver.export import pdf, pdf_fonts_folder, pdf_parts, pdf_plan, pdf_preload
from archiver.export.cache import Context, RenderCache
from archiver.export.edition import gather
from archiver.export.frame import frame
from tests.export.test_pdf_one_change import _corrected, _kind


def _render(docs: list[Document], cache: RenderCache | None, jobs: int) -> bytes:
    return pdf.render(frame(gather(docs, "month"), Context(cache, jobs)), chunk=1)


@pytest.fixture
def temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder of the test's own, where font folders would be left."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_one_change_renders_its_two_chunks_in_the_preloader_and_gives_cold_bytes(
    docs: list[Document], tmp_path: Path, temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # the edition's date is its newest ingest
    kept: list[bytes] = []  # the HTML of every document rendered, wherever it was rendered
    keep = pdf_parts.Rendered._keep
    monkeypatch.setattr(
        pdf_parts.Rendered, "_keep", lambda self, job, data: kept.append(job.html) or keep(self, job, data)
    )
    batches: list[int] = []  # the size of each batch the preloader rendered
    preloaders: list[pdf_preload.Preloader] = []
    render, init = pdf_preload.Preloader.render, pdf_preload.Preloader.__init__

    def counted(
        self: pdf_preload.Preloader, calls: Sequence[pdf_preload.Call], folder: Path, *meanwhile: Any
    ) -> list[bytes | None]:
        batches.append(len(calls))
        before = len(fronts)
        try:
            return render(self, calls, folder, *meanwhile)
        finally:
            beside.append(len(fronts) - before)

    def started(self: pdf_preload.Preloader, css: str, lang: str) -> None:
        init(self, css, lang)
        preloaders.append(self)

    fronts: list[int] = []  # the edition's front documents made (attachments, XMP)
    beside: list[int] = []  # how many of them were made during each preloaded render
    front = pdf._front_document
    monkeypatch.setattr(pdf, "_front_document", lambda *args: fronts.append(1) or front(*args))
    monkeypatch.setattr(pdf_preload.Preloader, "render", counted)
    monkeypatch.setattr(pdf_preload.Preloader, "__init__", started)
    monkeypatch.setattr(pdf, "slices", lambda count: pdf_plan.slices(count, 1))  # a colophon chunk each
    some = gather([d for d in docs if d.meta.language.text == "en"][:4], "month").documents
    cache = RenderCache(tmp_path / "cache")
    _render(some, cache, 2)
    assert preloaders == [] and len(kept) == 12  # cold: no PDF parts kept yet, workers render all
    kept.clear()
    new = _corrected(some[1])
    changed = [new if i == 1 else d for i, d in enumerate(some)]
    after = _render(changed, cache, 2)
    assert sorted(map(_kind, kept)) == ["body", "colophon"] and batches == [2]  # both at once, preloaded
    assert beside == [1] and len(fronts) == 2  # the front made as they rendered (once cold, once here)
    (preloader,) = preloaders
    assert not preloader.process.is_alive() and preloader.process.exitcode == 0  # ended with the export
    left = {p.name for p in temp.iterdir()}  # this process's own font folder may stay
    assert not {name for name in left if not name.startswith(f"{pdf_fonts_folder.PREFIX}{os.getpid()}-")}
    assert after == _render(changed, None, 1)  # cold, one process, no cache: the same bytes
    assert len(preloaders) == 1  # no cache: none started


def test_a_document_the_preloader_fails_to_render_renders_here(
    docs: list[Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    some = docs[:3]
    cache = RenderCache(tmp_path / "cache")
    _render(some[:2], cache, 2)  # parts kept: the next export starts a preloader
    monkeypatch.setattr(pdf_preload, "_batch", lambda batch: [False] * len(batch))  # every fork fails
    asked: list[int] = []
    render = pdf_preload.Preloader.render
    monkeypatch.setattr(
        pdf_preload.Preloader,
        "render",
        lambda self, calls, folder, *more: asked.append(len(calls)) or render(self, calls, folder, *more),
    )
    assert _render(some, cache, 2) == _render(some, None, 1) and asked  # asked, failed, rendered here


def test_an_edition_exported_before_starts_no_preloader(
    docs: list[Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[int] = []
    init = pdf_preload.Preloader.__init__
    monkeypatch.setattr(
        pdf_preload.Preloader, "__init__", lambda self, css, lang: started.append(1) or init(self, css, lang)
    )
    cache = RenderCache(tmp_path / "cache")
    ids = [d.meta.archive_id for d in docs[:2]]
    first = _render(docs[:2], cache, 2)  # cold: no PDF parts kept, no preloader
    pdf.prepare(pdf.PdfOptions(), Context(cache, 2), ids)  # the same articles and options: a warm export
    assert _render(docs[:2], cache, 2) == first and started == []
    other = Context(cache, 2)
    pdf.prepare(pdf.PdfOptions(), other, ids[:1])  # other articles: likely a few to render
    assert started == [1]
    preloader = pdf_preload.take(other)
    assert preloader is not None
    preloader.close()


def test_a_preloader_only_where_it_serves(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path / "cache")
    assert not pdf_preload.wanted(Context(cache, 2))  # no PDF parts kept: a cold export, workers render
    (tmp_path / "cache" / "pdf").mkdir(parents=True)
    assert pdf_preload.wanted(Context(cache, 2)) and pdf_preload.wanted(Context(cache, 0))
    assert not pdf_preload.wanted(Context(cache, 1))  # one process asked for
    assert not pdf_preload.wanted(Context(None, 2))  # no cache: everything renders
    assert not pdf_preload.wanted(Context(cache, 2, executor="dask"))


def test_a_preloader_closed_while_it_warms_up_leaves_at_once_and_removes_its_font_folder(
    temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warm = pdf_preload._warm
    monkeypatch.setattr(pdf_preload, "_warm", lambda css, lang: warm(css, lang) or time.sleep(60))  # slow
    preloader = pdf_preload.Preloader("@page { size: A4 }", "en")
    mine = f"{pdf_fonts_folder.PREFIX}{preloader.process.pid}-"
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(mine) for p in temp.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.01)  # until it has made its font folder, and warms up for a minute more
    assert any(p.name.startswith(mine) for p in temp.iterdir())
    started = time.monotonic()
    preloader.close()
    assert time.monotonic() - started < 30  # stopped, not waited for
    assert preloader.process.exitcode == 0 and not any(p.name.startswith(mine) for p in temp.iterdir())
