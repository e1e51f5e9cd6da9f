"""The OPDS routes: the same feeds as OPDS 1.2 Atom at /opds and as OPDS 2.0 JSON at /opds2."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archiver.errors import NotFoundError
from archiver.serve import feeds, opds, opds2
from archiver.serve.feeds import Feed
from archiver.serve.generations import per_generation
from archiver.serve.http import ACQUISITION, NAVIGATION, OPDS2, OPENSEARCH, hashed
from archiver.serve.library import Library
from archiver.serve.pages import page_number
from archiver.serve.settings import Settings

FACETS = ("month", "source", "language")


def _facet_list(name: str) -> FeedMaker:
    return lambda request, lib, settings: feeds.facet_list(lib, name)


def _facet_feed(name: str) -> FeedMaker:
    def make(request: Request, lib: Library, settings: Settings) -> Feed:
        value = request.query_params.get("value", "")
        if not value:
            raise ValueError(f"which {name}? give ?value=")
        return feeds.facet_feed(lib, name, value, page_number(request), settings.page_size)

    return make


FeedMaker = Callable[[Request, Library, Settings], Feed]
FEEDS: dict[str, FeedMaker] = {  # the path below /opds and /opds2
    "": lambda request, lib, settings: feeds.root(lib, settings.title),
    "newest": lambda request, lib, settings: feeds.newest(lib, page_number(request), settings.page_size),
    **{f"{facet}s": _facet_list(facet) for facet in FACETS},
    **{facet: _facet_feed(facet) for facet in FACETS},
    "search": lambda request, lib, settings: feeds.search(
        lib, request.query_params.get("q", ""), page_number(request), settings.page_size
    ),
}


def _feed(request: Request) -> Feed:
    """The feed a request names."""
    name = request.path_params.get("name", "")
    if name not in FEEDS:
        raise NotFoundError(f"{name[:40]}: no such feed")
    return FEEDS[name](request, request.app.state.library, request.app.state.settings)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def atom(request: Request) -> Response:
    feed = _feed(request)
    body = opds.atom(feed, _base(request), request.app.state.settings.title)
    return hashed(request, body, ACQUISITION if feed.acquisition else NAVIGATION)


def json_feed(request: Request) -> Response:
    feed = _feed(request)
    return hashed(request, opds2.document(feed, _base(request), request.app.state.settings.title), OPDS2)


def opensearch(request: Request) -> Response:
    return hashed(request, opds.opensearch(_base(request), request.app.state.settings.title), OPENSEARCH)


def _both(prefix: str, handler: Callable[[Request], Response]) -> list[Route]:
    endpoint = per_generation(handler)  # feeds change only with the catalog
    return [Route(f"/{prefix}", endpoint), Route(f"/{prefix}/{{name}}", endpoint)]


ROUTES = [
    Route("/opds/opensearch.xml", per_generation(opensearch)),
    *_both("opds", atom),
    *_both("opds2", json_feed),
]
