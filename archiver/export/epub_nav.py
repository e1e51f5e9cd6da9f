"""The EPUB 3 navigation document: months as headings, articles under them, their sections nested."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lxml import etree

from archiver.export.frame import Frame, Part
from archiver.export.labels import label
from archiver.export.xhtml import Element

XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{OPS_NS}}}type"
SECTION_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
# Scripts written right to left, by language code: their entries get dir="rtl".
RTL = frozenset({"ar", "arc", "dv", "fa", "he", "ks", "ku", "ps", "sd", "syr", "ug", "ur", "yi"})


@dataclass
class Entry:
    """One line of the table of contents, and the entries nested under it."""

    title: str
    href: str
    lang: str = ""
    cls: str = ""
    children: list[Entry] = field(default_factory=list)


@dataclass(frozen=True)
class PageTarget:
    """A printed page as the page-list names it: its label and where it starts in the e-book."""

    label: str
    href: str


def page_file(part: Part) -> str:
    """The file a part's page is written to, as the package document names it."""
    return f"text/{part.name}.xhtml"


def with_section_ids(article: Element, anchor: str) -> Element:
    """A copy of an article whose section headings carry ids (`<anchor>-s1`, …) for the navigation."""
    out = copy.deepcopy(article)
    n = 0
    for heading in out.iter(*SECTION_HEADINGS):
        if heading.get("id") is None and not _in_note(heading):
            n += 1
            heading.set("id", f"{anchor}-s{n}")
    return out


def _in_note(element: Element) -> bool:
    return any(a.tag in ("aside", f"{{{XHTML_NS}}}aside") for a in element.iterancestors())


def sections(article: Element, href: str) -> list[Entry]:
    """The article's section headings as entries, nested by level (an h3 under the h2 before it)."""
    top: list[Entry] = []
    stack: list[tuple[int, Entry]] = []
    for heading in article.iter(*SECTION_HEADINGS):
        if heading.get("id") is None:
            continue
        level = int(heading.tag[-1])
        entry = Entry(" ".join("".join(heading.itertext()).split()), f"{href}#{heading.get('id')}")
        while stack and stack[-1][0] >= level:
            stack.pop()
        (stack[-1][1].children if stack else top).append(entry)
        stack.append((level, entry))
    return top


def entries(framed: Frame, sections: dict[str, list[Entry]]) -> list[Entry]:
    """The table of contents: section heads with their articles, articles with their sections, colophon.

    `sections` maps an article part's id to the entries of its sections (`sections` below).
    """
    top: list[Entry] = []
    group: list[Entry] = top
    for part in framed.parts:
        href = page_file(part)
        if part.kind == "section":
            head = Entry(part.title, href, cls="group")
            top.append(head)
            group = head.children
        elif part.kind == "article":
            lang = part.lang if part.lang != framed.edition.lang else ""
            group.append(Entry(part.title, href, lang, children=sections[part.id]))
        elif part.kind == "colophon":
            top.append(Entry(part.title, href, cls="colophon"))
    return top


def _h(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    names = {k: "class" if k == "cls" else k.replace("_", "-") for k in attrs}
    new = etree.SubElement(parent, f"{{{XHTML_NS}}}{tag}", {names[k]: v for k, v in attrs.items()})
    new.text = text
    return new


def _lang(element: Element, lang: str) -> None:
    element.set("lang", lang)
    element.set(XML_LANG, lang)
    if lang.split("-")[0] in RTL:
        element.set("dir", "rtl")


def _list(parent: Element, items: Sequence[Entry]) -> None:
    ol = _h(parent, "ol")
    for item in items:
        li = _h(ol, "li")
        if item.cls:
            li.set("class", item.cls)
        if item.lang:
            _lang(li, item.lang)
        _h(li, "a", item.title, href=item.href)
        if item.children:
            _list(li, item.children)


def document(
    framed: Frame,
    toc: list[Entry],
    landmarks: Iterable[tuple[str, str, str]],
    pages: Sequence[PageTarget] = (),
) -> bytes:
    """nav.xhtml: the table of contents, the landmarks (hidden) and, with printed pages, the page-list."""
    lang = framed.edition.lang
    root = etree.Element(f"{{{XHTML_NS}}}html", nsmap={None: XHTML_NS, "epub": OPS_NS})
    _lang(root, lang)
    head = _h(root, "head")
    _h(head, "title", label("contents", lang))
    _h(head, "link", href="styles/epub.css", rel="stylesheet", type="text/css")
    body = _h(root, "body", cls="nav")
    nav = _h(body, "nav", id="toc", role="doc-toc", cls="toc")
    nav.set(EPUB_TYPE, "toc")
    _h(nav, "h1", label("contents", lang))
    _list(nav, toc)
    marks = _h(body, "nav", id="landmarks", hidden="hidden")
    marks.set(EPUB_TYPE, "landmarks")
    _h(marks, "h2", label("guide", lang))
    ol = _h(marks, "ol")
    for kind, href, title in landmarks:
        _h(_h(ol, "li"), "a", title, href=href).set(EPUB_TYPE, kind)
    if pages:
        page_list = _h(body, "nav", id="page-list", role="doc-pagelist", hidden="hidden")
        page_list.set(EPUB_TYPE, "page-list")
        _h(page_list, "h2", label("pages", lang))
        ol = _h(page_list, "ol")
        for page in pages:
            _h(_h(ol, "li"), "a", page.label, href=page.href)
    out: bytes = etree.tostring(
        root, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>", pretty_print=True
    )
    return out
