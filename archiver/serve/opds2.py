"""OPDS 2.0: the same feeds as JSON documents, at /opds2 beside the Atom ones at /opds."""

from __future__ import annotations

import json
from typing import Any

from archiver.serve.feeds import Feed, article_links, authors, href, search_template
from archiver.serve.http import MEDIA, OPDS2
from archiver.store.catalog import Entry

PREFIX = "opds2"


def _link(rel: str, url: str, type: str = OPDS2, **more: Any) -> dict[str, Any]:
    return {"rel": rel, "href": url, "type": type, **more}


def document(feed: Feed, base: str, title: str) -> bytes:
    """The feed as an OPDS 2.0 JSON document."""
    metadata: dict[str, Any] = {"title": feed.title if feed.path else title}
    if feed.total is not None:
        metadata |= {"numberOfItems": feed.total, "itemsPerPage": feed.page_size, "currentPage": feed.page}
    links = [
        _link("self", href(base, PREFIX, feed.path)),
        _link("start", href(base, PREFIX, "")),
        _link("search", search_template(base, PREFIX), templated=True),
    ]
    if feed.next_path:
        links.append(_link("next", href(base, PREFIX, feed.next_path)))
    if feed.previous_path:
        links.append(_link("previous", href(base, PREFIX, feed.previous_path)))
    out: dict[str, Any] = {"metadata": metadata, "links": links}
    if feed.nav:
        out["navigation"] = [
            {
                "title": n.title,
                "href": href(base, PREFIX, n.path),
                "type": OPDS2,
                "rel": "subsection",
                **({"properties": {"numberOfItems": n.count}} if n.count is not None else {}),
            }
            for n in feed.nav
        ]
    else:
        out["publications"] = [_publication(e, base) for e in feed.entries]
    return json.dumps(out, ensure_ascii=False, indent=1).encode()


def _publication(e: Entry, base: str) -> dict[str, Any]:
    links = article_links(base, e)
    meta: dict[str, Any] = {
        "@type": "http://schema.org/Article",
        "identifier": f"urn:archiver:{e.id}",
        "title": e.title,
        "language": e.language,
        "modified": e.ingested,
    }
    if names := authors(e):
        meta["author"] = names
    if e.date and len(e.date) >= 10:  # a full date or date-time; "2019-04" has no OPDS 2.0 form
        meta["published"] = e.date
    if e.source:
        meta["publisher"] = e.source
    return {
        "metadata": meta,
        "links": [
            _link("http://opds-spec.org/acquisition/open-access", links["epub"], MEDIA["epub"]),
            _link("http://opds-spec.org/acquisition/open-access", links["pdf"], MEDIA["pdf"]),
            _link("alternate", links["html"], "text/html"),
        ],
        "images": [
            {"href": links["cover"], "type": MEDIA["png"], "width": 1600, "height": 2560},
            {"href": links["thumbnail"], "type": MEDIA["png"], "width": 200, "height": 320},
        ],
    }
