"""The catalog's feeds as plain data (navigation and acquisition), rendered as OPDS 1.2 and OPDS 2.0."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from archiver.export.labels import language_name
from archiver.serve.library import BROWSED_MONTH, LANG, Filters, Library, Page
from archiver.store.catalog import Entry


@dataclass(frozen=True)
class Nav:
    """A link to another feed."""

    title: str
    path: str  # below the feed prefix: "month/2019-04"
    acquisition: bool  # the target lists publications (else more navigation)
    count: int | None = None


@dataclass
class Feed:
    """One feed: navigation links or publications, one page of them."""

    title: str
    path: str  # this feed, below the prefix, with its query
    nav: list[Nav] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    snippets: dict[str, str] = field(default_factory=dict)
    next_path: str | None = None
    previous_path: str | None = None
    total: int | None = None
    page_size: int = 0
    page: int = 1
    updated: str | None = None  # of a navigation feed: the newest ingest in the archive

    @property
    def acquisition(self) -> bool:
        return not self.nav


def _paged(feed: Feed, page: Page, base_path: str, size: int, **query: str) -> Feed:
    feed.entries, feed.total, feed.page_size, feed.page = page.entries, page.total, size, page.number
    if page.more:
        feed.next_path = f"{base_path}?{urlencode({**query, 'page': page.number + 1})}"
    if page.number > 1:
        feed.previous_path = f"{base_path}?{urlencode({**query, 'page': page.number - 1})}"
    return feed


def root(library: Library, title: str) -> Feed:
    return Feed(
        title,
        "",
        updated=library.last_ingested(),
        nav=[
            Nav("Newest", "newest", True, library.count()),
            Nav("By month", "months", False),
            Nav("By source", "sources", False),
            Nav("By language", "languages", False),
        ],
    )


def newest(library: Library, page: int, size: int) -> Feed:
    return _paged(Feed("Newest", f"newest?page={page}"), library.newest(page, size), "newest", size)


def facet_list(library: Library, name: str) -> Feed:
    """A navigation feed: one link per month, source or language."""
    titles = {"month": "By month", "source": "By source", "language": "By language"}
    nav = [Nav(_shown(name, value), _facet_path(name, value), True, n) for value, n in library.facet(name)]
    return Feed(titles[name], f"{name}s", nav=nav, updated=library.last_ingested())


# Facet -> how a value of it is shown (languages by name, not by tag); other values as they are.
SHOWN: dict[str, Callable[[str], str]] = {"language": language_name}


def _shown(name: str, value: str) -> str:
    return SHOWN.get(name, str)(value)


def _facet_path(name: str, value: str) -> str:
    return f"{name}?{urlencode({'value': value})}"


def facet_feed(library: Library, name: str, value: str, page: int, size: int) -> Feed:
    """An acquisition feed: the articles of one month, source or language."""
    checks = {"month": BROWSED_MONTH, "language": LANG}
    if name in checks and not checks[name].match(value):
        raise ValueError(f"{value!r} is not a {name}")
    filters = Filters(**{name: value})
    feed = Feed(
        language_name(value) if name == "language" else value, f"{_facet_path(name, value)}&page={page}"
    )
    return _paged(feed, library.chosen(filters, page, size), name, size, value=value)


def search(library: Library, query: str, page: int, size: int) -> Feed:
    """Search hits, best first, one page (the hits up to this page are searched for again)."""
    hits = library.search(query, Filters(), limit=page * size + 1)
    start = (page - 1) * size
    feed = Feed(f"Search: {query}", f"search?{urlencode({'q': query, 'page': page})}")
    shown = hits[start : start + size]
    feed.entries = [e for e, _ in shown]
    feed.snippets = {e.id: " ".join(s.split()) for e, s in shown}
    feed.page_size, feed.page = size, page
    if len(hits) > start + size:
        feed.next_path = f"search?{urlencode({'q': query, 'page': page + 1})}"
    if page > 1:
        feed.previous_path = f"search?{urlencode({'q': query, 'page': page - 1})}"
    return feed


# ------------------------------------------------------------ links every renderer shares
def article_links(base: str, e: Entry) -> dict[str, str]:
    """Where an article's page, downloads and cover are."""
    return {
        "html": f"{base}/article/{e.id}",
        "epub": f"{base}/article/{e.id}.epub",
        "pdf": f"{base}/article/{e.id}.pdf",
        "cover": f"{base}/cover/{e.id}.png",
        "thumbnail": f"{base}/cover/{e.id}.png?width=200",
    }


def authors(e: Entry) -> list[str]:
    names: list[str] = json.loads(e.authors)
    return names


def href(base: str, prefix: str, path: str) -> str:
    return f"{base}/{prefix}/{path}" if path else f"{base}/{prefix}"


def search_template(base: str, prefix: str) -> str:
    return f"{base}/{prefix}/search?q={{searchTerms}}"


def quoted(text: str) -> str:
    return quote(text, safe="")
