"""The PDF completeness gate: pages, each article's title on its page, one outline entry each."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from archiver.document.model import Document
from archiver.export import ExportError
from archiver.export.edition import Edition
from archiver.export.typography import typeset

Entry = tuple[int, str, int]  # outline depth, title, index of the page it points to


def _outline(pdf: Any) -> list[Entry]:
    """Every outline entry in order, read off the dictionaries (pikepdf's outline model costs 3 s at
    1,000 articles): depth, title, the index of the page its destination names (-1 for none)."""
    import pikepdf

    index = {page.objgen: i for i, page in enumerate(pdf.pages)}
    out: list[Entry] = []
    seen: set[tuple[int, int]] = set()

    def walk(item: Any, depth: int) -> None:
        while item is not None and item.objgen not in seen:
            seen.add(item.objgen)
            dest = item.get("/Dest")
            if dest is None and "/A" in item:
                dest = item.A.get("/D")
            page = index.get(dest[0].objgen, -1) if isinstance(dest, pikepdf.Array) and len(dest) else -1
            out.append((depth, str(item.get("/Title", "")), page))
            if "/First" in item:
                walk(item.First, depth + 1)
            item = item.get("/Next")

    root = pdf.Root.get("/Outlines")
    if root is not None and "/First" in root:
        walk(root.First, 1)
    return out


def outline_titles(data: bytes) -> list[tuple[int, str]]:
    """(depth, title) of every outline entry, in order."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [(depth, title) for depth, title, _ in _outline(pdf)]


def pdf_text(data: bytes) -> str:
    """The text layer, via poppler's pdftotext (installed by the project's setup)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise ExportError("pdftotext is missing (make setup installs poppler-utils)")
    proc = subprocess.run([exe, "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return proc.stdout.decode("utf-8")


def _pages_text(pdf: Any, indices: list[int]) -> str:
    """The text layer of some pages only: what the gate reads costs per article, not per page."""
    import pikepdf

    if not indices:
        return ""
    subset = pikepdf.new()
    for i in indices:
        page = pdf.pages[i]
        if "/Annots" in page.obj:
            del page.obj["/Annots"]  # links would copy the pages they point to (never saved back)
        subset.pages.append(page)
    out = io.BytesIO()
    subset.save(out)
    return pdf_text(out.getvalue())


def check(data: bytes, edition: Edition) -> None:
    """Completeness gate: pages, every title on the page its outline entry points to, one entry each."""
    import pikepdf

    titles = edition_titles(edition)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if len(pdf.pages) == 0:
            raise ExportError("the PDF has no pages")
        entries = _outline(pdf)
        _on_their_pages(pdf, entries, titles)
        _structure(len(pdf.pages), entries, titles)


def check_part(path: Path, titles: Sequence[str]) -> None:
    """The gate's reading of one rendered body part: each of its articles' `titles` (typeset) on the page
    its outline entry points to. An edition whose parts passed needs only `check_assembly`."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        _on_their_pages(pdf, _outline(pdf), titles)


def check_assembly(data: bytes, edition: Edition) -> None:
    """The gate without reading text, for an edition assembled from parts that passed `check_part`:
    pages, and one outline entry per article, each pointing to a page after the cover."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        entries = _outline(pdf)
        _structure(len(pdf.pages), entries, edition_titles(edition))
        wanted = set(edition_titles(edition))
        if any(page <= 0 for _, title, page in entries if title in wanted):
            raise ExportError("an article's outline entry points to no page of the edition")


def edition_titles(edition: Edition) -> list[str]:
    """Each article's title as the outline shows it."""
    return [outline_title(d) for d in edition.documents]


def outline_title(document: Document) -> str:
    """An article's title as the outline shows it (typeset in its language)."""
    return typeset(document.meta.title.text, document.meta.language.text)


def _structure(pages: int, entries: list[Entry], titles: list[str]) -> None:
    """Pages at all, and as many outline entries for each title as articles carry it."""
    if pages == 0:
        raise ExportError("the PDF has no pages")
    outline = Counter(title for _, title, _ in entries)
    for title, n in Counter(titles).items():
        if outline[title] != n:
            raise ExportError(f"the outline has {outline[title]} entries for {title!r}, not {n}")


def _on_their_pages(pdf: Any, entries: list[Entry], titles: Sequence[str]) -> None:
    """Every title's words on the pages its outline entries point to (pdftotext of those pages only)."""
    wanted = set(titles)
    pages = sorted({page for _, title, page in entries if title in wanted and page >= 0})
    # pdftotext ends every page with a form feed: the text of each page the titles are on
    texts = _pages_text(pdf, pages).split("\f")[: len(pages)]
    if len(texts) != len(pages):
        raise ExportError(f"the text layer has {len(texts)} of the {len(pages)} title pages")
    clean = [" ".join(re.sub("[-\u2010]\n", "", t).split()) for t in texts]  # rejoin broken words
    on_page = dict(zip(pages, clean, strict=True))
    where: dict[str, list[int]] = {}
    for _, title, page in entries:
        where.setdefault(title, []).append(page)
    for title in titles:  # each title against its own page: linear in the edition, not quadratic
        words = [w for w in title.split() if len(w) > 3][:6]
        text = " ".join(on_page.get(page, "") for page in where.get(title, []))
        if not all(w in text for w in words):
            raise ExportError(f"title {title!r} is not in the PDF's text layer")
