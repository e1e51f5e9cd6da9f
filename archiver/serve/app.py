"""The ASGI application: routes of every area, security headers, and error pages without stack traces."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from http import HTTPStatus

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from archiver.errors import ArchiveError, DocumentError, NotFoundError, UsageError
from archiver.serve import api, catalogs, downloads, pages, upload
from archiver.serve.http import SECURITY_HEADERS, SecurityHeaders
from archiver.serve.library import Library
from archiver.serve.memo import PageMemory
from archiver.serve.pool import Pools
from archiver.serve.settings import Settings, settings_from_environment
from archiver.store.catalog import QueryError

log = logging.getLogger("archiver.serve")
Handler = Callable[[Request, Exception], Awaitable[Response]]


def _status_of(exc: Exception) -> tuple[int, str]:
    """The HTTP status and the one-line message for an exception; unknown ones say nothing inside."""
    match exc:
        case HTTPException():
            return exc.status_code, str(exc.detail)
        case upload.UploadRefused():
            return exc.status, str(exc)
        case NotFoundError() | LookupError():
            return 404, str(exc).strip("'\"")
        case QueryError() | UsageError() | ValueError():
            return 400, str(exc)
        case ArchiveError():
            log.error("archive: %s", exc)
            return 503, "the archive cannot be read just now"
        case DocumentError():  # a damaged XML file: the archive's keeper is told what to run
            log.error("document: %s", exc)
            return (
                500,
                "this article's XML is damaged: `archiver verify` says what, `archiver repair` mends it",
            )
    log.exception("internal error", exc_info=exc)
    return 500, "something went wrong inside the server (the log says what)"


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/opds2"))


def _wants_text(request: Request) -> bool:
    """OPDS 1.2 clients (e-readers) show an error's body as it is: a sentence, not HTML markup."""
    return request.url.path == "/opds" or request.url.path.startswith("/opds/")


async def error_page(request: Request, exc: Exception) -> Response:
    """An error as a short page (or JSON for /api and /opds2): status, one line, never a trace."""
    status, message = _status_of(exc)
    if _wants_json(request):
        body = json.dumps({"error": message}, ensure_ascii=False)
        media = "application/json"
    elif _wants_text(request):
        body, media = f"{status} {HTTPStatus(status).phrase}: {message}\n", "text/plain; charset=utf-8"
    else:
        body = pages.TEMPLATES.get_template("error.html").render(
            site_title=request.app.state.settings.title,
            status=status,
            reason=HTTPStatus(status).phrase,
            message=message,
        )
        media = "text/html; charset=utf-8"
    # a 500 is answered outside the middleware stack: the headers go on here as well
    return Response(body, status, media_type=media, headers=SECURITY_HEADERS)


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """Before the first request: the work the first pages would wait for; at the end: the threads go."""
    pools: Pools = app.state.pools
    try:
        await asyncio.get_running_loop().run_in_executor(None, pools.start)
        await asyncio.get_running_loop().run_in_executor(pools.pages, _warm, app.state.library)
        yield
    finally:
        pools.close()


def _warm(library: Library) -> None:
    try:
        library.warm()
        pages.warm_typesetting(library)
    except Exception as exc:  # the pages that need it will say what is wrong
        log.warning("warming up: %s", exc)


def create_app(settings: Settings) -> Starlette:
    """The reading room for one archive (opened, and its catalog checked, here)."""
    handled: dict[int | type[Exception], Handler] = {
        exc: error_page
        for exc in (
            HTTPException,
            Exception,
            NotFoundError,
            LookupError,
            ValueError,
            UsageError,
            QueryError,
            ArchiveError,
            upload.UploadRefused,
        )
    }
    app = Starlette(
        routes=[*downloads.ROUTES, *pages.ROUTES, *catalogs.ROUTES, *api.ROUTES, *upload.ROUTES],
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers=handled,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.library = Library(settings.root)
    app.state.pools = Pools(app.state.library)
    app.state.memory = PageMemory()
    return app


def from_environment() -> Starlette:
    """The app of one of several worker processes (uvicorn's factory), its settings from the environment."""
    return create_app(settings_from_environment())
