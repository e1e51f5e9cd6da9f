"""Assembles a PDF edition from separately rendered parts with pikepdf: one document, one structure tree.

The front (cover and contents, rendered with the edition's metadata, XMP, output intent and
attachments) is the base; each body part's pages are appended after it, keeping its blank
verso only where the part would otherwise start on a left page. What spans parts is rebuilt:
the structure tree (each part's elements under the one Document element, ParentTree keys and
the pages' /StructParents and annotations' /StructParent shifted past the keys before them;
MCIDs are per page and stay), the outline (nested by each entry's bookmark level as WeasyPrint
recorded it), the named destinations (the contents' links), page labels and folios.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.export import page_list
from archiver.export.fonts import postscript_names
from archiver.export.pdf_press import Press
from archiver.export.pdf_render import LEVELS

Mark = tuple[int, Any, Any]  # bookmark level, title (a PDF string), destination array


def _copy(pdf: Any, src: Any, obj: Any) -> Any:
    """`obj` of `src` copied into `pdf` (pages it points to map onto the pages already copied)."""
    return pdf.copy_foreign(obj if obj.is_indirect else src.make_indirect(obj))


def _kids(element: Any) -> list[Any]:
    import pikepdf

    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _walk(item: Any) -> Iterator[Any]:
    """Outline items in pre-order (the order WeasyPrint wrote their levels in)."""
    while item is not None:
        yield item
        if "/First" in item:
            yield from _walk(item.First)
        item = item.get("/Next")


def part_facts(path: Path) -> tuple[int, dict[str, int]]:
    """A rendered part's page count and the page index of each named destination."""
    import pikepdf

    with pikepdf.open(path) as src:
        index: dict[Any, int] = {page.objgen: i for i, page in enumerate(src.pages)}
        names: dict[str, int] = {}
        if "/Names" in src.Root and "/Dests" in src.Root.Names:
            for name, dest in pikepdf.NameTree(src.Root.Names.Dests).items():
                names[str(name)] = index[dest[0].objgen]
        return len(src.pages), names


@dataclass
class Assembly:
    """The edition being assembled: the base document and what spans its parts."""

    pdf: Any
    document: Any  # the structure tree's Document element
    nums: Any  # the ParentTree's /Nums
    next_key: int
    marks: list[Mark] = field(default_factory=list)
    dests: dict[str, Any] = field(default_factory=dict)
    blank: set[int] = field(default_factory=set)  # indices of blank versos (no folio)
    starts: list[tuple[int, str, int]] = field(default_factory=list)  # page index, block, offset
    soft: bool = True  # line-break hyphens read as soft hyphens (see soft_hyphens)

    @classmethod
    def on(cls, pdf: Any, soft: bool = True) -> Assembly:
        """The assembly on the base document; with `soft`, line-break hyphens read as soft hyphens."""
        root = pdf.Root.StructTreeRoot
        (document,) = _kids(root)
        nums = root.ParentTree.Nums
        keys = [int(nums[i]) for i in range(0, len(nums), 2)]
        made = cls(pdf, document, nums, max(keys, default=-1) + 1, soft=soft)
        made._take_navigation(pdf, pdf, 0)
        if soft:
            soft_hyphens(pdf.pages)
        return made

    def append(
        self,
        path: Path,
        keep: bool = True,
        verso: bool = True,
        pages: int | None = None,
        navigation: bool = True,
        langs: tuple[tuple[int, str], ...] = (),
    ) -> int:
        """Append a rendered part's pages, its structure elements, outline entries and names.

        A part that opens with a blank `verso` keeps it only when `keep` says so; with `pages`,
        only its first pages stay (what lies on the others leaves the structure tree too); without
        `navigation`, its outline entries and names are not taken; `langs` says on which page each
        of its articles starts and in which language, which goes on the article's /Art elements
        as /Lang (readers choose the voice and hyphenation by it). Returns the index of the
        part's first page in the edition.
        """
        import pikepdf

        with pikepdf.open(path) as src:  # what is copied is copied at once: the part closes after
            return self._append(src, keep, verso, pages, navigation, langs)

    def _append(
        self,
        src: Any,
        keep: bool,
        verso: bool,
        pages: int | None,
        navigation: bool,
        langs: tuple[tuple[int, str], ...],
    ) -> int:
        import pikepdf

        index = {page.objgen: i for i, page in enumerate(src.pages)}  # as the part was rendered
        shift = 1 if verso and not keep else 0  # the dropped verso
        kept = len(src.pages) if pages is None else pages
        at = len(self.pdf.pages) - shift
        self.starts += [(at + i, block, n) for i, block, n in page_list.read(src.Root) if shift <= i < kept]
        if self.soft:
            soft_hyphens(src.pages)
        if pages is not None and pages < len(src.pages):
            _drop_tail(src, pages)
        if verso and not keep:
            self._drop_verso(src)
        elif verso:
            self.blank.add(len(self.pdf.pages))
        offset, used = self._renumber(src)
        first = len(self.pdf.pages)
        with warnings.catch_warnings():  # names and outline are carried over below, our own way
            warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning)
            self.pdf.pages.extend(src.pages)
        root = src.Root.StructTreeRoot
        (document,) = _kids(root)
        del document["/P"]  # not the part's own tree root: that stays behind
        _languages(document, index, langs)
        for kid in _kids(_copy(self.pdf, src, document)):
            if isinstance(kid, pikepdf.Dictionary):
                kid.P = self.document
            self.document.K.append(kid)
        nums = _copy(self.pdf, src, root.ParentTree).Nums
        for i in range(0, len(nums), 2):
            if int(nums[i]) + offset in used:
                self.nums.append(int(nums[i]) + offset)
                self.nums.append(nums[i + 1])
        if navigation:
            self._take_navigation(src, self.pdf, first)
        return first

    def _drop_verso(self, src: Any) -> None:
        """Remove the part's blank first page and any structure element that sits on it alone."""
        verso = src.pages[0].objgen
        document = _kids(src.Root.StructTreeRoot)[0]
        document.K = [k for k in _kids(document) if not _only_on(k, verso)]
        del src.pages[0]

    def _renumber(self, src: Any) -> tuple[int, set[int]]:
        """Shift the part's ParentTree keys past those already used; the shift, and the keys its pages use."""
        offset, top, used = self.next_key, self.next_key - 1, set()
        for page in src.pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
                used.add(int(page.obj.StructParents))
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
                    used.add(int(annot.StructParent))
        nums = src.Root.StructTreeRoot.ParentTree.Nums
        top = max([top, *used] + [int(nums[i]) + offset for i in range(0, len(nums), 2)])
        self.next_key = top + 1
        return offset, used

    def _take_navigation(self, src: Any, pdf: Any, first: int) -> None:
        """The part's outline entries (with their levels) and named destinations, copied."""
        import pikepdf

        levels = [int(x) for x in src.Root.get(LEVELS, [])]
        if "/Outlines" in src.Root and "/First" in src.Root.Outlines:
            outline = src.Root.Outlines if src is pdf else _copy(pdf, src, src.Root.Outlines)
            items = list(_walk(outline.First))
            if len(items) != len(levels):
                levels = [1] * len(items)  # not ours: keep the entries, flat
            self.marks += [(lv, it.Title, it.Dest) for lv, it in zip(levels, items, strict=True)]
        if "/Names" in src.Root and "/Dests" in src.Root.Names:
            dests = src.Root.Names.Dests if src is pdf else _copy(pdf, src, src.Root.Names.Dests)
            self.dests.update((str(n), d) for n, d in pikepdf.NameTree(dests).items())

    def finish(
        self, labels: Any, folios: Any, more: dict[int, Any] | None = None, press: Press | None = None
    ) -> bytes:
        """Outline, names, ParentTree, labels and folios in place, then the `press` stage (boxes, marks,
        PDF/X); the document saved deterministically and closed."""
        import pikepdf

        pdf = self.pdf
        if LEVELS in pdf.Root:
            del pdf.Root[LEVELS]
        pdf.Root.StructTreeRoot.ParentTreeNextKey = self.next_key
        _outline(pdf, self.marks)
        tree = pikepdf.NameTree.new(pdf)
        for name in sorted(self.dests):
            tree[name] = self.dests[name]
        if "/Names" not in pdf.Root:
            pdf.Root.Names = pikepdf.Dictionary()
        pdf.Root.Names.Dests = tree.obj
        pdf.Root.PageLabels = labels
        for i, page in enumerate(pdf.pages):
            if i and i not in self.blank:
                folios.stamp(page, i + 1, right=(i + 1) % 2 == 1, more=(more or {}).get(i))
        press = press or Press()
        press.apply(pdf)
        unique_subset_names(pdf)
        with tempfile.TemporaryFile() as out:  # the document closes before its bytes are read back:
            pdf.save(out, deterministic_id=True, compress_streams=True, **press.save_options())
            pdf.close()  # never both in memory at once
            out.seek(0)
            return out.read()


def fonts_of(pages: Iterable[Any]) -> Iterator[Any]:
    """Each font the pages use (in their form XObjects too), once."""
    seen: set[tuple[int, int]] = set()

    def visit(resources: Any) -> Iterator[Any]:
        if resources is None:
            return
        for font in resources.get("/Font", {}).values():
            if font.objgen not in seen:
                seen.add(font.objgen)
                yield font
        for xobject in resources.get("/XObject", {}).values():
            if xobject.objgen not in seen and xobject.get("/Subtype") == "/Form":
                seen.add(xobject.objgen)
                yield from visit(xobject.get("/Resources"))

    for page in pages:
        yield from visit(page.obj.get("/Resources"))


def unique_subset_names(pdf: Any) -> None:
    """Give every embedded font subset a tag of its own (`ABCDEF+Name`), made from its bytes, and
    the font's own PostScript name (WeasyPrint names faces after the stylesheet's families).

    Each part was a WeasyPrint document of its own, whose subsets of one face all got the same
    tag; in one file, subsets that differ must not share a name (preflight tools flag it, and a
    RIP may reuse the first font program it loaded under a name).
    """
    import pikepdf

    for font in fonts_of(pdf.pages):
        if "/BaseFont" not in font:
            continue
        holders = [font, *list(font.get("/DescendantFonts", []))]
        descriptor = next((h.FontDescriptor for h in holders if "/FontDescriptor" in h), None)
        if descriptor is None:
            continue
        program = next(
            (descriptor[k] for k in ("/FontFile2", "/FontFile3", "/FontFile") if k in descriptor), None
        )
        base = str(font.BaseFont)[1:]
        if program is None or "+" not in base:
            continue
        digest = hashlib.sha256(program.read_raw_bytes()).digest()
        tag = "".join(chr(ord("A") + b % 26) for b in digest[:6])
        face = base.split("+", 1)[1]
        name = pikepdf.Name("/" + tag + "+" + postscript_names().get(face, face))
        for holder in holders:
            holder.BaseFont = name
        descriptor.FontName = name


# The character print.css sets where hyphenation breaks a word (hyphenate-character): a glyph of
# its own, so that its text can be a soft hyphen, which is what PDF readers take for a break
# inside a word (ISO 32000-1, 14.8.2.2.3): a search finds "verminderde" split over two lines.
BREAK_HYPHEN = b"<2011>"
SOFT_HYPHEN = b"<00AD>"
_BREAK_ENTRY = re.compile(rb"(<[0-9A-Fa-f]+>\s*)" + BREAK_HYPHEN)


def soft_hyphens(pages: Iterable[Any]) -> None:
    """Make the text of the fonts' line-break hyphen a soft hyphen (their ToUnicode maps)."""
    for font in fonts_of(pages):
        unicode = font.get("/ToUnicode")
        if unicode is None:
            continue
        data = unicode.read_bytes()
        if BREAK_HYPHEN in data:
            unicode.write(_BREAK_ENTRY.sub(rb"\1" + SOFT_HYPHEN, data))


def _languages(document: Any, index: dict[tuple[int, int], int], langs: tuple[tuple[int, str], ...]) -> None:
    """Set /Lang on each /Art element: the language of the article that starts last on or before its page.

    WeasyPrint makes one /Art element per page an article covers; articles start on pages of
    their own, so an element belongs to the last article that started on or before its page.
    """
    import pikepdf

    starts = sorted(langs)
    for kid in _kids(document):
        if not isinstance(kid, pikepdf.Dictionary) or kid.get("/S") != "/Art" or "/Pg" not in kid:
            continue
        page = index.get(kid.Pg.objgen)
        found = [lang for start, lang in starts if page is not None and start <= page]
        if found:
            kid.Lang = pikepdf.String(found[-1])


def _drop_tail(src: Any, keep: int) -> None:
    """Remove the part's pages after the first `keep`, and what lies on them from its structure tree."""
    dropped = {page.objgen for page in list(src.pages)[keep:]}
    _prune(_kids(src.Root.StructTreeRoot)[0], dropped)
    while len(src.pages) > keep:
        del src.pages[-1]


def _prune(element: Any, dropped: set[tuple[int, int]]) -> bool:
    """Take out of `element` whatever marks content on `dropped` pages; whether nothing is left of it."""
    import pikepdf

    page = element.get("/Pg")
    here = page is not None and page.objgen in dropped
    kids = _kids(element)
    left = []
    for kid in kids:
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
    if len(left) == len(kids):
        return here and not kids
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
        and all(_only_on(k, page) for k in _kids(element) if isinstance(k, pikepdf.Dictionary))
    )


def _outline(pdf: Any, marks: Sequence[Mark]) -> None:
    """The outline, nested by level: an entry is the child of the last entry with a lower level."""
    import pikepdf

    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    children: dict[int, list[Any]] = {id(root): []}
    stack: list[tuple[int, Any]] = [(0, root)]
    for level, title, dest in marks:
        while stack[-1][0] >= level:
            stack.pop()
        item = pdf.make_indirect(pikepdf.Dictionary(Title=title, Dest=dest, Parent=stack[-1][1]))
        children[id(stack[-1][1])].append(item)
        children[id(item)] = []
        stack.append((level, item))
    _link(root, children)
    pdf.Root.Outlines = root


def _link(parent: Any, children: dict[int, list[Any]]) -> int:
    """First/Last/Prev/Next/Count of `parent`'s subtree (every entry open); returns the count."""
    kids = children[id(parent)]
    count = 0
    for i, kid in enumerate(kids):
        if i:
            kid.Prev, kids[i - 1].Next = kids[i - 1], kid
        count += 1 + _link(kid, children)
    if kids:
        parent.First, parent.Last = kids[0], kids[-1]
        parent.Count = count
    return count
