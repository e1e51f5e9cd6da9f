"""The web pages: home, browse, search, one article; server-rendered HTML that needs no JavaScript."""

from __future__ import annotations

import json
import re
from itertools import groupby
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from lxml import etree
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archiver.document.model import Document
from archiver.export.labels import language_name
from archiver.serve.generations import SERVE_VERSION, per_generation
from archiver.serve.http import hashed, matches, not_modified, tagged
from archiver.serve.library import BROWSED_MONTH, LANG, UNDATED, Filters, Library
from archiver.serve.memo import Kept, PageMemory
from archiver.serve.pool import offloaded
from archiver.store.catalog import Entry, QueryError

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # the templates ship with the package; SERVE_VERSION hashes them at start
)
TEMPLATES.filters["language_name"] = language_name


PAGE_KIND = "page"  # the render cache's folder for article pages
HTML = "text/html; charset=utf-8"
_HIT = re.compile(r"\[([^\[\]]*)\]")  # the catalog marks hits as [word]


def render(request: Request, template: str, **context: object) -> Response:
    """A page; its ETag is the hash of its bytes."""
    site = request.app.state.settings.title
    body = TEMPLATES.get_template(template).render(site_title=site, **context).encode()
    return hashed(request, body, "text/html; charset=utf-8")


def library(request: Request) -> Library:
    lib: Library = request.app.state.library
    return lib


def highlighted(snippet: str) -> Markup:
    """A search snippet with its hits in <mark>, everything else escaped."""
    text = " ".join(snippet.split())
    parts, pos = [], 0
    for m in _HIT.finditer(text):
        parts += [escape(text[pos : m.start()]), Markup("<mark>"), escape(m.group(1)), Markup("</mark>")]
        pos = m.end()
    parts.append(escape(text[pos:]))
    return Markup("").join(parts)


def page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 1_000_000:
        raise ValueError(f"page {raw[:20]!r}: give a page number from 1")
    return int(raw)


def home(request: Request) -> Response:
    lib = library(request)
    return render(
        request,
        "home.html",
        count=lib.count(),
        months=sum(m != UNDATED for m, _ in lib.facet("month")),
        sources=len(lib.facet("source")),
        languages=len(lib.facet("language")),
        entries=lib.newest(1, 10).entries,
    )


def browse(request: Request) -> Response:
    lib = library(request)
    months = [m for m in lib.facet("month") if m[0] != UNDATED]
    undated = dict(lib.facet("month")).get(UNDATED, 0)
    years = [(year, list(group)) for year, group in groupby(months, key=lambda m: m[0][:4])]
    return render(
        request,
        "browse.html",
        years=years,
        undated=undated,
        sources=lib.facet("source"),
        languages=lib.facet("language"),
    )


def every(request: Request) -> Response:
    return _listing(request, "All articles", Filters(), {})


def _listing(request: Request, heading: str, filters: Filters, keys: dict[str, str]) -> Response:
    lib = library(request)
    size = request.app.state.settings.page_size
    page = lib.chosen(filters, page_number(request), size)
    if not page.entries and page.number == 1:
        raise LookupError(f"{heading}: nothing archived")
    page_query = urlencode(keys) + "&" if keys else ""
    edition = {
        k: v
        for k, v in (("month", filters.month), ("source", filters.source), ("language", filters.language))
        if v
    }
    return render(
        request,
        "list.html",
        heading=heading,
        page=page,
        page_query=page_query,
        edition_query=urlencode(edition),
    )


def by_month(request: Request) -> Response:
    month = request.path_params["month"]
    if not BROWSED_MONTH.match(month):
        raise ValueError(f"{month[:20]!r}: a month is YYYY-MM (or undated)")
    heading = "Articles without a month" if month == UNDATED else f"Articles of {month}"
    return _listing(request, heading, Filters(month=month), {})


def by_source(request: Request) -> Response:
    name = request.query_params.get("name", "")
    if not name:
        raise ValueError("which source? give ?name=")
    return _listing(request, f"Articles from {name}", Filters(source=name), {"name": name})


def by_language(request: Request) -> Response:
    lang = request.path_params["lang"]
    if not LANG.match(lang):
        raise ValueError(f"{lang[:20]!r}: a language is a tag such as nl or en-GB")
    return _listing(request, f"Articles in {language_name(lang)}", Filters(language=lang), {})


def filters_of(request: Request) -> Filters:
    """The month, source and language filters of a query string, checked."""
    q = request.query_params
    month, lang = q.get("month") or None, q.get("language") or None
    if month and not BROWSED_MONTH.match(month):
        raise ValueError(f"{month[:20]!r}: a month is YYYY-MM (or undated)")
    if lang and not LANG.match(lang):
        raise ValueError(f"{lang[:20]!r}: a language is a tag such as nl or en-GB")
    return Filters(month=month, source=q.get("source") or None, language=lang)


SEARCH_PAGE = 20  # hits a search page shows: each needs a snippet, the costliest part of a search


def search(request: Request) -> Response:
    lib = library(request)
    query = request.query_params.get("q", "").strip()
    filters = filters_of(request)
    page = page_number(request)
    hits, error, more, total = [], None, False, 0
    if query:
        try:
            found, total = lib.search_page(query, filters, limit=page * SEARCH_PAGE + 1)
        except QueryError as exc:
            error = str(exc)
        else:
            more = len(found) > page * SEARCH_PAGE
            hits = [(e, highlighted(s)) for e, s in found[(page - 1) * SEARCH_PAGE : page * SEARCH_PAGE]]
    keep = {"q": query} | {k: v for k, v in vars(filters).items() if v}
    response = render(
        request,
        "search.html",
        query=query,
        filters=filters,
        hits=hits,
        total=total,
        error=error,
        months=lib.facet("month"),
        sources=lib.facet("source"),
        languages=lib.facet("language"),
        edition_query=urlencode(keep),
        first=(page - 1) * SEARCH_PAGE + 1,
        previous_page=urlencode(keep | {"page": page - 1}) if page > 1 else "",
        next_page=urlencode(keep | {"page": page + 1}) if more else "",
    )
    if error:
        response.status_code = 400  # hostile or broken FTS5 syntax: the page says why
    return response


def ld_json(data: object) -> Markup:
    """JSON for a <script type="application/ld+json"> data block: no "<", ">" or "&" can end it early."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def article_jsonld(request: Request, doc: Document) -> Markup:
    """The article's schema.org NewsArticle (as `archiver export jsonld` writes it), with this page's URLs."""
    from archiver.export import jsonld

    base = str(request.base_url).rstrip("/")
    found = doc.meta.archive_id
    return ld_json(jsonld.article(doc, page=f"{base}/article/{found}", image=f"{base}/cover/{found}.png"))


def article(request: Request) -> Response:
    """One article's page, typeset once per version of everything that decides its bytes.

    Kept in this process's memory and in the archive's render cache (so that the other worker
    processes, and the next start, find it), under a key of all it depends on; the ETag is that key.
    """
    from archiver.export.cache import RENDER_VERSION, key

    lib = library(request)
    entry = lib.entry(request.path_params["id"])
    base = str(request.base_url)  # in the embedded JSON-LD's URLs
    cluster, also_key = lib.cluster(entry)
    newer = lib.newer(entry)
    title = request.app.state.settings.title
    digest = lib.xml_digest(entry)
    version = f"{entry.version} {newer.id if newer else ''}"
    page_key = key("page", SERVE_VERSION, RENDER_VERSION, title, base, digest, version, also_key)
    etag = f'"{page_key[:32]}"'
    if matches(request, etag):
        return not_modified(etag)
    memory: PageMemory = request.app.state.memory
    kept = memory.get(etag)
    if kept is None:
        body = lib.render_cache.get(PAGE_KIND, page_key)
        if body is None:
            body = _article_page(request, entry, [e for e in cluster if e.id != entry.id], newer)
            if lib.keeps_pages_for(base):
                lib.render_cache.put(PAGE_KIND, page_key, body)
        kept = Kept(body, HTML)
        memory.put(etag, kept)
    return tagged(kept.body, kept.media_type, etag)


def warm_typesetting(lib: Library, languages: int = 12) -> None:
    """Load now what the first article page of each language would load: hyphenation and date data,
    the typesetting and report modules, the templates (the first pages under load wait for less)."""
    from archiver import report
    from archiver.export import jsonld
    from archiver.export.xhtml import article as article_xhtml

    for name in TEMPLATES.list_templates():
        TEMPLATES.get_template(name)
    for language, _ in lib.facet("language")[:languages]:
        for entry in lib.chosen(Filters(language=language), 1, 1).entries:
            doc = lib.document(entry)
            etree.tostring(article_xhtml(doc), method="html", encoding="unicode")
            report.lines(doc, entry)
            jsonld.article(doc, page="/", image="/")


def _article_page(request: Request, entry: Entry, also: list[Entry], newer: Entry | None) -> bytes:
    """The article page's bytes: the typeset article, "how we know", provenance, JSON-LD."""
    from archiver import report
    from archiver.export.xhtml import article as article_xhtml

    doc = library(request).document(entry)
    html = etree.tostring(article_xhtml(doc), method="html", encoding="unicode")
    rows = report.lines(doc, entry)
    provenance_labels = {"original", "encoding", "dialect", "repair", "event"}
    return (
        TEMPLATES.get_template("article.html")
        .render(
            site_title=request.app.state.settings.title,
            entry=entry,
            article_html=Markup(html),
            facts=[r for r in rows if r[0] not in provenance_labels],
            provenance=[r for r in rows if r[0] in provenance_labels],  # dateline and URL: in the header
            jsonld=article_jsonld(request, doc),
            also=also,
            newer=newer,
        )
        .encode()
    )


ROUTES = [
    Route("/", per_generation(home)),
    Route("/browse", per_generation(browse)),
    Route("/browse/all", per_generation(every)),
    Route("/browse/month/{month}", per_generation(by_month)),
    Route("/browse/source", per_generation(by_source)),
    Route("/browse/language/{lang}", per_generation(by_language)),
    Route("/search", per_generation(search)),
    Route("/article/{id}", offloaded(article)),
]
