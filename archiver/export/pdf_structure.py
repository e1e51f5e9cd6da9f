"""Edits to a rendered part's structure tree before it joins the edition: dropped pages, languages."""

from __future__ import annotations

from typing import Any


def kids(element: Any) -> list[Any]:
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def set_languages(
    document: Any, index: dict[tuple[int, int], int], langs: tuple[tuple[int, str], ...]
) -> None:
    """Set /Lang on each /Art element: the language of the article that starts last on or before its page.

    WeasyPrint makes one /Art element per page an article covers; articles start on pages of
    their own, so an element belongs to the last article that started on or before its page.
    """
    import pikepdf

    starts = sorted(langs)
    for kid in kids(document):
        if not isinstance(kid, pikepdf.Dictionary) or kid.get("/S") != "/Art" or "/Pg" not in kid:
            continue
        page = index.get(kid.Pg.objgen)
        found = [lang for start, lang in starts if page is not None and start <= page]
        if found:
            kid.Lang = pikepdf.String(found[-1])


def drop_tail(src: Any, keep: int) -> None:
    """Remove the part's pages after the first `keep`, and what lies on them from its structure tree."""
    dropped = {page.objgen for page in list(src.pages)[keep:]}
    _prune(kids(src.Root.StructTreeRoot)[0], dropped)
    while len(src.pages) > keep:
        del src.pages[-1]


def _prune(element: Any, dropped: set[tuple[int, int]]) -> bool:
    """Take out of `element` whatever marks content on `dropped` pages; whether nothing is left of it."""
    import pikepdf

    page = element.get("/Pg")
    here = page is not None and page.objgen in dropped
    items = kids(element)
    left = []
    for kid in items:
        if isinstance(kid, pikepdf.Dictionary):
            if kid.get("/Type") in ("/MCR", "/OBJR"):
                on = kid.get("/Pg", page)
                if on is not None and on.objgen in dropped:
                    continue
            elif _prune(kid, dropped):
                continue
        elif here:  # a marked-content id on the element's own page
            continue
        left.append(kid)
    if len(left) == len(items):
        return here and not items
    if not left:
        return True
    element.K = pikepdf.Array(left)
    return False


def _only_on(element: Any, page: tuple[int, int]) -> bool:
    """Whether a structure element lies wholly on `page` (the blank verso's empty div)."""
    import pikepdf

    if not isinstance(element, pikepdf.Dictionary):
        return False
    pg = element.get("/Pg")
    return (
        pg is not None
        and pg.objgen == page
        and all(_only_on(k, page) for k in kids(element) if isinstance(k, pikepdf.Dictionary))
    )


def drop_verso(src: Any) -> None:
    """Remove the part's blank first page and any structure element that sits on it alone."""
    verso = src.pages[0].objgen
    document = kids(src.Root.StructTreeRoot)[0]
    document.K = [k for k in kids(document) if not _only_on(k, verso)]
    del src.pages[0]
