"""The upload endpoint: off unless asked for, token-guarded, size-limited, ingested like `archiver ingest`."""

from __future__ import annotations

import hmac
import json
import re
import tempfile
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Message

from archiver.serve.library import Library
from archiver.serve.settings import Settings

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class UploadRefused(Exception):
    """An upload the server will not take; the status and one line say why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def check_token(request: Request, settings: Settings, form_token: str | None = None) -> None:
    """Uploads on and the right token (Authorization: Bearer, or a form field `token`)."""
    if not settings.allow_upload:
        raise UploadRefused(403, "uploads are off (start the server with --allow-upload and a token)")
    given = request.headers.get("authorization", "").removeprefix("Bearer ").strip() or form_token or ""
    if not given:
        raise UploadRefused(401, "a token is needed to upload (Authorization: Bearer TOKEN)")
    if not settings.token or not hmac.compare_digest(given.encode(), settings.token.encode()):
        raise UploadRefused(403, "wrong token")


def stored_name(client_name: str | None) -> str:
    """The name a file is ingested under: the client's last path part, reduced to safe characters."""
    last = re.split(r"[/\\]", client_name or "")[-1]
    name = _SAFE_NAME.sub("_", last).lstrip(".")[:120]
    return name or "upload.txt"


WRAPPING = 64 * 1024  # bytes a multipart body may have beyond the file's own limit


def _sized(n: int) -> str:
    """A byte count as people say it: "8 MiB", "512 KiB", else bytes."""
    for unit, size in (("MiB", 2**20), ("KiB", 2**10)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


async def _body(request: Request, limit: int) -> bytes:
    """The whole request body, refused (413) as soon as it passes `limit` bytes (plus the multipart
    wrapping), whatever it claims."""
    most = limit + WRAPPING
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > most:
        raise UploadRefused(413, f"too large: {declared} bytes, the limit is {_sized(limit)} a file")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > most:
            raise UploadRefused(413, f"too large: more than {_sized(limit)}, the limit a file")
        chunks.append(chunk)
    return b"".join(chunks)


async def upload(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if not settings.allow_upload or request.headers.get("authorization"):
        check_token(request, settings)  # refused before a byte of the body is read
    body = await _body(request, settings.upload_limit)

    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    parsed = Request(request.scope, replay)
    if not parsed.headers.get("content-type", "").startswith("multipart/form-data"):
        check_token(request, settings)
        raise UploadRefused(400, "send the file as multipart/form-data, in a field named `file`")
    try:
        form = await parsed.form(max_files=1, max_fields=4)
    except Exception as exc:  # python-multipart's and Starlette's parse errors differ by version
        raise UploadRefused(400, f"malformed upload: {str(exc)[:120] or type(exc).__name__}") from None
    token = form.get("token")
    check_token(request, settings, token if isinstance(token, str) else None)
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise UploadRefused(400, "no file: send it in a field named `file`")
    data = await file.read()
    if len(data) > settings.upload_limit:
        raise UploadRefused(
            413, f"too large: {len(data)} bytes, the limit is {_sized(settings.upload_limit)}"
        )
    if not data:
        raise UploadRefused(400, "the file is empty")
    outcome = await run_in_threadpool(_ingest, request.app.state.library, data, stored_name(file.filename))
    status = {"new": 201, "new-version": 201, "unchanged": 200}.get(str(outcome["status"]), 422)
    return Response(json.dumps(outcome, ensure_ascii=False), status, media_type="application/json")


def _ingest(library: Library, data: bytes, name: str) -> dict[str, object]:
    """Ingest one file through the pipeline, from a private temporary folder."""
    from archiver import pipeline

    with tempfile.TemporaryDirectory(prefix="archiver-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        (outcome,) = pipeline.ingest(library.archive, [path], jobs=1)
        said = json.dumps(outcome.as_dict(), ensure_ascii=False)
        result: dict[str, object] = json.loads(said.replace(json.dumps(str(path))[1:-1], name))
    result["path"] = name  # the client's name for it: the server's folders are nobody's business
    return result


ROUTES = [Route("/api/upload", upload, methods=["POST"])]
