"""Press-ready PDF: boxes, marks in the slug, PDF/X-4 in one-ink black (qpdf, pikepdf, gs, poppler)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest
from lxml import etree
from PIL import Image

from archiver.document.model import Document
from archiver.export import pdf, pdf_ink, pdf_press
from archiver.export.edition import gather
from tests.export.conftest import EPOCH
from tests.export.conftest import seed as _seed

Box = tuple[float, float, float, float]


def _render(docs: list[Document], **options: object) -> bytes:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return pdf.render(gather([_seed(docs)]), pdf.PdfOptions(**options))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def plain(docs: list[Document]) -> bytes:
    return _render(docs)


@pytest.fixture(scope="module")
def marked(docs: list[Document]) -> bytes:
    return _render(docs, bleed=3, marks=True)


@pytest.fixture(scope="module")
def pdfx(docs: list[Document]) -> bytes:
    return _render(docs, bleed=3, marks=True, pdfx=True)


def _box(value: object) -> Box:
    return pdf_press._box(value)


def _inside(inner: Box, outer: Box, margin: float = 0.0) -> bool:
    """Whether `inner` lies in `outer`, at least `margin` from each of its edges."""
    return (
        inner[0] - outer[0] >= margin
        and inner[1] - outer[1] >= margin
        and outer[2] - inner[2] >= margin
        and outer[3] - inner[3] >= margin
    )


def _clear_of(segment: tuple[float, float, float, float], box: Box) -> bool:
    """Whether an axis-aligned segment lies wholly outside `box` (touching its edge counts as inside)."""
    x0, y0, x1, y1 = segment
    return max(x0, x1) < box[0] or min(x0, x1) > box[2] or max(y0, y1) < box[1] or min(y0, y1) > box[3]


@pytest.mark.parametrize("bleed", [0.0, 3.0, 5.0, 10.0])
def test_marks_lie_in_the_slug_outside_the_bleed(bleed: float) -> None:
    trim: Box = (0, 0, 419.53, 595.28)
    b = bleed * pdf_press.MM
    bleed_box, media = pdf_press.grow(trim, b), pdf_press.grow(trim, b + pdf_press.SLUG)
    lines = pdf_press.crop_marks(trim, bleed=b)
    assert len(lines) == 8
    for line in lines:
        assert _clear_of(line, bleed_box), line
        assert _inside(
            (min(line[0], line[2]), min(line[1], line[3]), max(line[0], line[2]), max(line[1], line[3])),
            media,
        )
        length = abs(line[2] - line[0]) + abs(line[3] - line[1])
        assert abs(length - 5 * pdf_press.MM) < 0.01  # ~5 mm
        horizontal = line[1] == line[3]
        edge = line[1] in (trim[1], trim[3]) if horizontal else line[0] in (trim[0], trim[2])
        assert edge  # in line with a trim edge: where the knife goes
    for cx, cy in pdf_press.targets(trim, b):
        reach = pdf_press.TARGET + pdf_press.MM
        target = (cx - reach, cy - reach, cx + reach, cy + reach)
        assert _inside(target, media)
        assert _clear_of((target[0], target[1], target[2], target[1]), bleed_box) or _clear_of(
            (target[0], target[1], target[0], target[3]), bleed_box
        )


def _marks_paths(page: pikepdf.Page) -> list[tuple[float, float]]:
    """The points of every path drawn in the page's /Artifact <</Type /Page>> sections."""
    points, inside = [], False
    for ins in pikepdf.parse_content_stream(page):
        op = str(ins.operator)
        if op == "BDC" and str(ins.operands[0]) == "/Artifact" and ins.operands[1].get("/Type") == "/Page":
            inside = True
        elif op == "EMC":
            inside = False
        elif inside and op in ("m", "l", "c"):
            values = [float(v) for v in ins.operands]
            points += list(zip(values[::2], values[1::2], strict=True))
    return points


def test_boxes_nest_and_marks_are_page_artifacts_in_the_slug(marked: bytes, tmp_path: Path) -> None:
    (tmp_path / "m.pdf").write_bytes(marked)
    check = subprocess.run(["qpdf", "--check", str(tmp_path / "m.pdf")], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors found" in check.stdout
    with pikepdf.open(io.BytesIO(marked)) as doc:
        for page in doc.pages:
            trim, bleed, media = (_box(page.obj[k]) for k in ("/TrimBox", "/BleedBox", "/MediaBox"))
            assert _inside(trim, bleed, 3 * pdf_press.MM - 0.01)  # the 3 mm bleed
            assert _inside(bleed, media, 10 * pdf_press.MM - 0.01)  # the slug
            points = _marks_paths(page)
            assert len(points) > 8 * 2
            for x, y in points:
                assert not (bleed[0] <= x <= bleed[2] and bleed[1] <= y <= bleed[3]), (x, y)
                assert media[0] <= x <= media[2] and media[1] <= y <= media[3]
            space = page.Resources.ColorSpace[pdf_press.REGISTRATION]
            assert str(space[0]) == "/Separation" and str(space[1]) == "/All"  # registration: every plate
            assert str(space[2]) == "/DeviceGray"  # PDF/A-3 with an sRGB intent allows grey, not CMYK


def test_rendered_marks_leave_the_bleed_white(marked: bytes, tmp_path: Path) -> None:
    """pdftoppm of the whole MediaBox (1 pixel = 1 pt): ink in the slug, none in the ring of bleed."""
    path = tmp_path / "m.pdf"
    path.write_bytes(marked)
    subprocess.run(
        ["pdftoppm", "-r", "72", "-gray", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    with pikepdf.open(io.BytesIO(marked)) as doc:
        page = doc.pages[0]
        trim, bleed, media = (_box(page.obj[k]) for k in ("/TrimBox", "/BleedBox", "/MediaBox"))
    height = media[3] - media[1]

    def dark(box: Box, skip: Box | None = None) -> int:
        count = 0
        for y in range(int(height - (box[3] - media[1])) + 1, int(height - (box[1] - media[1])) - 1):
            for x in range(int(box[0] - media[0]) + 1, int(box[2] - media[0]) - 1):
                px, py = x + media[0], height - y + media[1]
                if skip and skip[0] - 1 <= px <= skip[2] + 1 and skip[1] - 1 <= py <= skip[3] + 1:
                    continue
                count += image.getpixel((x, y)) < 200
        return count

    assert dark(bleed, skip=trim) == 0  # nothing printed between trim and bleed edge on the cover
    assert dark(media, skip=bleed) > 100  # the marks


def test_the_slug_line_names_page_title_and_date_outside_the_bleed(
    docs: list[Document], marked: bytes, tmp_path: Path
) -> None:
    title = " ".join(gather([_seed(docs)]).title.split())
    path = tmp_path / "m.pdf"
    path.write_bytes(marked)
    with pikepdf.open(io.BytesIO(marked)) as doc:
        pages = len(doc.pages)
        bleed, media = (_box(doc.pages[2].obj[k]) for k in ("/BleedBox", "/MediaBox"))
    top = round(media[3] - bleed[1]) + 1  # pdftotext's -y counts from the sheet's top edge, in pt at -r 72
    region = ["-r", "72", "-x", "0", "-y", str(top), "-W", str(round(media[2] - media[0])), "-H", "100"]
    for page in (2, 3, pages):
        args = ["pdftotext", *region, "-f", str(page), "-l", str(page), str(path), "-"]
        text = " ".join(subprocess.run(args, capture_output=True, text=True, check=True).stdout.split())
        assert text == f"{page} {title} · 2024-01-01"  # below the bleed: the slug line alone


def _colour_ops(data: bytes) -> set[str]:
    ops: set[str] = set()
    with pikepdf.open(io.BytesIO(data)) as doc:
        for page in doc.pages:
            ops |= {str(i.operator) for i in pikepdf.parse_content_stream(page)}
    return ops & {"rg", "RG", "g", "G", "k", "K", "sc", "scn", "SC", "SCN"}


def test_rgb_and_grey_become_one_ink_cmyk() -> None:
    def ops(text: bytes) -> list[tuple[str, list[float]]]:
        with pikepdf.new() as doc:
            parsed = list(pikepdf.parse_content_stream(doc.make_stream(text)))
            out, _ = pdf_ink.rewrite(parsed, {"/CS0": "/DeviceRGB"})
        return [
            (str(i.operator), [float(v) if not isinstance(v, pikepdf.Name) else 0 for v in i.operands])
            for i in out
        ]

    assert ops(b"0 0 0 rg 0 0 0 RG") == [("k", [0, 0, 0, 1]), ("K", [0, 0, 0, 1])]
    assert ops(b"0.25 g 1 G") == [("k", [0, 0, 0, 0.75]), ("K", [0, 0, 0, 0])]
    red = ops(b"0.54902 0.12549 0.12549 rg")[0]
    assert red[0] == "k" and red[1][0] == 0 and red[1][1] > 0.7 and red[1][2] > 0.7 and 0.4 < red[1][3] < 0.5
    assert ops(b"/CS0 cs 0 0 0 sc")[1] == ("sc", [0, 0, 0, 1])  # a named DeviceRGB space too


def _inkcov(data: bytes, tmp_path: Path, page: int) -> list[float]:
    path = tmp_path / "ink.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        [
            "gs",
            "-q",
            "-dSAFER",
            "-dUseTrimBox",
            "-o",
            "-",
            "-sDEVICE=inkcov",
            f"-dFirstPage={page}",
            f"-dLastPage={page}",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [float(v) for v in out.split()[:4]]


def _text_page(data: bytes, tmp_path: Path) -> int:
    """The first page (1-based) that holds the seed article's body text."""
    path = tmp_path / "text.pdf"
    path.write_bytes(data)
    for page in range(3, 10):
        args = ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"]
        if "Vladivostok" in subprocess.run(args, capture_output=True, text=True, check=True).stdout:
            return page
    raise AssertionError("no page holds the article's text")


def test_pdfx_text_prints_on_the_black_plate_alone(plain: bytes, pdfx: bytes, tmp_path: Path) -> None:
    page = _text_page(pdfx, tmp_path)
    c, m, y, k = _inkcov(pdfx, tmp_path, page)
    assert c == m == y == 0 and k > 0.01
    before = _inkcov(plain, tmp_path, page)
    assert min(before[:3]) > 0.01  # RGB black separates into four inks without PDF/X
    assert not _colour_ops(pdfx) & {"rg", "RG", "g", "G"}  # nothing left in device RGB or grey
    assert {"rg"} <= _colour_ops(plain)


def test_pdfx_is_a_pdfx4_file_not_pdfa(pdfx: bytes, tmp_path: Path) -> None:
    (tmp_path / "x.pdf").write_bytes(pdfx)
    check = subprocess.run(["qpdf", "--check", str(tmp_path / "x.pdf")], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors found" in check.stdout
    with pikepdf.open(io.BytesIO(pdfx)) as doc:
        assert doc.pdf_version == "1.6"
        (intent,) = doc.Root.OutputIntents
        assert intent.S == "/GTS_PDFX" and str(intent.OutputConditionIdentifier) == "FOGRA39"
        profile = intent.DestOutputProfile
        assert int(profile.N) == 4 and profile.read_bytes()[16:20] == b"CMYK"
        assert doc.docinfo.Trapped == "/False"
        assert "/AF" not in doc.Root and "/EmbeddedFiles" not in doc.Root.Names  # the XML stays in PDF/A
        assert "/StructTreeRoot" in doc.Root and "/Lang" in doc.Root  # tags stay
        assert not any("/Annots" in page.obj for page in doc.pages)  # PDF/X: no links on the page
        _assert_no_dangling_references(doc)
        metadata = doc.Root.Metadata
        assert "/Filter" not in metadata  # XMP readable without decoding
        xmp = etree.fromstring(metadata.read_bytes())
        for page in doc.pages:
            assert "/TrimBox" in page.obj
            space = page.Resources.ColorSpace[pdf_press.REGISTRATION]
            assert str(space[2]) == "/DeviceCMYK"
    ns = pdf_press.NS
    assert xmp.findtext(f".//{{{ns['pdfxid']}}}GTS_PDFXVersion") == "PDF/X-4"
    assert xmp.findtext(f".//{{{ns['pdf']}}}Trapped") == "False"
    assert xmp.findtext(f".//{{{ns['xmpMM']}}}DocumentID").startswith("uuid:")
    assert xmp.findtext(f".//{{{ns['xmpMM']}}}RenditionClass") == "default"
    assert not xmp.xpath("//@*[namespace-uri()=$ns] | //*[namespace-uri()=$ns]", ns=ns["pdfaid"])


def _assert_no_dangling_references(doc: pikepdf.Pdf) -> int:
    """Every object reference in the structure tree names an annotation still on a page."""
    on_pages = {a.objgen for page in doc.pages for a in page.obj.get("/Annots", [])}
    stack, seen = [doc.Root.StructTreeRoot], 0
    while stack:
        kids = stack.pop().get("/K")
        for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary):
                if kid.get("/Type") == "/OBJR":
                    assert kid.Obj.objgen in on_pages
                    seen += 1
                elif kid.get("/Type") != "/MCR":
                    stack.append(kid)
    nums = doc.Root.StructTreeRoot.ParentTree.Nums
    keys = {int(nums[i]) for i in range(0, len(nums), 2)}
    used = {
        int(a.StructParent) for page in doc.pages for a in page.obj.get("/Annots", []) if "/StructParent" in a
    }
    assert used <= keys
    return seen


def test_the_pdfa_edition_keeps_its_links(plain: bytes) -> None:
    with pikepdf.open(io.BytesIO(plain)) as doc:
        assert any("/Annots" in page.obj for page in doc.pages)
        assert _assert_no_dangling_references(doc) > 0  # the contents' links are tagged


def test_without_press_options_nothing_changes(plain: bytes) -> None:
    with pikepdf.open(io.BytesIO(plain)) as doc:
        assert doc.Root.OutputIntents[0].S == "/GTS_PDFA1" and "/AF" in doc.Root
        for page in doc.pages:
            assert _box(page.MediaBox) == _box(page.obj.get("/TrimBox", page.MediaBox))
            assert pdf_press.REGISTRATION not in page.Resources.get("/ColorSpace", {})
            assert not _marks_paths(page)


def test_the_profile_is_cmyk_output_and_reproducible() -> None:
    icc = pdf_press.profile()
    assert icc[12:20] == b"prtrCMYK" and icc[20:24] == b"Lab "  # an output profile, CMYK to PCS Lab
    assert icc[24:26] == (2006).to_bytes(2, "big")  # fixed date: the file is made reproducibly
    assert b"icc-profiles-free" in icc and b"Zlib" in icc  # the altered version says where it comes from


def test_pdfx_option_on_the_command_line(docs: list[Document]) -> None:
    from archiver.export.options import parse

    options = parse(pdf.PdfOptions, ["pdfx=yes", "marks=yes", "bleed=3"], "pdf")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        edition = gather([_seed(docs)])
        press = options.press(edition)
    assert (press.bleed, press.marks, press.pdfx, press.date) == (3.0, True, True, "2024-01-01")
    assert press.identifier == edition.identifier and press.title == edition.title
    assert pdf_press.Press(3.0, True, True).save_options() == {"force_version": "1.6"}
    assert pdf_press.Press().save_options() == {}
