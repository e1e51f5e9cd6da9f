"""The PDF completeness gate: pages, each article's title on its page, one outline entry each."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections import Counter
from typing import Any

from archiver.export import ExportError
from archiver.export.edition import Edition
from archiver.export.typography import typeset

Entry = tuple[int, str, int]  # outline depth, title, index of the page it points to


def _outline(pdf: Any) -> list[Entry]:
    index = {page.objgen: i for i, page in enumerate(pdf.pages)}
    out: list[Entry] = []

    def walk(items: Any, depth: int) -> None:
        for item in items:
            dest = item.destination
            page = index.get(dest[0].objgen, -1) if dest is not None and len(dest) else -1
            out.append((depth, str(item.title), page))
            walk(item.children, depth + 1)

    with pdf.open_outline() as outline:
        walk(outline.root, 1)
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

    titles = [typeset(d.meta.title.text, d.meta.language.text) for d in edition.documents]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if len(pdf.pages) == 0:
            raise ExportError("the PDF has no pages")
        entries = _outline(pdf)
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
    outline = Counter(title for _, title, _ in entries)
    for title, n in Counter(titles).items():
        if outline[title] != n:
            raise ExportError(f"the outline has {outline[title]} entries for {title!r}, not {n}")
