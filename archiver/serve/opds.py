"""OPDS 1.2: feeds as Atom documents, and the OpenSearch description that readers follow to search."""

from __future__ import annotations

from typing import Any

from lxml import etree

from archiver.serve.feeds import Feed, article_links, authors, href, search_template
from archiver.serve.http import ACQUISITION, MEDIA, NAVIGATION, OPENSEARCH
from archiver.store.catalog import Entry

ATOM_NS = "http://www.w3.org/2005/Atom"
NSMAP = {
    None: ATOM_NS,
    "dc": "http://purl.org/dc/terms/",
    "opds": "http://opds-spec.org/2010/catalog",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
PREFIX = "opds"
EPOCH_UPDATED = "1970-01-01T00:00:00Z"  # an empty archive's feeds


def _el(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    ns, _, local = tag.rpartition(":")
    name = f"{{{NSMAP[ns] if ns else ATOM_NS}}}{local}"
    node = (
        etree.SubElement(parent, name, attrs)
        if parent is not None
        else etree.Element(name, attrs, nsmap=NSMAP)
    )
    if text is not None:
        node.text = text
    return node


def _link(parent: Any, rel: str, url: str, type: str, **attrs: str) -> Any:
    return _el(parent, "link", rel=rel, href=url, type=type, **attrs)


def _updated(entries: list[Entry]) -> str:
    return max((e.ingested for e in entries if e.ingested), default=EPOCH_UPDATED)


def atom(feed: Feed, base: str, title: str) -> bytes:
    """The feed as an OPDS 1.2 Atom document."""
    kind = ACQUISITION if feed.acquisition else NAVIGATION
    root = _el(None, "feed")
    _el(root, "id", f"{base}/{PREFIX}/{feed.path}".rstrip("/"))
    _el(root, "title", feed.title if feed.path else title)
    _el(root, "updated", _updated(feed.entries) if feed.acquisition else feed.updated or EPOCH_UPDATED)
    _el(_el(root, "author"), "name", "archiver")
    _link(root, "self", href(base, PREFIX, feed.path), kind)
    _link(root, "start", href(base, PREFIX, ""), NAVIGATION)
    if feed.path:
        _link(root, "up", href(base, PREFIX, ""), NAVIGATION)
    _link(root, "search", f"{base}/{PREFIX}/opensearch.xml", OPENSEARCH)
    _link(root, "search", search_template(base, PREFIX), ACQUISITION)
    if feed.next_path:
        _link(root, "next", href(base, PREFIX, feed.next_path), kind)
    if feed.previous_path:
        _link(root, "previous", href(base, PREFIX, feed.previous_path), kind)
    if feed.total is not None:
        _el(root, "opensearch:totalResults", str(feed.total))
        _el(root, "opensearch:itemsPerPage", str(feed.page_size))
        _el(root, "opensearch:startIndex", str((feed.page - 1) * feed.page_size + 1))
    for nav in feed.nav:
        entry = _el(root, "entry")
        _el(entry, "title", nav.title)
        _el(entry, "id", href(base, PREFIX, nav.path))
        _el(entry, "updated", feed.updated or EPOCH_UPDATED)
        if nav.count is not None:
            _el(entry, "content", f"{nav.count} article{'' if nav.count == 1 else 's'}", type="text")
        _link(
            entry, "subsection", href(base, PREFIX, nav.path), ACQUISITION if nav.acquisition else NAVIGATION
        )
    for e in feed.entries:
        _publication(root, e, base, feed.snippets.get(e.id))
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data


def _publication(root: Any, e: Entry, base: str, snippet: str | None) -> None:
    links = article_links(base, e)
    entry = _el(root, "entry", **{"{http://www.w3.org/XML/1998/namespace}lang": e.language})
    _el(entry, "title", e.title)
    _el(entry, "id", f"urn:archiver:{e.id}")
    _el(entry, "updated", e.ingested or EPOCH_UPDATED)
    for name in authors(e):
        _el(_el(entry, "author"), "name", name)
    _el(entry, "dc:language", e.language)
    if e.date:
        _el(entry, "dc:issued", e.date)
    if e.source:
        _el(entry, "dc:publisher", e.source)
    if snippet:
        _el(entry, "summary", snippet, type="text")
    _link(entry, "alternate", links["html"], "text/html")
    _link(entry, "http://opds-spec.org/image", links["cover"], MEDIA["png"])
    _link(entry, "http://opds-spec.org/image/thumbnail", links["thumbnail"], MEDIA["png"])
    _link(entry, "http://opds-spec.org/acquisition/open-access", links["epub"], MEDIA["epub"])
    _link(entry, "http://opds-spec.org/acquisition/open-access", links["pdf"], MEDIA["pdf"])


def opensearch(base: str, title: str) -> bytes:
    """The OpenSearch description: the search URL template, answered with an acquisition feed."""
    ns = "http://a9.com/-/spec/opensearch/1.1/"
    root = etree.Element(f"{{{ns}}}OpenSearchDescription", nsmap={None: ns})
    etree.SubElement(root, f"{{{ns}}}ShortName").text = title[:16]
    etree.SubElement(root, f"{{{ns}}}Description").text = f"Full-text search of {title}"
    etree.SubElement(root, f"{{{ns}}}InputEncoding").text = "UTF-8"
    etree.SubElement(root, f"{{{ns}}}OutputEncoding").text = "UTF-8"
    etree.SubElement(root, f"{{{ns}}}Url", type=ACQUISITION, template=search_template(base, PREFIX))
    etree.SubElement(root, f"{{{ns}}}Url", type="text/html", template=f"{base}/search?q={{searchTerms}}")
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data
