"""The press stage, once at the end of assembly: print boxes, crop and registration marks, and PDF/X-4.

WeasyPrint sets MediaBox = the CSS bleed box and draws `marks` inside the bleed, where the
knife may leave them on the sheet. Here the MediaBox grows by a slug beyond the bleed, and the
marks are drawn in that slug as page artifacts (ISO 32000-1, 14.8.2.2: "cut marks"), so that
tagging and PDF/UA stay right: crop marks 0.25 pt wide in the registration colour (all inks),
offset from the trim by more than the bleed, and a registration target on each side.

With `pdfx`, the edition leaves as PDF/X-4 instead of PDF/A-3u (`Press.pdfx` is that one
decision): the CMYK output intent of archiver's FOGRA39 profile, PDF/X-4 XMP, /Trapped, PDF 1.6,
and text and rules in one ink (pdf_ink). The canonical XML attachments stay in the PDF/A
edition: a print file carries no embedded files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from lxml import etree

from archiver.export import pdf_ink
from archiver.export.pdf_slug import HEIGHT, Slug

MM = 72 / 25.4
SLUG = 10 * MM  # the slug beyond the bleed, where marks sit
MARK = 5 * MM  # the length of a crop mark
MIN_OFFSET = 3 * MM  # a mark's distance from the trim when there is little or no bleed
GAP = 1 * MM  # between the bleed's edge and the marks
TARGET = 2 * MM  # the radius of a registration target's circle
LINE = 0.25  # the marks' line width in points
REGISTRATION = "/ArchiverRegistration"  # the colour space resource name of the registration colour
PROFILE = "FOGRA39-archiver.icc"  # in archiver.styles; made by scripts/make-cmyk-profile.sh
CONDITION = "FOGRA39"  # the characterisation the profile was made from (ISO 12647-2, coated paper)
PDFX_VERSION = "PDF/X-4"
Box = tuple[float, float, float, float]

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
    "pdfx": "http://ns.adobe.com/pdfx/1.3/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
}


def grow(box: Box, by: float) -> Box:
    """`box` made larger by `by` on every side."""
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def offset(bleed: float) -> float:
    """How far from the trim the marks start: beyond the bleed, never over it (points)."""
    return max(bleed + GAP, MIN_OFFSET)


def crop_marks(trim: Box, bleed: float) -> list[tuple[float, float, float, float]]:
    """The eight crop marks as line segments (x0, y0, x1, y1), in line with the trim's edges."""
    x0, y0, x1, y1 = trim
    near, far = offset(bleed), offset(bleed) + MARK
    lines = []
    for x, sx in ((x0, -1), (x1, 1)):
        for y, sy in ((y0, -1), (y1, 1)):
            lines.append((x + sx * near, y, x + sx * far, y))  # horizontal, in line with the edge y
            lines.append((x, y + sy * near, x, y + sy * far))  # vertical, in line with the edge x
    return lines


def targets(trim: Box, bleed: float) -> list[tuple[float, float]]:
    """The centres of the four registration targets: mid-side, in the marks' band."""
    x0, y0, x1, y1 = trim
    mid = offset(bleed) + MARK / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return [(cx, y1 + mid), (cx, y0 - mid), (x0 - mid, cy), (x1 + mid, cy)]


def _circle(cx: float, cy: float, r: float) -> str:
    """A circle as four Bézier curves."""
    k = 0.5523 * r
    return (
        f"{cx + r:.3f} {cy:.3f} m "
        f"{cx + r:.3f} {cy + k:.3f} {cx + k:.3f} {cy + r:.3f} {cx:.3f} {cy + r:.3f} c "
        f"{cx - k:.3f} {cy + r:.3f} {cx - r:.3f} {cy + k:.3f} {cx - r:.3f} {cy:.3f} c "
        f"{cx - r:.3f} {cy - k:.3f} {cx - k:.3f} {cy - r:.3f} {cx:.3f} {cy - r:.3f} c "
        f"{cx + k:.3f} {cy - r:.3f} {cx + r:.3f} {cy - k:.3f} {cx + r:.3f} {cy:.3f} c S"
    )


def marks_stream(trim: Box, bleed: float) -> bytes:
    """The marks of a page with this trim and bleed, as an artifact in the registration colour."""
    ops = [f"/Artifact <</Type /Page>> BDC q {REGISTRATION} CS 1 SCN {LINE} w 0 J 0 j []0 d"]
    ops += [f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S" for a, b, c, d in crop_marks(trim, bleed)]
    reach = TARGET + MM
    for cx, cy in targets(trim, bleed):
        ops.append(_circle(cx, cy, TARGET))
        ops.append(f"{cx - reach:.3f} {cy:.3f} m {cx + reach:.3f} {cy:.3f} l S")
        ops.append(f"{cx:.3f} {cy - reach:.3f} m {cx:.3f} {cy + reach:.3f} l S")
    ops.append("Q EMC")
    return ("\n".join(ops) + "\n").encode()


def slug_place(trim: Box, bleed: float) -> tuple[float, float, float]:
    """Where the slug line goes: its start, its bottom, and where it must end (before the target)."""
    x0, y0, x1, _ = trim
    mid = offset(bleed) + MARK / 2
    return x0 + 3 * MM, y0 - mid - HEIGHT / 2, (x0 + x1) / 2 - TARGET - 3 * MM


def _registration(pdf: Any, cmyk: bool) -> Any:
    """The registration colour: the Separation named All, which prints on every plate."""
    import pikepdf

    one, zero = ([1, 1, 1, 1], [0, 0, 0, 0]) if cmyk else ([0], [1])
    tint = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=zero, C1=one, N=1)
    alternate = pikepdf.Name.DeviceCMYK if cmyk else pikepdf.Name.DeviceGray
    return pdf.make_indirect(pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All, alternate, tint]))


def _box(value: Any) -> Box:
    x0, y0, x1, y1 = (float(v) for v in value)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


@dataclass(frozen=True)
class Press:
    """What the print shop asked for: bleed in millimetres, marks, and PDF/X-4 instead of PDF/A-3u."""

    bleed: float = 0.0
    marks: bool = False
    pdfx: bool = False
    identifier: str = ""  # the edition's identifier: the PDF/X document id is made from it
    title: str = ""  # the edition's title, date and language, for the slug line (none without a title)
    date: str = ""
    lang: str = "en"

    def apply(self, pdf: Any) -> None:
        """Set the boxes and draw the marks on every page of a whole document; make it PDF/X-4 when asked."""
        sheet = self.sheet(pdf)
        slot = len(str(len(pdf.pages)))
        for number, page in enumerate(pdf.pages, start=1):
            self.mark(page, number, slot, sheet)
        if self.pdfx:
            to_pdfx(pdf, self.identifier)

    def save_options(self) -> dict[str, Any]:
        """pikepdf save options: PDF/X-4 is PDF 1.6."""
        return {"force_version": "1.6"} if self.pdfx else {}

    def sheet(self, pdf: Any) -> Sheet:
        """The objects every page's marks share, made in `pdf`: the registration colour, the slug line."""
        colour = _registration(pdf, self.pdfx) if self.marks else None
        slug = Slug.make(pdf, self.title, self.date, self.lang) if self.marks and self.title else None
        return Sheet(colour, slug)

    def mark(self, page: Any, number: int, slot: int, sheet: Sheet) -> None:
        """The boxes of page `number` (of numbers `slot` digits wide), and its marks and slug line."""
        import pikepdf

        if not (self.bleed or self.marks or self.pdfx):
            return
        bleed = self.bleed * MM
        media = _box(page.obj.MediaBox)
        trim = _box(page.obj.get("/TrimBox", page.obj.MediaBox))
        page.obj.TrimBox = pikepdf.Array(trim)
        page.obj.BleedBox = pikepdf.Array(grow(trim, bleed))
        if sheet.colour is None:
            return
        page.obj.MediaBox = pikepdf.Array(grow(trim, bleed + SLUG))
        if "/CropBox" in page.obj and _box(page.obj.CropBox) == media:
            del page.obj["/CropBox"]
        spaces = page.obj.Resources.get("/ColorSpace")
        if spaces is None:
            page.obj.Resources.ColorSpace = spaces = pikepdf.Dictionary()
        spaces[REGISTRATION] = sheet.colour
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"\nQ\n" + marks_stream(trim, bleed))
        if sheet.slug is not None:
            x, y, end = slug_place(trim, bleed)
            line = sheet.slug.put(page, number, slot, x, y, end)
            page.contents_add(b"/Artifact <</Type /Page>> BDC\n" + line + b"EMC\n")


@dataclass(frozen=True)
class Sheet:
    """What the marks of every page share: the registration colour and the slug line's forms."""

    colour: Any = None
    slug: Slug | None = None

    def moved(self, here: Callable[[Any], Any]) -> Sheet:
        """The same objects as another document's pages refer to them (`here` gives each one's stand-in)."""
        slug = self.slug
        if slug is not None:
            slug = Slug({name: here(form) for name, form in slug.forms.items()}, slug.digit)
        return Sheet(None if self.colour is None else here(self.colour), slug)


def profile() -> bytes:
    """archiver's CMYK output profile (FOGRA39, made from icc-profiles-free's data; Zlib licence)."""
    return resources.files("archiver.styles").joinpath(PROFILE).read_bytes()


def to_pdfx(pdf: Any, identifier: str, pages: bool = True) -> None:
    """Make the assembled PDF/A-3u document PDF/X-4: output intent, ink, metadata, no attachments
    (without `pages`, its pages' ink and annotations are left to the caller)."""
    import pikepdf

    if pages:
        pdf_ink.one_ink(pdf)
        drop_annotations(pdf)
    icc = pdf.make_stream(profile(), N=4)
    pdf.Root.OutputIntents = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent,
                S=pikepdf.Name.GTS_PDFX,
                OutputConditionIdentifier=pikepdf.String(CONDITION),
                OutputCondition=pikepdf.String("Offset, coated paper (ISO 12647-2), FOGRA39"),
                RegistryName=pikepdf.String("http://www.color.org"),
                Info=pikepdf.String("FOGRA39 (archiver's profile from FOGRA39L characterisation data)"),
                DestOutputProfile=icc,
            )
        ]
    )
    for key in ("/AF",):
        if key in pdf.Root:
            del pdf.Root[key]
    if "/Names" in pdf.Root and "/EmbeddedFiles" in pdf.Root.Names:
        del pdf.Root.Names["/EmbeddedFiles"]
    pdf.docinfo[pikepdf.Name.Trapped] = pikepdf.Name("/False")
    pdf.docinfo[pikepdf.Name.GTS_PDFXVersion] = pikepdf.String(PDFX_VERSION)
    modified = str(pdf.docinfo.get("/ModDate", ""))
    pdf.Root.Metadata = pdf.make_stream(
        pdfx_xmp(pdf.Root.Metadata.read_bytes(), identifier, _xmp_date(modified)),
        Type=pikepdf.Name.Metadata,
        Subtype=pikepdf.Name.XML,
    )


def drop_annotations(pdf: Any) -> None:
    """Take the annotations (links) off every page, and their references out of the structure tree.

    PDF/X allows no annotation inside the BleedBox but printer's marks and trap networks; a print
    file needs no links (the PDF/A edition keeps them). The link texts stay tagged as /Link.
    """
    import pikepdf

    gone: set[tuple[int, int]] = set()
    keys: set[int] = set()
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            gone.add(annot.objgen)
            if "/StructParent" in annot:
                keys.add(int(annot.StructParent))
        if "/Annots" in page.obj:
            del page.obj["/Annots"]
    root = pdf.Root.get("/StructTreeRoot")
    if not gone or root is None:
        return
    stack = [root]
    while stack:
        element = stack.pop()
        kids = element.get("/K")
        if not isinstance(kids, pikepdf.Array | pikepdf.Dictionary):
            continue
        items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        left = [k for k in items if not (isinstance(k, pikepdf.Dictionary) and _is_gone(k, gone))]
        if len(left) != len(items):
            element.K = pikepdf.Array(left)
        stack += [k for k in left if isinstance(k, pikepdf.Dictionary) and _is_element(k)]
    nums = root.get("/ParentTree", {}).get("/Nums")
    if nums is not None:
        pairs = [(nums[i], nums[i + 1]) for i in range(0, len(nums), 2) if int(nums[i]) not in keys]
        root.ParentTree.Nums = pikepdf.Array([v for pair in pairs for v in pair])


def _is_element(kid: Any) -> bool:
    """Whether a structure kid is a structure element (not a marked-content or object reference)."""
    return "/Type" not in kid or kid.get("/Type") == "/StructElem"


def _is_gone(kid: Any, gone: set[tuple[int, int]]) -> bool:
    """Whether a structure kid is an object reference to a removed annotation."""
    return kid.get("/Type") == "/OBJR" and kid.Obj.objgen in gone


def _xmp_date(pdf_date: str) -> str:
    """D:20240101000000Z as 2024-01-01T00:00:00Z."""
    d = pdf_date.removeprefix("D:")
    if len(d) < 14:
        return "1970-01-01T00:00:00Z"
    return f"{d[0:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}Z"


def pdfx_xmp(xmp: bytes, identifier: str, date: str) -> bytes:
    """The XMP packet of a PDF/A document rewritten for PDF/X-4 (ISO 15930-7, 6.7.2)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
    root = etree.fromstring(xmp, parser)
    rdf = root.find(f".//{{{NS['rdf']}}}RDF")
    if rdf is None:
        raise ValueError("the XMP packet has no rdf:RDF")
    for description in rdf.findall(f"{{{NS['rdf']}}}Description"):
        for name in ("part", "conformance", "amd"):
            description.attrib.pop(f"{{{NS['pdfaid']}}}{name}", None)
        for child in list(description):
            if child.tag.startswith(f"{{{NS['pdfaid']}}}") or child.tag == f"{{{NS['pdf']}}}Trapped":
                description.remove(child)
    uid = hashlib.sha256(identifier.encode()).hexdigest()
    uuid = f"uuid:{uid[:8]}-{uid[8:12]}-{uid[12:16]}-{uid[16:20]}-{uid[20:32]}"
    values = {
        ("pdfxid", "GTS_PDFXVersion"): PDFX_VERSION,
        ("pdf", "Trapped"): "False",
        ("xmp", "MetadataDate"): date,
        ("xmpMM", "DocumentID"): uuid,
        ("xmpMM", "VersionID"): "1",
        ("xmpMM", "RenditionClass"): "default",
    }
    nsmap = {prefix: NS[prefix] for prefix in ("pdfxid", "pdf", "xmp", "xmpMM")}
    description = etree.SubElement(rdf, f"{{{NS['rdf']}}}Description", nsmap=nsmap)
    description.set(f"{{{NS['rdf']}}}about", "")
    for (prefix, name), text in values.items():
        etree.SubElement(description, f"{{{NS[prefix]}}}{name}").text = text
    body: bytes = etree.tostring(root, encoding="utf-8")
    head = b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    return head + body + b'\n<?xpacket end="w"?>'
