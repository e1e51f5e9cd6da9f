"""HTTP plumbing: security headers on every answer, ETags from content hashes, 304 on a match."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SECURITY_HEADERS = {
    # no script at all, inline or not; styles only from this server
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-resource-policy": "same-origin",
}
ATOM = "application/atom+xml;profile=opds-catalog"
NAVIGATION = f"{ATOM};kind=navigation"
ACQUISITION = f"{ATOM};kind=acquisition"
ENTRY = "application/atom+xml;type=entry;profile=opds-catalog"
OPENSEARCH = "application/opensearchdescription+xml"
OPDS2 = "application/opds+json"
MEDIA = {
    "epub": "application/epub+zip",
    "pdf": "application/pdf",
    "xml": "application/xml",
    "txt": "text/plain; charset=utf-8",
    "png": "image/png",
}


class SecurityHeaders:
    """ASGI middleware: the same security headers on every response, errors and 304s included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.decode().lower() not in SECURITY_HEADERS
                ]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def etag_of(*parts: str) -> str:
    """A strong ETag from the hashes (or other exact strings) that decide a response's bytes."""
    return '"' + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32] + '"'


def matches(request: Request, etag: str) -> bool:
    """Whether the client already holds this version (If-None-Match lists it, or is *)."""
    wanted = request.headers.get("if-none-match", "")
    tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
    return etag in tags or "*" in tags


def not_modified(etag: str) -> Response:
    return Response(status_code=304, headers={"etag": etag})


def _headers(etag: str, filename: str | None) -> dict[str, str]:
    headers = {"etag": etag, "cache-control": "no-cache"}  # revalidate each time: cheap with the ETag
    if filename:
        headers["content-disposition"] = f'attachment; filename="{filename}"'
    return headers


def cached(
    request: Request,
    etag: str,
    make: Callable[[], bytes],
    media_type: str,
    filename: str | None = None,
) -> Response:
    """The response for `etag`: 304 when the client has it, else `make()`'s bytes (made only then)."""
    if matches(request, etag):
        return not_modified(etag)
    return Response(make(), media_type=media_type, headers=_headers(etag, filename))


def tagged(body: bytes, media_type: str, etag: str) -> Response:
    """A 200 with `body` under an ETag worked out beforehand (pages kept in memory)."""
    return Response(body, media_type=media_type, headers=_headers(etag, None))


def streamed(request: Request, etag: str, make: Callable[[], Path], media_type: str) -> Response:
    """Like `cached`, for a large file `make()` writes in a temporary folder: sent in chunks under its
    own name, then removed."""
    if matches(request, etag):
        return not_modified(etag)
    path = make()
    cleanup = BackgroundTask(shutil.rmtree, path.parent, ignore_errors=True)
    return FileResponse(path, media_type=media_type, headers=_headers(etag, path.name), background=cleanup)


def hashed(request: Request, body: bytes, media_type: str) -> Response:
    """A response whose ETag is the hash of its own bytes (feeds, lists, search pages)."""
    etag = etag_of(hashlib.sha256(body).hexdigest())
    return cached(request, etag, lambda: body, media_type)
