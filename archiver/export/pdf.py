"""Print-ready PDF/A-3u editions with WeasyPrint, each article's canonical XML attached as Source."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import Any

from lxml import etree

from archiver import __version__
from archiver.document.xmlio import to_bytes
from archiver.export import ExportError, Format, cover, glyphs, linear, xhtml
from archiver.export.edition import Edition
from archiver.export.fonts import font_path, private_fontconfig
from archiver.export.frame import Frame, Part, as_frame
from archiver.export.labels import label
from archiver.export.options import validate
from archiver.export.pdf_gate import check

PAPERS = {"A4": "A4", "A5": "A5", "Letter": "letter"}
LAYOUTS = ("book", "newspaper")
PDF_VARIANT = "pdf/a-3u"


@dataclass(frozen=True)
class PdfOptions:
    """Print options: paper, one or two columns, bleed for the print shop, crop marks."""

    paper: str = field(default="A4", metadata={"help": "paper size", "choices": tuple(PAPERS)})
    layout: str = field(
        default="book",
        metadata={"help": "book (one column) or newspaper (two columns)", "choices": LAYOUTS},
    )
    bleed: float = field(
        default=0.0, metadata={"help": "bleed in millimetres for the print shop", "range": (0, 10)}
    )
    marks: bool = field(default=False, metadata={"help": "crop marks"})

    def __post_init__(self) -> None:
        validate(self)

    def stylesheet(self) -> str:
        """The CSS for these options, added after print.css."""
        rules = [f"@page {{ size: {PAPERS[self.paper]};"]
        if self.bleed:
            rules.append(f" bleed: {self.bleed}mm;")
        if self.marks:
            rules.append(" marks: crop cross;")
        rules.append(" }")
        if self.paper == "A5":
            rules.append(" :root { font-size: 9.5pt; } @page { margin: 15mm 12mm 17mm 17mm; }")
        if self.layout == "newspaper":
            rules.append(
                " article { columns: 2; column-gap: 6mm; }"
                " article header.article-head, article figure.photo { column-span: all; }"
            )
        return "".join(rules)


def _fetcher() -> Any:
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


def _head(root: Any, edition: Edition) -> None:
    """Title, authors, keywords, description and dates: WeasyPrint turns them into PDF metadata."""
    head = xhtml.el(root, "head")
    xhtml.el(head, "meta", charset="utf-8")
    xhtml.el(head, "title", edition.title)
    for name in dict.fromkeys(a.text for d in edition.documents for a in d.meta.authors):
        xhtml.el(head, "meta", name="author", content=name)
    keywords = dict.fromkeys(k for d in edition.documents for k in d.meta.keywords)
    if keywords:
        xhtml.el(head, "meta", name="keywords", content=", ".join(keywords))
    xhtml.el(head, "meta", name="description", content=cover.subtitle(edition))
    xhtml.el(head, "meta", name="generator", content=f"archiver {__version__}")
    dates = sorted(d.published.value for d in edition.documents if d.published)
    if dates:
        xhtml.el(head, "meta", name="dcterms.created", content=dates[0][:10])  # W3C-DTF keeps "2019-04"
    xhtml.el(head, "meta", name="dcterms.modified", content=edition.modified().strftime("%Y-%m-%dT%H:%M:%SZ"))
    xhtml.el(head, "link", rel="stylesheet", href="archiver:styles/print.css")


def _run_in_head(part: Part) -> Any:
    """In print a section starts no page of its own: its label heads its first article's page."""
    return xhtml.el(None, "h2", part.title, cls="group", id=part.id)


# Part kind -> its element in the one HTML document (a copy: the frame may feed other formats).
PRINTED: dict[str, Callable[[Part], Any]] = {
    "cover": lambda part: copy.deepcopy(part.element),
    "contents": lambda part: copy.deepcopy(part.element),
    "section": _run_in_head,
    "article": lambda part: linear.short_runs(copy.deepcopy(part.element)),
    "colophon": lambda part: copy.deepcopy(part.element),
}


def edition_html(source: Frame | Edition) -> bytes:
    """The whole edition as one HTML document: the frame's parts, one after another."""
    framed = as_frame(source)
    root = xhtml.el(None, "html", lang=framed.edition.lang)
    _head(root, framed.edition)
    body = xhtml.el(root, "body", cls="grouped" if framed.grouped else "ungrouped")
    for part in framed.parts:
        body.append(PRINTED[part.kind](part))
    out: bytes = etree.tostring(root, method="html", encoding="utf-8", doctype="<!DOCTYPE html>")
    return out


def _attachments(edition: Edition, fetcher: Any) -> list[Any]:
    from weasyprint import Attachment

    out = []
    for doc in edition.documents:
        when = datetime.fromisoformat(doc.provenance.events[0].when.replace("Z", "+00:00"))
        out.append(
            Attachment(
                file_obj=io.BytesIO(to_bytes(doc)),
                url_fetcher=fetcher,
                name=f"{doc.meta.archive_id}.xml",
                description=f"Canonical XML of “{doc.meta.title.text}”",
                created=when,
                modified=when,
                relationship="Source",
            )
        )
    return out


def render(source: Frame | Edition, options: PdfOptions | None = None) -> bytes:
    """The PDF of an edition, as bytes; the same edition and options always give the same bytes."""
    framed = as_frame(source)
    edition = framed.edition
    fetcher = _fetcher()
    raw = html_to_pdf(edition_html(framed), options or PdfOptions(), _attachments(edition, fetcher), fetcher)
    data = _finish(raw, edition)
    check(data, edition)
    return data


def html_to_pdf(html: bytes, options: PdfOptions, attachments: list[Any], fetcher: Any = None) -> bytes:
    """HTML to PDF/A-3u bytes; a resource outside archiver's own stops the render with an ExportError.

    Only the fonts print.css declares are used: a character none of them has prints as a box.
    """
    from weasyprint import CSS, HTML
    from weasyprint.urls import FatalURLFetchingError

    linear.install()
    fetcher = fetcher or _fetcher()
    fonts = _font_config()
    try:
        document = HTML(string=html, base_url="archiver:", url_fetcher=fetcher).render(
            stylesheets=[CSS(string=options.stylesheet(), url_fetcher=fetcher, font_config=fonts)],
            font_config=fonts,
            pdf_tags=True,
        )
        data: bytes = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, attachments=attachments)
    except FatalURLFetchingError as exc:
        raise ExportError(f"PDF render stopped: {exc.__cause__ or exc}") from None
    return data


def _font_config() -> Any:
    """A WeasyPrint font configuration that knows no system font, only the @font-face files."""
    from weasyprint.text.fonts import FontConfiguration  # imported first: its import checks system fonts

    with private_fontconfig():
        return FontConfiguration()


def _finish(raw: bytes, edition: Edition) -> bytes:
    """Page labels (the cover, then the printed folios), saved deterministically."""
    import pikepdf

    with pikepdf.open(io.BytesIO(raw)) as pdf:
        unique = {f.objgen: f for f in pdf.Root.AF}  # WeasyPrint lists each attachment twice
        pdf.Root.AF = pikepdf.Array(list(unique.values()))
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp["dc:language"] = edition.languages  # WeasyPrint writes /Lang but not dc:language
            xmp["dc:identifier"] = edition.identifier
        pdf.Root.PageLabels = pikepdf.Dictionary(
            Nums=pikepdf.Array(
                [
                    0,
                    pikepdf.Dictionary(P=pikepdf.String(label("cover", edition.lang))),
                    1,
                    pikepdf.Dictionary(S=pikepdf.Name.D, St=2),
                ]
            )
        )
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True)
        return out.getvalue()


EXPORTER = Format(
    name="pdf",
    suffix=".pdf",
    description="print-ready PDF/A-3u: tagged, outlined, each article's XML attached",
    Options=PdfOptions,
    render=render,
    check=check,
    preflight=glyphs.missing,
)
