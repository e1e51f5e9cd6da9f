"""Downloads: one article as EPUB, PDF, canonical XML or its original bytes; editions; covers; styles."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import PurePosixPath

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archiver.errors import NotFoundError
from archiver.export.cache import RENDER_VERSION
from archiver.serve.http import MEDIA, cached, etag_of, streamed
from archiver.serve.library import Library
from archiver.serve.pages import filters_of
from archiver.serve.pool import offloaded
from archiver.store import Selection
from archiver.store.catalog import Entry

RENDERED = ("epub", "pdf")  # formats made by `archiver export` that also make editions here
# The exchange formats' media types (NITF has no registered type of its own: it is XML).
DATA_MEDIA = {"jsonld": "application/ld+json", "nitf": "application/xml"}


def _library(request: Request) -> Library:
    lib: Library = request.app.state.library
    return lib


def _epoch() -> str:
    return os.environ.get("SOURCE_DATE_EPOCH", "")  # dates inside EPUB and PDF follow it


@dataclass(frozen=True)
class Download:
    """How to make one download, what it is, and the exact strings its ETag comes from."""

    make: Callable[[], bytes]
    media_type: str
    version: str  # content hashes (and what else decides the bytes)
    suffix: str


def _rendered(
    fmt: str, media: str | None = None, suffix: str | None = None
) -> Callable[[Library, Entry], Download]:
    def download(lib: Library, entry: Entry) -> Download:
        make = lambda: lib.export(fmt, Selection(ids=[entry.id]), each=True)  # noqa: E731
        version = f"{fmt} {RENDER_VERSION} {_epoch()} {lib.xml_digest(entry)}"  # what decides the bytes
        return Download(make, media or MEDIA[fmt], version, suffix or fmt)

    return download


DOWNLOADS: dict[str, Callable[[Library, Entry], Download]] = {
    "epub": _rendered("epub"),
    "pdf": _rendered("pdf"),
    "jsonld": _rendered("jsonld", DATA_MEDIA["jsonld"]),
    "nitf": _rendered("nitf", DATA_MEDIA["nitf"], "nitf.xml"),
    "xml": lambda lib, e: Download(lambda: lib.xml(e), MEDIA["xml"], f"xml {lib.xml_digest(e)}", "xml"),
    "original": lambda lib, e: Download(lambda: lib.original(e), MEDIA["txt"], f"original {e.sha256}", "txt"),
}


def article_file(request: Request) -> Response:
    lib = _library(request)
    entry = lib.entry(request.path_params["id"])
    fmt = request.path_params["fmt"]
    if fmt not in DOWNLOADS:
        raise NotFoundError(f"{fmt[:20]}: no such download ({', '.join(DOWNLOADS)})")
    d = DOWNLOADS[fmt](lib, entry)
    name = _original_name(entry) if fmt == "original" else f"{_stem(entry)}.{d.suffix}"
    return cached(request, etag_of(d.version), d.make, d.media_type, name)


def _stem(entry: Entry) -> str:
    """The readable name `archiver export --each` gives the article's files: date, title, short id."""
    from archiver.export.edition import slug

    return f"{(entry.date or 'undated')[:10]}_{slug(entry.title)}_{entry.id[:8]}"


def _original_name(entry: Entry) -> str:
    """The original's own file name (as ingested), kept to safe characters; else the archive id."""
    own = PurePosixPath(entry.name.replace("\\", "/")).name
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in own).strip("._")
    return safe[:120] or f"{entry.id}.txt"


def edition(request: Request) -> Response:
    """An edition of a month, a source, a language and/or a search, built like `archiver export`."""
    fmt = request.path_params["fmt"]
    if fmt not in RENDERED:
        raise NotFoundError(f"{fmt[:20]}: editions are epub or pdf")
    lib = _library(request)
    filters = filters_of(request)
    query = request.query_params.get("q", "").strip() or None
    chosen = lib.chosen(filters, 1, 10**9).entries
    if query:
        hits = {e.id for e, _ in lib.search(query, filters, limit=100000)}
        chosen = [e for e in chosen if e.id in hits]
    if not chosen:
        raise NotFoundError("no article matches the selection")
    selection = Selection(ids=[e.id for e in chosen])  # exactly what the page listed
    keep = (
        request.query_params.get("duplicates") == "yes"
    )  # near-duplicates stay in (as --include-duplicates)
    digests = " ".join(f"{e.id}:{lib.xml_digest(e)}" for e in chosen)
    etag = etag_of("edition", fmt, _epoch(), str(keep), digests)
    make = lambda: lib.export_file(fmt, selection, each=False, include_duplicates=keep)  # noqa: E731
    return streamed(request, etag, make, MEDIA[fmt])


def cover(request: Request) -> Response:
    lib = _library(request)
    entry = lib.entry(request.path_params["id"])
    raw = request.query_params.get("width", "")
    if raw and not (raw.isdigit() and 16 <= int(raw) <= 1600):
        raise ValueError("width: a number of pixels from 16 to 1600")
    width = int(raw) if raw else None
    etag = etag_of("cover", str(width), lib.xml_digest(entry))
    return cached(request, etag, lambda: lib.cover(entry, width), MEDIA["png"])


_STYLES = {  # the only files served by name: a fixed table, never a path from the request
    "site.css": files("archiver.serve") / "static" / "site.css",
    "epub.css": files("archiver.styles") / "epub.css",
}


def style(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in _STYLES:
        raise NotFoundError(f"{name[:40]}: no such style sheet")
    data = _STYLES[name].read_bytes()
    return cached(request, etag_of("css", hashlib.sha256(data).hexdigest()), lambda: data, "text/css")


def favicon(request: Request) -> Response:
    """No icon: "204 No Content", so that browsers stop asking and log no error."""
    return Response(status_code=204, headers={"cache-control": "max-age=86400"})


ROUTES = [
    Route("/favicon.ico", favicon),
    Route("/article/{id}.{fmt}", offloaded(article_file, "files")),
    Route("/edition.{fmt}", offloaded(edition, "files")),
    Route("/cover/{id}.png", offloaded(cover, "files")),
    Route("/static/{name}", offloaded(style)),
]
