"""The JSON API for scripts (list, show, search), described by an OpenAPI document."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from archiver.serve.feeds import article_links
from archiver.serve.generations import SERVE_VERSION, per_generation
from archiver.serve.http import etag_of, hashed, matches, not_modified
from archiver.serve.library import Library
from archiver.serve.pages import filters_of, page_number, render
from archiver.serve.pool import offloaded

JSON = "application/json"


def _library(request: Request) -> Library:
    lib: Library = request.app.state.library
    return lib


def _json(request: Request, data: object) -> Response:
    return hashed(request, json.dumps(data, ensure_ascii=False, indent=1).encode(), JSON)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def articles(request: Request) -> Response:
    lib = _library(request)
    filters = filters_of(request)
    size = request.app.state.settings.page_size
    page = lib.chosen(filters, page_number(request), size)
    keep = {k: v for k, v in vars(filters).items() if v}
    nxt = (
        f"{_base(request)}/api/articles?{urlencode({**keep, 'page': page.number + 1})}" if page.more else None
    )
    return _json(
        request,
        {
            "total": page.total,
            "page": page.number,
            "next": nxt,
            "articles": [{**e.as_dict(), "links": article_links(_base(request), e)} for e in page.entries],
        },
    )


def show(request: Request) -> Response:
    from archiver import report

    lib = _library(request)
    entry = lib.entry(request.path_params["id"])
    etag = etag_of("api-show", SERVE_VERSION, _base(request), lib.xml_digest(entry), str(entry.version))
    if matches(request, etag):
        return not_modified(etag)
    data: dict[str, Any] = report.as_dict(lib.document(entry), entry)
    data["links"] = article_links(_base(request), entry) | {
        "xml": f"{_base(request)}/article/{entry.id}.xml",
        "original": f"{_base(request)}/article/{entry.id}.original",
        "jsonld": f"{_base(request)}/article/{entry.id}.jsonld",
        "nitf": f"{_base(request)}/article/{entry.id}.nitf",
    }
    response = _json(request, data)
    response.headers["etag"] = etag
    return response


def search(request: Request) -> Response:
    lib = _library(request)
    query = request.query_params.get("q", "")
    raw = request.query_params.get("limit", "50")
    if not raw.isdigit() or not 1 <= int(raw) <= 1000:
        raise ValueError("limit: a number from 1 to 1000")
    hits = lib.search(query, filters_of(request), int(raw))
    results = [{**e.as_dict(), "snippet": " ".join(s.split())} for e, s in hits]
    return _json(request, {"query": query, "count": len(results), "results": results})


def _filter_params() -> list[dict[str, Any]]:
    return [
        {"name": "month", "in": "query", "schema": {"type": "string", "pattern": "^\\d{4}-\\d{2}$"}},
        {"name": "source", "in": "query", "schema": {"type": "string"}},
        {"name": "language", "in": "query", "schema": {"type": "string"}},
    ]


def _error() -> dict[str, Any]:
    return {
        "description": "A problem, said in one line",
        "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "archiver reading room",
        "version": "1",
        "description": "Read-only access to an archive.",
    },
    "paths": {
        "/api/articles": {
            "get": {
                "summary": "Articles in date order, one page at a time",
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    *_filter_params(),
                ],
                "responses": {
                    "200": {
                        "description": "One page",
                        "content": {
                            JSON: {
                                "schema": {
                                    "type": "object",
                                    "required": ["total", "page", "next", "articles"],
                                    "properties": {
                                        "total": {"type": "integer"},
                                        "page": {"type": "integer"},
                                        "next": {"type": ["string", "null"]},
                                        "articles": {
                                            "type": "array",
                                            "items": {"$ref": "#/components/schemas/Entry"},
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "400": _error(),
                },
            }
        },
        "/api/articles/{id}": {
            "get": {
                "summary": "One article: metadata, how each value was inferred, provenance",
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
                    }
                ],
                "responses": {
                    "200": {"description": "The article's report (as `archiver show --json`)"},
                    "304": {"description": "Not modified (If-None-Match)"},
                    "404": _error(),
                },
            }
        },
        "/api/search": {
            "get": {
                "summary": "Full-text search (SQLite FTS5 syntax)",
                "parameters": [
                    {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 1000}},
                    *_filter_params(),
                ],
                "responses": {
                    "200": {"description": "Hits, best first, each with a snippet"},
                    "400": _error(),
                },
            }
        },
        "/api/upload": {
            "post": {
                "summary": "Archive one raw article (only with --allow-upload, and the token)",
                "security": [{"token": []}],
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {"file": {"type": "string", "format": "binary"}},
                            }
                        }
                    }
                },
                "responses": {
                    "201": {"description": "Archived"},
                    "200": {"description": "Already archived"},
                    "401": _error(),
                    "403": _error(),
                    "413": _error(),
                    "422": _error(),
                },
            }
        },
    },
    "components": {
        "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "Entry": {
                "type": "object",
                "required": ["id", "title", "language"],
                "properties": {
                    "id": {"type": "string"},
                    "title": {"type": "string"},
                    "date": {"type": ["string", "null"]},
                    "language": {"type": "string"},
                    "authors": {"type": "array", "items": {"type": "string"}},
                    "source": {"type": ["string", "null"]},
                    "links": {"type": "object"},
                },
            },
        },
    },
}


def openapi(request: Request) -> Response:
    return _json(request, OPENAPI)


def docs(request: Request) -> Response:
    return render(request, "api.html", paths=OPENAPI["paths"])


ROUTES = [
    Route("/api/articles", per_generation(articles)),
    Route("/api/articles/{id}", offloaded(show)),
    Route("/api/search", per_generation(search)),
    Route("/api/openapi.json", offloaded(openapi)),
    Route("/api/docs", offloaded(docs)),
]
