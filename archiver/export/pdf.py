"""Print-ready PDF/A-3u editions with WeasyPrint, each article's canonical XML attached as Source."""

from __future__ import annotations

import copy
import hashlib
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from lxml import etree

from archiver import __version__
from archiver.document.model import Document
from archiver.document.xmlio import to_bytes
from archiver.errors import ArchiverError
from archiver.export import (
    Format,
    cover,
    footnotes,
    glyphs,
    linear,
    page_list,
    pdf_contents,
    pdf_hyphens,
    pdf_preload,
    xhtml,
)
from archiver.export.cache import RENDER_VERSION, Context, RenderCache, key, styles_digest
from archiver.export.edition import Edition
from archiver.export.fonts import font_path
from archiver.export.frame import Frame, Part, as_frame
from archiver.export.labels import label
from archiver.export.options import validate
from archiver.export.pdf_folio import Folios, sample, untagged
from archiver.export.pdf_gate import check, check_assembly, check_part, outline_title
from archiver.export.pdf_layouts import layout_css
from archiver.export.pdf_merge import Assembly, part_facts
from archiver.export.pdf_parts import NO_FOLIOS, Job, Rendered, part_css, part_html
from archiver.export.pdf_plan import ARTICLES, plan, slices
from archiver.export.pdf_press import Press
from archiver.export.pdf_render import PDF_VARIANT

PAPERS = {"A4": "A4", "A5": "A5", "Letter": "letter"}
LAYOUTS = ("book", "newspaper")
NO_MARKS = " @page { marks: none; }"
__all__ = ["PDF_VARIANT", "font_path"]


@dataclass(frozen=True)
class PdfOptions:
    """Print options: paper, one or two columns, bleed for the print shop, crop marks."""

    paper: str = field(default="A4", metadata={"help": "paper size", "choices": tuple(PAPERS)})
    layout: str = field(
        default="book",
        metadata={"help": "book (one column) or newspaper (two columns; one on A5)", "choices": LAYOUTS},
    )
    bleed: float = field(
        default=0.0, metadata={"help": "bleed in millimetres for the print shop", "range": (0, 10)}
    )
    marks: bool = field(
        default=False, metadata={"help": "crop and registration marks in a slug outside the bleed"}
    )
    pdfx: bool = field(
        default=False, metadata={"help": "PDF/X-4 for the press (CMYK, one-ink black) instead of PDF/A-3u"}
    )
    article_per_page: bool = field(
        default=False, metadata={"help": "start every article on a new page (else articles flow on)"}
    )

    def __post_init__(self) -> None:
        validate(self)

    def press(self, edition: Edition) -> Press:
        """What the press stage does at the end of assembly: boxes, marks and slug line, PDF/X-4."""
        date = edition.modified().strftime("%Y-%m-%d")
        return Press(self.bleed, self.marks, self.pdfx, edition.identifier, edition.title, date, edition.lang)

    def rendition(self, edition: Edition) -> str:
        """This PDF's identifier: the edition's, and what decides its pages (paper, layout, one article
        a page), so that an EPUB's page-list names the printed edition its page numbers come from."""
        per_page = "-article-per-page" if self.article_per_page else ""
        return f"{edition.identifier}:pdf:{self.paper.lower()}-{self.layout}{per_page}"

    def stylesheet(self) -> str:
        """The CSS for these options, added after print.css."""
        rules = [f"@page {{ size: {PAPERS[self.paper]};"]
        if self.bleed:  # the marks are drawn at assembly, in a slug outside the bleed (pdf_press)
            rules.append(f" bleed: {self.bleed}mm;")
        rules.append(" }")
        rules.append(layout_css(self.paper, self.layout, self.article_per_page))
        return "".join(rules)


def _head(root: Any, edition: Edition) -> None:
    """Title and description (the cover shows both): WeasyPrint turns them into PDF metadata.

    What an article's change can move though the cover shows none of it (authors, keywords, the
    edition's date) is stamped at assembly instead (`_stamp_facts`): the cover renders again only
    when what it shows changes.
    """
    head = xhtml.el(root, "head")
    xhtml.el(head, "meta", charset="utf-8")
    xhtml.el(head, "title", edition.title)
    xhtml.el(head, "meta", name="description", content=cover.subtitle(edition))
    xhtml.el(head, "meta", name="generator", content=f"archiver {__version__}")
    xhtml.el(head, "link", rel="stylesheet", href="archiver:styles/print.css")


def _stamp_facts(pdf: Any, xmp: Any, edition: Edition) -> None:
    """The edition's authors, keywords and date in the document info and the XMP (they must agree, PDF/A),
    written at assembly as WeasyPrint would have written them from the cover's head."""
    import pikepdf

    authors = list(dict.fromkeys(a.text for d in edition.documents for a in d.meta.authors))
    keywords = list(dict.fromkeys(k for d in edition.documents for k in d.meta.keywords))
    made = edition.modified()  # the edition's own date, not an article's
    if authors:
        pdf.docinfo[pikepdf.Name.Author] = pikepdf.String(", ".join(authors))
        xmp["dc:creator"] = authors
    if keywords:
        pdf.docinfo[pikepdf.Name.Keywords] = pikepdf.String(", ".join(keywords))
        xmp["pdf:Keywords"] = ", ".join(keywords)
    for info, name in (("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate")):
        pdf.docinfo[pikepdf.Name(info)] = pikepdf.String(_pdf_date(made))
        xmp[name] = made.strftime("%Y-%m-%dT%H:%M:%SZ")


def _run_in_head(part: Part) -> Any:
    """In print a section starts no page of its own: its label heads its first article's page."""
    return xhtml.el(None, "h2", part.title, cls="group", id=part.id)


# Body part kind -> its element in a chunk's HTML (a copy: the frame may feed other formats).
PRINTED: dict[str, Callable[[Part], Any]] = {
    "section": lambda part: page_list.numbered(_run_in_head(part), part.id),
    "article": lambda part: footnotes.for_print(
        linear.short_runs(pdf_hyphens.guard(page_list.numbered(copy.deepcopy(part.element), part.id)))
    ),
}


def _printed(part: Part, cache: RenderCache | None) -> Any:
    """The part's element in a chunk's HTML (PRINTED); an article's is kept in `cache` under the element
    it is made from (guarding its words from hyphenation costs more than reading it back)."""
    if cache is None or part.kind != "article":
        return PRINTED[part.kind](part)
    name = key("pdf-printed", RENDER_VERSION, part.kind, part.id, etree.tostring(part.element))
    kept = cache.checked("pdf-printed", name, lambda: etree.tostring(PRINTED[part.kind](part)))
    return etree.fromstring(kept)


def _canonical(doc: Document, context: Context) -> bytes:
    """The article's canonical XML: the archived bytes when their checksum is the one read at loading
    (the archive's file is what to_bytes would write, and reading it costs a tenth), else serialized."""
    cache, read, id = context.cache, context.xml, doc.meta.archive_id
    digest = cache.digests.get(id) if cache is not None else None
    if read is not None and digest is not None:
        try:
            data = read(id)
        except ArchiverError:
            data = b""
        if hashlib.sha256(data).hexdigest() == digest:
            return data
    return to_bytes(doc)


def _attach(pdf: Any, edition: Edition, context: Context) -> None:
    """Each article's canonical XML as an associated file (PDF/A-3: /AF, relationship Source)."""
    import pikepdf

    specs = []
    for doc in edition.documents:
        when = datetime.fromisoformat(doc.provenance.events[0].when.replace("Z", "+00:00"))
        name = f"{doc.meta.archive_id}.xml"
        spec = pikepdf.AttachedFileSpec(
            pdf,
            _canonical(doc, context),
            description=f"Canonical XML of “{doc.meta.title.text}”",
            filename=name,
            mime_type="application/xml",
            creation_date=_pdf_date(when),
            mod_date=_pdf_date(when),
            relationship=pikepdf.Name.Source,
        )
        specs.append((name, spec.obj))
    # One name tree built in one go (pdf.attachments[...] = … rewrites it per file: quadratic).
    tree = pikepdf.NameTree.new(pdf)
    for name, obj in sorted(specs, key=lambda pair: pair[0]):
        tree[name] = obj
    if "/Names" not in pdf.Root:
        pdf.Root.Names = pikepdf.Dictionary()
    pdf.Root.Names.EmbeddedFiles = tree.obj
    pdf.Root.AF = pikepdf.Array([obj for _, obj in specs])


def _pdf_date(when: datetime) -> str:
    return when.strftime("D:%Y%m%d%H%M%SZ")


def _front(framed: Frame, options: PdfOptions) -> Job:
    """The cover as a PDF/A-3u document with the edition's metadata: the base the parts are added to."""
    edition = framed.edition
    root = xhtml.el(None, "html", lang=edition.lang)
    _head(root, edition)
    body = xhtml.el(root, "body", cls="grouped" if framed.grouped else "ungrouped")
    for part in framed.of("cover"):
        body.append(copy.deepcopy(part.element))
    html: bytes = etree.tostring(root, method="html", encoding="utf-8", doctype="<!DOCTYPE html>")
    return Job(html, options.stylesheet() + NO_FOLIOS, notes="")


def _pages(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


@dataclass(frozen=True)
class Placed:
    """A rendered part: its file, page count, named destinations, whether it opens with a verso, and
    where its pages start (page_list, for the assembly)."""

    path: Path
    pages: int
    names: dict[str, int]
    verso: bool
    langs: tuple[tuple[int, str], ...] = ()  # (page index where an article starts, its language)
    starts: tuple[tuple[int, str, int], ...] | None = None  # None: not read (the assembly reads them)

    @classmethod
    def of(
        cls,
        path: Path,
        verso: bool,
        articles: tuple[tuple[str, str], ...] = (),
        cache: RenderCache | None = None,
    ) -> Placed:
        """The part at `path` (named by its job, see pdf_parts.Rendered); `articles` are the anchors and
        languages of the articles it holds. Its facts are read once, then kept in `cache`."""
        if cache is None:
            pages, names, starts = part_facts(path)
        else:
            kept = cache.checked("pdf-part-facts", path.name, lambda: json.dumps(part_facts(path)).encode())
            pages, names, starts = json.loads(kept)
        langs = tuple((names[anchor], lang) for anchor, lang in articles if anchor in names)
        return cls(path, pages, names, verso, langs, tuple((int(i), str(b), int(n)) for i, b, n in starts))

    @property
    def known(self) -> tuple[int, list[tuple[int, str, int]]] | None:
        """Its page count and page starts when already read, so that the assembly need not open it."""
        return None if self.starts is None else (self.pages, list(self.starts))


@dataclass(frozen=True)
class Layout:
    """Where the rendered parts land after a front of `front` pages: kept versos, page numbers."""

    keep: tuple[bool, ...]  # per part: whether its blank verso stays (it would start on a left page)
    numbers: dict[str, int]  # named destination -> printed page number
    end: int  # the index of the page after the last part


def _layout(front: int, parts: list[Placed]) -> Layout:
    keep: list[bool] = []
    numbers: dict[str, int] = {}
    at = front  # the index of the next page
    for part in parts:
        stays = part.verso and at % 2 == 1  # index odd = even page number = a left page
        keep.append(stays or not part.verso)
        shift = 1 if part.verso and not stays else 0  # the dropped verso
        for name, index in part.names.items():
            numbers.setdefault(name, at + index - shift + 1)
        at += part.pages - shift
    return Layout(tuple(keep), numbers, at)


@dataclass(frozen=True)
class BodyJob:
    """A body chunk to render, the anchor and language of each of its articles, and their titles."""

    job: Job
    articles: tuple[tuple[str, str], ...]
    titles: tuple[str, ...]  # typeset, as the outline and the gate read them


def _body(framed: Frame, options: PdfOptions, chunk: int) -> list[BodyJob]:
    """The body chunks (sections and articles) as documents to render, each opening with a verso."""
    edition = framed.edition
    css = part_css(options.stylesheet(), edition.title)
    body = [p for p in framed.parts if p.kind in ("section", "article")]
    cache = framed.context.cache
    return [
        BodyJob(
            Job(
                part_html(
                    edition.lang, edition.title, _body_class(framed), [_printed(p, cache) for p in parts]
                ),
                css,
            ),
            tuple((p.id, p.lang) for p in parts if p.kind == "article"),
            tuple(outline_title(p.document) for p in parts if p.document is not None),
        )
        for parts in plan(body, chunk)
    ]


def _colophon(framed: Frame, options: PdfOptions, right: bool, first: bool = False) -> list[Job]:
    """The colophon's chunks (with `first`, its first only): the first starts on the side it lands on,
    the others with a verso."""
    edition, base, jobs = framed.edition, options.stylesheet(), []
    for colophon in framed.of("colophon"):
        numbered = page_list.numbered(copy.deepcopy(colophon.element), colophon.id)
        for i, element in enumerate(_colophon_slices(numbered, len(edition.documents), first)):
            side = ("right" if right else "left") if i == 0 else None
            html = part_html(edition.lang, edition.title, _body_class(framed), [element], verso=side is None)
            jobs.append(Job(html, part_css(base, edition.title, side)))
    return jobs


def _body_class(framed: Frame) -> str:
    return "grouped" if framed.grouped else "ungrouped"


def _colophon_slices(element: Any, count: int, first: bool = False) -> list[Any]:
    """The colophon cut between articles: its heading and note, then each article's entry (h2 + ul);
    with `first`, the first slice only."""
    children = list(element)
    head, entries = children[: len(children) - 2 * count], children[len(children) - 2 * count :]
    out = []
    for i, (start, end) in enumerate((slices(count) or [(0, 0)])[: 1 if first else None]):
        part = xhtml.el(
            None, "section", cls=element.get("class"), **({"id": element.get("id")} if i == 0 else {})
        )
        for child in (head if i == 0 else []) + entries[2 * start : 2 * end]:
            part.append(_facts(child) if child.tag == "ul" else copy.deepcopy(child))
        out.append(part)
    return out


def _facts(items: Any) -> Any:
    """An article's colophon list as one paragraph of lines: the same words, a third less to lay out.

    WeasyPrint lays out a list item (its own block and marker) several times slower than a line.
    """
    facts = xhtml.el(None, "p", cls="facts", **dict(items.attrib))
    lines = [li.text or "" for li in items]
    facts.text = lines[0] if lines else ""
    for line in lines[1:]:
        xhtml.el(facts, "br").tail = line
    if len(items) and items[0].get(page_list.ATTRIBUTE):  # a page may start in it: at its first item's
        facts.set(page_list.ATTRIBUTE, items[0].get(page_list.ATTRIBUTE))  # count, read on into the next
    return facts


def render(source: Frame | Edition, options: PdfOptions | None = None, chunk: int = ARTICLES) -> bytes:
    """The PDF of an edition, as bytes; the same edition and options always give the same bytes.

    The body is rendered as chunks of at most `chunk` articles (in worker processes when the
    frame's context says so, from the render cache when it has them), then the contents a few
    pages at a time with empty number columns, then the colophon from the side it lands on;
    the whole is assembled on the cover, the page numbers stamped, and checked.
    """
    framed = as_frame(source)
    options = options or PdfOptions()
    base = options.stylesheet()
    context, edition = framed.context, framed.edition
    ids = [d.meta.archive_id for d in edition.documents]
    if len(ids) > 1 and not _exported(options, context, ids):  # unless `prepare` did (not for each article)
        pdf_preload.start(context, part_css(base, edition.title), edition.lang)
    rendered = Rendered(context, pdf_preload.take(context))
    early: list[Any] = []  # the front with the edition's attachments, made while the preloader renders
    try:
        jobs = _body(framed, options, chunk)
        # the cover and the colophon's chunks after its first (which start with a verso wherever
        # they land) render beside the body's; the colophon's first waits for the side it lands on
        later = _colophon(framed, options, True)[1:]
        cover = _front(framed, options)
        kept = rendered.found(cover)
        if kept is not None:
            rendered.meanwhile.append(
                lambda: early.append(_front_document(kept.read_bytes(), framed, options))
            )
        made = rendered.files([cover] + [b.job for b in jobs] + later)
        front = made[0].read_bytes()
        start = _pages(front)
        files = made[1 : 1 + len(jobs)]
        for path, b in zip(files, jobs, strict=True):
            _gate_part(path, b.titles, framed)
        cache = framed.context.cache
        body = [Placed.of(path, True, b.articles, cache) for path, b in zip(files, jobs, strict=True)]
        del jobs  # the chunks' HTML (about 2 KB an article here) is not needed again
        guess = start + sum(p.pages for p in body) + len(framed.edition.documents) // 10 + 4
        for digits in range(len(str(guess)), len(str(guess)) + 3):
            contents = pdf_contents.chunks(framed, base, rendered, start, digits)
            listed = [Placed(c.path, c.pages, {}, False) for c in contents]
            right = _layout(start, listed + body).end % 2 == 0  # the next index is even: a right page
            colophon = rendered.files(_colophon(framed, options, right, first=True) + later)
            parts = listed + body + [Placed.of(path, i > 0, cache=cache) for i, path in enumerate(colophon)]
            layout = _layout(start, parts)
            if len(str(max(layout.numbers.values(), default=0))) <= digits:
                break
        rendered.stop_workers()  # the assembly needs their memory more
        rendered.stop_preloader()
        rendered.meanwhile.clear()
        pdf = early[0] if early else _front_document(front, framed, options)
        data = _assemble(framed, options, pdf, parts, layout, contents, rendered)
    finally:
        rendered.close()
        for document in early:
            document.close()
    _gate(data, framed)
    if context.cache is not None and len(ids) > 1:  # what `prepare` asks (not each article of --each)
        context.cache.record_pass("pdf-edition", _edition_key(options, ids))
    return data


def prepare(options: PdfOptions, context: Context, ids: Sequence[str]) -> None:
    """Before the articles `ids` are read: start loading WeasyPrint in a fork when the export likely renders
    a few documents again (pdf_preload), so that it is loaded by the time they are known. Not when an
    edition of these very articles was exported with these options before: then nothing is likely to
    render (a warm export), and the fork would only take CPU from this process."""
    if not _exported(options, context, ids):
        pdf_preload.start(context, part_css(options.stylesheet(), "") + NO_MARKS)


def _exported(options: PdfOptions, context: Context, ids: Sequence[str]) -> bool:
    """Whether an edition of the articles `ids` was exported with `options` (recorded in the render cache)."""
    cache = context.cache
    return cache is not None and cache.passed("pdf-edition", _edition_key(options, ids))


def _edition_key(options: PdfOptions, ids: Sequence[str]) -> str:
    return key("pdf-edition", RENDER_VERSION, styles_digest(), repr(options), *sorted(ids))


def _gate(data: bytes, framed: Frame) -> None:
    """The completeness gate on the assembled edition, whose body parts each passed `_gate_part`:
    its structure only (pages, one outline entry per article, each on a page), no text to read."""
    check_assembly(data, framed.edition)


def _gate_part(path: Path, titles: tuple[str, ...], framed: Frame) -> None:
    """The gate's reading of a body part, once per exact part: bytes that passed for the same titles pass.

    Text is read per part, so an export that renders one chunk again reads that chunk's title pages only.
    """
    cache = framed.context.cache
    passed = key(styles_digest(), "pdf-part-gate", hashlib.sha256(path.read_bytes()).hexdigest(), *titles)
    if cache is not None and cache.passed("passed", passed):
        return
    check_part(path, titles)
    if cache is not None:
        cache.record_pass("passed", passed)


def _front_document(front: bytes, framed: Frame, options: PdfOptions) -> Any:
    """The rendered cover opened as the edition's document: its attachments, XMP and document info."""
    import pikepdf

    edition = framed.edition
    pdf = pikepdf.open(io.BytesIO(front))
    _attach(pdf, edition, framed.context)
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
        xmp["dc:language"] = edition.languages  # WeasyPrint writes /Lang but not dc:language
        xmp["dc:identifier"] = options.rendition(edition)
        dates = [d.published.value for d in edition.documents if d.published]
        if len(edition.documents) == 1 and dates:
            xmp["dc:date"] = dates  # the article's own date, at its real precision ("2019-04")
        _stamp_facts(pdf, xmp, edition)
    return pdf


def _assemble(
    framed: Frame,
    options: PdfOptions,
    front: Any,
    parts: list[Placed],
    layout: Layout,
    contents: list[pdf_contents.Chunk],
    rendered: Rendered,
) -> bytes:
    """The edition assembled on the `front` document (`_front_document`), which it closes."""
    edition = framed.edition
    with front as pdf:
        # a text with non-breaking hyphens of its own keeps them: they share the line-break glyph
        soft = not any("\u2011" in "".join(p.element.itertext()) for p in framed.parts)
        assembly = Assembly.on(pdf, soft, framed.context.cache)
        folios = Folios(
            pdf, rendered.one(Job(*sample(options.stylesheet() + NO_MARKS, edition.lang)), untagged)
        )
        stamps = pdf_contents.NumberStamps(framed, options.stylesheet(), rendered)
        try:
            numbers: dict[int, list[tuple[pdf_contents.Number, int]]] = {}
            for i, (part, keep) in enumerate(zip(parts, layout.keep, strict=True), start=1):
                chunk = contents[i - 1] if i <= len(contents) else None
                if chunk is None:
                    assembly.append(part.path, keep, part.verso, langs=part.langs, known=part.known)
                else:
                    cache = framed.context.cache  # its page count and page starts, read once
                    known = None if cache is None else Placed.of(part.path, False, cache=cache).known
                    first = assembly.append(
                        part.path,
                        pages=chunk.pages,
                        verso=False,
                        navigation=False,
                        targets=chunk.targets,
                        known=known,
                    )
                    for column in chunk.numbers:
                        found = (column, layout.numbers[column.name])
                        numbers.setdefault(first + column.page, []).append(found)
                framed.context.stage("assemble", i, len(parts))
            more = {page: (stamps.template, stamps.streams(found)) for page, found in numbers.items()}
            data = assembly.finish(_labels(edition), folios, more, options.press(edition))
        finally:
            stamps.close()
            folios.close()
    starts = page_list.starts(assembly.starts)  # for an EPUB of this edition in the same run
    framed.context.printed[edition.identifier] = page_list.PrintedPages(options.rendition(edition), starts)
    return data


def _labels(edition: Edition) -> Any:
    """Page labels: the cover, then the printed folios from 2."""
    import pikepdf

    cover_label = pikepdf.Dictionary(P=pikepdf.String(label("cover", edition.lang)))
    return pikepdf.Dictionary(
        Nums=pikepdf.Array([0, cover_label, 1, pikepdf.Dictionary(S=pikepdf.Name.D, St=2)])
    )


EXPORTER = Format(
    name="pdf",
    suffix=".pdf",
    description="print-ready PDF/A-3u: tagged, outlined, each article's XML attached; or PDF/X-4 (pdfx)",
    Options=PdfOptions,
    render=render,
    check=check,
    preflight=glyphs.missing,
    prints=True,
    prepare=prepare,
)
