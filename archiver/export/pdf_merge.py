"""Assembles a PDF edition from separately rendered parts with pikepdf: one file, one structure tree.

The front (cover and contents, rendered with the edition's metadata, XMP, output intent and
attachments) comes first; each body part's pages follow, keeping its blank verso only where
the part would otherwise start on a left page. The file is written part by part (pdf_writer):
each part is opened, adjusted (folios and contents numbers stamped, the press stage, subset
names) and written renumbered, then closed, so memory stays flat however long the edition.
What spans parts is rebuilt at the end from small records (pdf_skeleton): the structure tree
(each part's elements under the one Document element, ParentTree keys and the pages'
/StructParents and annotations' /StructParent shifted past the keys before them; MCIDs are per
page and stay), the outline (nested by each entry's bookmark level as WeasyPrint recorded it),
the named destinations (the contents' links), page labels.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver.executor import give_back
from archiver.export import cache as render_cache
from archiver.export import page_list, pdf_ink
from archiver.export.cache import RENDER_VERSION, RenderCache, styles_digest
from archiver.export.fonts import postscript_names
from archiver.export.pdf_folio import FOLIO_FONT, share
from archiver.export.pdf_press import Press, drop_annotations, to_pdfx
from archiver.export.pdf_render import LEVELS
from archiver.export.pdf_skeleton import Skeleton
from archiver.export.pdf_structure import drop_tail, drop_verso, kids, set_languages
from archiver.export.pdf_tape import FONT, Recorder, fill, replay
from archiver.export.pdf_writer import Copier, Writer

TAPE = "pdf-tape"  # the render cache's kind for parts' tapes (pdf_tape)
TAPE_VERSION = "3"  # what a tape holds and how the assembly writes a part
# The modules whose code decides how a part is written: their source is in every tape's key, so
# an upgrade or an edit of any of them writes the parts afresh instead of replaying old writing.
ASSEMBLY_MODULES = ("fonts.py", "page_list.py")  # besides every pdf*.py of archiver.export


@functools.cache
def assembly_digest() -> str:
    """One hash of the source of the modules that write a part (for the tapes' key)."""
    files = render_cache.package_files(
        "archiver.export", keep=lambda n: n.startswith("pdf") or n in ASSEMBLY_MODULES
    )
    return render_cache.key(
        *(f"{name}:{digest}" for name, digest in zip(files[::2], files[1::2], strict=True))
    )


def _walk(item: Any) -> Iterator[Any]:
    """Outline items in pre-order (the order WeasyPrint wrote their levels in)."""
    while item is not None:
        yield item
        if "/First" in item:
            yield from _walk(item.First)
        item = item.get("/Next")


def part_facts(path: Path) -> tuple[int, dict[str, int], list[tuple[int, str, int]]]:
    """A rendered part's page count, the page index of each named destination, and its page starts."""
    import pikepdf

    with pikepdf.open(path) as src:
        index: dict[Any, int] = {page.objgen: i for i, page in enumerate(src.pages)}
        names: dict[str, int] = {}
        if "/Names" in src.Root and "/Dests" in src.Root.Names:
            for name, dest in pikepdf.NameTree(src.Root.Names.Dests).items():
                names[str(name)] = index[dest[0].objgen]
        return len(src.pages), names, page_list.read(src.Root)


@dataclass(frozen=True)
class Piece:
    """A part to write at `finish`: its file, what of it stays, and where its first page lands."""

    path: Path
    keep: bool
    verso: bool
    pages: int | None
    navigation: bool
    langs: tuple[tuple[int, str], ...]
    first: int
    targets: dict[str, str] = field(default_factory=dict)


@dataclass
class Assembly:
    """The edition being assembled: the front document, and the parts to write after it.

    `append` only reads each part's page count and page starts; `finish` writes the file part by
    part (pdf_writer), each part opened, adjusted and closed in turn, so the edition is never
    held whole: what spans the parts is kept as references and written last (pdf_skeleton).
    """

    pdf: Any  # the front (cover, the edition's metadata, XMP, output intent, attachments)
    count: int  # pages so far
    soft: bool = True  # line-break hyphens read as soft hyphens (see soft_hyphens)
    pieces: list[Piece] = field(default_factory=list)
    blank: set[int] = field(default_factory=set)  # indices of blank versos (no folio)
    starts: list[tuple[int, str, int]] = field(default_factory=list)  # page index, block, offset
    tapes: RenderCache | None = None  # where each part's writing is kept and replayed from (pdf_tape)

    @classmethod
    def on(cls, pdf: Any, soft: bool = True, tapes: RenderCache | None = None) -> Assembly:
        """The assembly on the front document; with `soft`, line-break hyphens read as soft hyphens;
        with `tapes`, a part written before in the same place is replayed from there (pdf_tape)."""
        if soft:
            soft_hyphens(pdf.pages)
        return cls(pdf, len(pdf.pages), soft, tapes=tapes)

    def append(
        self,
        path: Path,
        keep: bool = True,
        verso: bool = True,
        pages: int | None = None,
        navigation: bool = True,
        langs: tuple[tuple[int, str], ...] = (),
        known: tuple[int, list[tuple[int, str, int]]] | None = None,
        targets: dict[str, str] | None = None,
    ) -> int:
        """Add a rendered part's pages after those before it (written at `finish`).

        A part that opens with a blank `verso` keeps it only when `keep` says so; with `pages`,
        only its first pages stay (what lies on the others leaves the structure tree too); without
        `navigation`, its outline entries and names are not taken; `langs` says on which page each
        of its articles starts and in which language, which goes on the article's /Art elements
        as /Lang (readers choose the voice and hyphenation by it); `known` is the part's page count
        and page starts when they were read already (else the part is opened for them); `targets`
        renames its links' named destinations (a contents chunk links to its entries' places, see
        pdf_contents.entry_name). Returns the index of the part's first page in the edition.
        """
        if known is not None:
            total, starts = known
        else:
            import pikepdf

            with pikepdf.open(path) as src:
                total, starts = len(src.pages), page_list.read(src.Root)
        shift = 1 if verso and not keep else 0  # the dropped verso
        kept = total if pages is None else min(pages, total)
        self.starts += [(self.count - shift + i, block, n) for i, block, n in starts if shift <= i < kept]
        if verso and keep:
            self.blank.add(self.count)
        first = self.count
        self.pieces.append(Piece(path, keep, verso, pages, navigation, langs, first, targets or {}))
        self.count += kept - shift
        return first

    def finish(
        self, labels: Any, folios: Any, more: dict[int, Any] | None = None, press: Press | None = None
    ) -> bytes:
        """Write the edition: the front, then each part (folios and `more` stamps, the `press` stage:
        boxes, marks, PDF/X), then outline, names, structure tree, page labels and catalog; the front
        closed, the bytes returned (deterministic: the same parts give the same bytes)."""
        press = press or Press()
        version = "1.6" if press.pdfx else str(self.pdf.pdf_version)
        give_back()  # what the stages before freed (the contents' layout) need not stay resident
        with tempfile.TemporaryFile() as out:  # the file is written part by part, then read back once
            _Run(self, Writer(out, version), folios, more or {}, press).write(labels)
            self.pdf.close()
            out.seek(0)
            return out.read()


class _Run:
    """One writing of an assembly: the shared objects, the skeleton's records, the next ParentTree key."""

    def __init__(self, assembly: Assembly, writer: Writer, folios: Any, more: dict[int, Any], press: Press):
        self.assembly, self.writer, self.folios, self.more, self.press = assembly, writer, folios, more, press
        self.front = Copier(writer, assembly.pdf)
        self.skeleton = Skeleton.reserve(writer)
        self.next_key = 0
        self.slot = len(str(assembly.count))
        self.sheet = press.sheet(assembly.pdf)  # registration colour and slug forms, in the front
        self.srgb: int | None = None
        self.recorder: Recorder | None = None  # the part being written and kept (pdf_tape)
        if press.pdfx:  # the front's sRGB profile, which images recoloured in every part point to
            found = [i.DestOutputProfile for i in assembly.pdf.Root.get("/OutputIntents", [])]
            srgb = next((p for p in found if int(p.get("/N", 0)) == 3), None)
            self.srgb = None if srgb is None else self.front.ref(srgb)

    def write(self, labels: Any) -> None:
        """The front, each part in turn, then the skeleton and the cross-reference stream."""
        import pikepdf

        pdf = self.assembly.pdf
        self._piece(pdf, self.front, 0, 0, keys=None)
        if self.press.pdfx:
            to_pdfx(pdf, self.press.identifier, pages=False)
        pieces = self.assembly.pieces
        ends = [p.first for p in pieces[1:]] + [self.assembly.count]
        for piece, end in zip(pieces, ends, strict=True):
            name, tapes = self._tape_name(piece, end), self.assembly.tapes
            kept = None if name is None or tapes is None else tapes.recorded(TAPE, name)
            if kept is not None:
                self._replay(piece, kept)
                continue
            with pikepdf.open(piece.path) as src:
                self._part(src, piece, name)
        rename_subsets([*fonts_of(pdf.pages), *self.folios.fonts.values()])
        self.skeleton.write(self.front, self.next_key, labels, (LEVELS,))
        info = pdf.trailer.get("/Info")
        number = None if info is None else self.front.ref(info)
        self.front.flush()
        self.writer.close(self.skeleton.catalog, number)

    def _tape_name(self, piece: Piece, end: int) -> str | None:
        """The key of the part's tape: its bytes and all that decides its writing but the numbers its
        objects get (None: not kept, as when the press stage or contents numbers touch its pages)."""
        press = self.press
        if self.assembly.tapes is None or press.bleed or press.marks or press.pdfx:
            return None
        stamps = [
            (page - piece.first, more[0].name, more[1])
            for page, more in sorted(self.more.items())
            if piece.first <= page < end
        ]
        place = (piece.keep, piece.verso, piece.pages, piece.navigation, piece.langs, piece.first)
        return render_cache.key(
            TAPE,
            TAPE_VERSION,
            assembly_digest(),
            RENDER_VERSION,
            styles_digest(),
            sys.version,
            hashlib.sha256(piece.path.read_bytes()).hexdigest(),
            repr((place, sorted(piece.targets.items()), piece.first in self.assembly.blank)),
            repr((self.next_key, self.assembly.soft, self.slot)),
            self.folios.digest,
            repr(stamps),
        )

    def _outside(self) -> dict[int, str]:
        """The skeleton's objects a part refers to, by number."""
        sk = self.skeleton
        return {sk.root: "root", sk.document: "document", sk.pages: "pages"}

    def _shared(self, obj: Any) -> int:
        """The front's number for its `obj` (a folio font) a part refers to; kept on the part's tape."""
        number = self.front.ref(obj)
        assert number is not None
        recorder = self.recorder
        if recorder is not None:
            names = [name for name, font in self.folios.fonts.items() if font.objgen == obj.objgen]
            if names:
                recorder.outside(FONT + names[0], number)
            else:
                recorder.ok = False
        return number

    def _replay(self, piece: Piece, data: bytes) -> None:
        """Write a part from its tape, as `_part` wrote it then, with this file's numbers."""
        stamped = piece.first + (1 if piece.first in self.assembly.blank else 0)  # its first folio
        templates = {more[0].name: more[0] for more in self.more.values()}
        templates[FOLIO_FONT] = self.folios.sides[(stamped + 1) % 2 == 1]  # as its first stamp copies it

        def shared(code: str) -> int:
            font = share(self.folios.pdf, templates[code.removeprefix(FONT)], self.folios.fonts)
            number = self.front.ref(font)
            assert number is not None
            return number

        outside = {name: number for number, name in self._outside().items()}
        numbers, names, records = replay(data, self.writer, outside, shared)

        def text(template: Any) -> bytes:
            return fill(template, numbers, names)

        sk = self.skeleton
        sk.page_refs += [numbers[c] if isinstance(c, int) else names[c] for c in records["pages"]]
        sk.kids += [text(t) for t in records["kids"]]
        sk.nums += [(k, text(t)) for k, t in records["nums"]]
        sk.marks += [(level, text(title), text(dest)) for level, title, dest in records["marks"]]
        for name, dest in records["dests"]:
            sk.dests[name] = text(dest)
        self.next_key = records["next_key"]

    def _part(self, src: Any, piece: Piece, tape: str | None = None) -> None:
        """Adjust one part (drop what does not stay, languages) and write it; kept as `tape` when named."""
        index = {page.objgen: i for i, page in enumerate(src.pages)}  # as the part was rendered
        if self.assembly.soft:
            soft_hyphens(src.pages)
        if piece.pages is not None and piece.pages < len(src.pages):
            drop_tail(src, piece.pages)
        if piece.verso and not piece.keep:
            drop_verso(src)
        (document,) = kids(src.Root.StructTreeRoot)
        set_languages(document, index, piece.langs)
        if piece.targets:
            retarget(src.pages, piece.targets)
        recorder = None if tape is None else Recorder(self.writer, self._outside())
        copier = Copier(self.writer if recorder is None else recorder, src)
        kept = {page.objgen for page in src.pages}
        for objgen in set(index) - kept:  # a reference to a dropped page is null
            copier.numbers[objgen] = None
        offset = self.next_key
        sk = self.skeleton
        before = (len(sk.page_refs), len(sk.kids), len(sk.nums), len(sk.marks), dict(sk.dests))
        self.recorder = recorder
        try:
            self._piece(src, copier, piece.first, offset, self._renumber(src), piece.navigation)
            copier.flush()
        finally:
            self.recorder = None
        if recorder is not None and tape is not None and self.assembly.tapes is not None:
            records = self._records(recorder, *before)
            if recorder.ok:
                self.assembly.tapes.put(TAPE, tape, recorder.tape(records))

    def _records(
        self, recorder: Recorder, pages: int, kids: int, nums: int, marks: int, dests: dict[str, bytes]
    ) -> dict[str, Any]:
        """What the part added to the skeleton (after the counts and names it had before), as templates."""
        sk, t = self.skeleton, recorder.template
        return {
            "pages": [recorder.codes[n] for n in sk.page_refs[pages:]],
            "kids": [t(kid) for kid in sk.kids[kids:]],
            "nums": [(k, t(v)) for k, v in sk.nums[nums:]],
            "marks": [(level, t(title), t(dest)) for level, title, dest in sk.marks[marks:]],
            "dests": [(name, t(dest)) for name, dest in sk.dests.items() if dests.get(name) != dest],
            "next_key": self.next_key,
        }

    def _piece(
        self,
        src: Any,
        copier: Copier,
        first: int,
        offset: int,
        keys: set[int] | None,
        navigation: bool = True,
    ) -> None:
        """Stamp, press and write the pages of `src` from edition index `first`, and take its structure
        elements, ParentTree entries (those in `keys`; all for None), outline entries and names."""
        import pikepdf

        skeleton, root = self.skeleton, src.Root.StructTreeRoot
        (document,) = kids(root)
        copier.fix(root, skeleton.root)
        copier.fix(document, skeleton.document)
        copier.fix(src.Root.Pages, skeleton.pages)
        here = _Here(copier, self.front, self._shared)
        sheet = self.sheet.moved(here)
        for i, page in enumerate(src.pages, start=first):
            if i and i not in self.assembly.blank:
                right = (i + 1) % 2 == 1
                self.folios.stamp(page, i + 1, right=right, more=self.more.get(i), here=here)
            self.press.mark(page, i + 1, self.slot, sheet)
        if self.press.pdfx:
            if src is not self.assembly.pdf:  # images take the front's sRGB profile (one_ink reads it here)
                stand = None if self.srgb is None else copier.stand_in(self.srgb, N=3)
                intents = [pikepdf.Dictionary(DestOutputProfile=stand)] if stand is not None else []
                src.Root.OutputIntents = pikepdf.Array(intents)
            pdf_ink.one_ink(src)
            drop_annotations(src)
        if src is not self.assembly.pdf:  # the front's fonts are named with the shared ones, at the end
            unique_subset_names(src)
        for page in src.pages:
            _inherit(page.obj)
            page.obj.Parent = src.Root.Pages
            number = copier.ref(page.obj)
            assert number is not None
            skeleton.page_refs.append(number)
        skeleton.kids += [copier.inline(kid) for kid in kids(document)]
        nums = root.ParentTree.Nums
        for i in range(0, len(nums), 2):
            if keys is None or int(nums[i]) + offset in keys:
                skeleton.nums.append((int(nums[i]) + offset, copier.inline(nums[i + 1])))
        if keys is None:
            self.next_key = max([self.next_key - 1] + [k for k, _ in skeleton.nums]) + 1
        if navigation:
            self._navigation(src, copier)

    def _renumber(self, src: Any) -> set[int]:
        """Shift the part's ParentTree keys past those already used; the keys its pages use."""
        offset, used = self.next_key, set()
        for page in src.pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
                used.add(int(page.obj.StructParents))
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
                    used.add(int(annot.StructParent))
        nums = src.Root.StructTreeRoot.ParentTree.Nums
        top = max([offset - 1, *used] + [int(nums[i]) + offset for i in range(0, len(nums), 2)])
        self.next_key = top + 1
        return used

    def _navigation(self, src: Any, copier: Copier) -> None:
        """The part's outline entries (with their levels) and named destinations, as written."""
        import pikepdf

        levels = [int(x) for x in src.Root.get(LEVELS, [])]
        if "/Outlines" in src.Root and "/First" in src.Root.Outlines:
            items = list(_walk(src.Root.Outlines.First))
            if len(items) != len(levels):
                levels = [1] * len(items)  # not ours: keep the entries, flat
            self.skeleton.marks += [
                (lv, copier.inline(it.Title), copier.inline(it.Dest))
                for lv, it in zip(levels, items, strict=True)
            ]
        if "/Names" in src.Root and "/Dests" in src.Root.Names:
            for name, dest in pikepdf.NameTree(src.Root.Names.Dests).items():
                self.skeleton.dests[str(name)] = copier.inline(dest)


def retarget(pages: Iterable[Any], targets: dict[str, str]) -> None:
    """Point the pages' links at other named destinations: `targets` maps a name to the one it stands for.

    WeasyPrint writes an internal link's target as its /Dest and, in a tagged file, as its /Contents
    (the link's description): both are renamed.
    """
    import pikepdf

    for page in pages:
        for annot in page.obj.get("/Annots", []):
            for key in ("/Dest", "/Contents"):
                value = annot.get(key)
                if isinstance(value, pikepdf.String) and str(value) in targets:
                    annot[key] = pikepdf.String(targets[str(value)])


class _Here:
    """Objects of the front (shared by every page) as they are referred to from another document."""

    def __init__(self, copier: Copier, front: Copier, ref: Callable[[Any], int]) -> None:
        self.copier, self.front, self.ref = copier, front, ref  # `ref`: the front's number for an object
        self.made: dict[tuple[int, int], Any] = {}

    def __call__(self, obj: Any) -> Any:
        if self.copier is self.front:
            return obj
        if obj.objgen not in self.made:
            number = self.ref(obj)
            self.made[obj.objgen] = self.copier.stand_in(number)
        return self.made[obj.objgen]


def _inherit(page: Any) -> None:
    """Give a page the attributes it inherits from its page tree nodes (it leaves its tree)."""
    node = page.get("/Parent")
    while node is not None:
        for key in ("/Resources", "/MediaBox", "/CropBox", "/Rotate"):
            if key in node and key not in page:
                page[key] = node[key]
        node = node.get("/Parent")


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
    rename_subsets(fonts_of(pdf.pages))


def rename_subsets(fonts: Iterable[Any]) -> None:
    """Name each of these subset `fonts` after its bytes and its PostScript name (see unique_subset_names)."""
    import pikepdf

    for font in fonts:
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
