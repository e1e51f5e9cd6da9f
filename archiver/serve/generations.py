"""Pages that change only with the catalog (lists, feeds, searches): made once per catalog state.

Their ETag is worked out before anything is rendered, from what decides their bytes: the catalog's
state (its file's seal and change counter), the full request URL (base, path, query), the server's
settings, and the reading room's code and templates. A revalidation is then a 304 without a query, and a
page asked for again is answered from memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from archiver import __version__
from archiver.serve.http import etag_of, matches, not_modified, tagged
from archiver.serve.memo import Kept, PageMemory
from archiver.serve.pool import run_on
from archiver.serve.settings import Settings

Handler = Callable[[Request], Response]


def _serve_digest(here: Path = Path(__file__).parent) -> str:
    """One hash of the reading room's code and templates: its pages' ETags change when they do."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted([*here.glob("*.py"), *(here / "templates").glob("*.html")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


SERVE_VERSION = _serve_digest()


def generation_etag(request: Request) -> str:
    """The ETag of a catalog page for this request in the catalog's present state."""
    settings: Settings = request.app.state.settings
    return etag_of(
        "catalog-page",
        SERVE_VERSION,
        request.app.state.library.state(),
        settings.title,
        str(settings.page_size),
        str(request.url),
    )


def per_generation(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint answering `handler`'s page from memory while the catalog and the request are the same.

    A revalidation or a page in memory is answered on the event loop (a stat and a 28-byte read of
    the catalog decide it); only a page to be made goes to the page threads. Only a 200 is kept;
    errors and 400s (a bad search) are made each time.
    """

    async def endpoint(request: Request) -> Response:
        etag = generation_etag(request)
        if matches(request, etag):
            return not_modified(etag)
        memory: PageMemory = request.app.state.memory
        kept = memory.get(etag)
        if kept is None:
            response = await run_on(request, handler)
            if response.status_code != 200 or response.media_type is None:
                return response
            kept = Kept(bytes(response.body), response.media_type)
            memory.put(etag, kept)
        return tagged(kept.body, kept.media_type, etag)

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint
