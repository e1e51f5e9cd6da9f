"""One WeasyPrint render: HTML and CSS to PDF/A-3u bytes, loading nothing but archiver's resources.

Every PDF document archiver makes goes through `render_html`, in this process or in a worker
(`render_part` is the picklable call the executor runs): the same bytes in, the same bytes out.
"""

from __future__ import annotations

import atexit
import importlib
import os
from collections.abc import Callable
from importlib import resources
from typing import Any

from archiver.export import ExportError, linear, pdf_fonts_folder, pdf_tags
from archiver.export.fonts import font_path, private_fontconfig

PDF_VARIANT = "pdf/a-3u"
LEVELS = "/ArchiverLevels"  # a chunk's catalog key: the bookmark level of each outline entry, in order


def fetcher() -> Any:
    """A URL fetcher that serves only our stylesheet and our fonts; anything else stops the render."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PackagedOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url == "archiver:styles/print.css":
                data = resources.files("archiver.styles").joinpath("print.css").read_bytes()
                return URLFetcherResponse(url, data, {"Content-Type": "text/css; charset=utf-8"})
            if url.startswith("archiver-font:"):
                data = font_path(url.split(":", 1)[1]).read_bytes()
                return URLFetcherResponse(url, data, {"Content-Type": "font/ttf"})
            raise ExportError(f"the PDF asked for {url!r}; only archiver's own resources may be loaded")

    return PackagedOnly(fail_on_errors=True)


def font_config() -> Any:
    """A WeasyPrint font configuration that knows no system font, only the @font-face files."""
    from weasyprint.text.fonts import FontConfiguration  # imported first: its import checks system fonts

    with private_fontconfig():
        return FontConfiguration()


_SHARED: list[tuple[Any, Any]] = []  # (fetcher, font configuration): this process's one pair
_STYLESHEETS: dict[str, Any] = {}  # css -> parsed stylesheet, at most STYLESHEETS of them
STYLESHEETS = 16  # a reading room serves many options


def _styles(css: str) -> tuple[Any, Any, Any]:
    """(fetcher, stylesheet, fonts) for `css`; the fetcher and fonts are made once a process.

    WeasyPrint copies each @font-face file of print.css to a temporary folder and has fontconfig
    scan it (the two CJK collections alone are 52 MB) once per font configuration, and keeps its
    line-height and font-feature caches there: a configuration per render paid all of it again
    (0.15 s of CPU a render). One configuration serves every stylesheet of the process (the font
    faces are print.css's); its folder is pdf_fonts_folder's, removed when the process ends.
    """
    from weasyprint import CSS

    if not _SHARED:
        fonts = font_config()
        fonts._folder = pdf_fonts_folder.folder()
        _SHARED.append((fetcher(), fonts))
    url_fetcher, fonts = _SHARED[0]
    stylesheet = _STYLESHEETS.get(css)
    if stylesheet is None:
        if len(_STYLESHEETS) >= STYLESHEETS:
            _STYLESHEETS.clear()
        stylesheet = _STYLESHEETS[css] = CSS(string=css, url_fetcher=url_fetcher, font_config=fonts)
    return url_fetcher, stylesheet, fonts


def _forget_inherited() -> None:
    """In a forked child: drop the parent's configuration without removing its font folder."""
    for _, fonts in _SHARED:
        fonts._folder = None
    _SHARED.clear()
    _STYLESHEETS.clear()
    pdf_fonts_folder.forget()


def _release() -> None:
    """Free the configuration while Pango is still loaded (freed at interpreter teardown, it crashed)."""
    _STYLESHEETS.clear()
    _SHARED.clear()
    pdf_fonts_folder.release()


os.register_at_fork(after_in_child=_forget_inherited)
atexit.register(_release)


def render_html(
    html: bytes,
    css: str,
    attachments: list[Any] | None = None,
    prepare: Callable[[Any], dict[str, list[Any]] | None] | None = None,
    tagged: bool = True,
) -> bytes:
    """HTML to PDF/A-3u bytes; a resource outside archiver's own stops the render with an ExportError.

    `prepare(document)` may adjust the laid-out document before it is written, and return notes
    for the assembler ({catalog key: flat list of numbers and strings}), written into the
    catalog. The catalog also carries LEVELS, the bookmark level of each outline entry in
    outline order, so that an assembler can nest the entries of several documents as one
    document would.
    """
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    linear.install()
    url_fetcher, stylesheet, fonts = _styles(css)
    try:
        document = HTML(string=html, base_url="archiver:", url_fetcher=url_fetcher).render(
            stylesheets=[stylesheet],
            font_config=fonts,
            pdf_tags=tagged,
        )
        extra = (prepare(document) if prepare is not None else None) or {}
        levels = [level for page in document.pages for level, *_ in page.bookmarks]

        def finisher(_document: Any, pdf: Any) -> None:
            import pydyf

            pdf_tags.fold_spans(pdf)
            pdf.catalog[LEVELS[1:]] = pydyf.Array(levels)
            for name, values in extra.items():
                pdf.catalog[name[1:]] = pydyf.Array(
                    [pydyf.String(v) if isinstance(v, str) else v for v in values]
                )

        data: bytes = document.write_pdf(
            pdf_variant=PDF_VARIANT, pdf_tags=tagged, attachments=attachments or [], finisher=finisher
        )
    except FatalURLFetchingError as exc:
        raise ExportError(f"PDF render stopped: {exc.__cause__ or exc}") from None
    return data


# What a part notes in its catalog for the assembler, by name: the name travels to the worker.
NOTES: dict[str, str] = {
    "starts": "archiver.export.page_list:page_starts",  # where each page starts (a body part)
    "contents": "archiver.export.pdf_contents:notes",  # the number columns (a contents chunk)
    "": "",  # nothing (the cover)
}


def render_part(html: bytes, css: str, notes: str = "starts") -> bytes:
    """The executor's work: one part of an edition as PDF bytes (plain data in, plain data out).

    `notes` names what the part notes in its catalog for the assembler (NOTES).
    """
    where = NOTES[notes]
    if not where:
        return render_html(html, css)
    module, name = where.split(":")
    return render_html(html, css, prepare=getattr(importlib.import_module(module), name))


def part_crashed(html: bytes, css: str, notes: str = "starts") -> bytes:
    """The executor's answer when the worker rendering a chunk died twice."""
    raise ExportError("a worker process died while rendering part of the PDF (out of memory?)")
