"""Numbers stamped at assembly: WeasyPrint sets a sample of digits once, archiver copies it where numbers go.

Chunks render with empty folio boxes and contents entries with an empty number column, so their
bytes do not depend on the pages before them. A tiny sample document set with the very
stylesheet and options of the edition shows the digits "1234567890" where a number goes (a
folio on a right and on a left page, a contents entry's number), which gives that number's text
object (position, size, colour, the subset font with the ten digits). Each page of the
assembled edition then gets that text object with its own digits: folios where the sample had
them, right pages right-aligned as the margin box would set them; contents numbers right-aligned
at the end of their entry's number column. A stamp is marked as an artifact, as WeasyPrint marks
margin boxes.
"""

from __future__ import annotations

import collections
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.export.pdf_parts import part_html
from archiver.export.pdf_render import render_html

SAMPLE = "1234567890"
FOLIO_FONT = "/ArchiverFolio"
NUMBER_FONT = "/ArchiverNumber"
KEEP = {"q", "Q", "cm", "BT", "ET", "Tm", "Tf", "TJ", "Tj", "rg", "g", "k"}  # no resources but the font


def sample_css(base: str) -> str:
    """Two blank pages that show nothing but their folios, the first numbered SAMPLE."""
    hide = "@top-left { content: none; } @top-right { content: none; }"
    return f"{base} @page {{ marks: none; {hide} }} @page :first {{ counter-reset: page {SAMPLE}; }}"


def sample(base: str, lang: str) -> tuple[bytes, str]:
    """The two-page folio sample's HTML and CSS (rendered untagged: its text only serves as a template)."""
    html = part_html(lang, "folios", "folios", [])
    html = html.replace(b"</body>", b'<div></div><div style="break-before: page"></div></body>')
    return html, sample_css(base)


def untagged(html: bytes, css: str) -> bytes:
    """A sample rendered without tags."""
    return render_html(html, css, tagged=False)


@dataclass
class Template:
    """A sample's line of digits: its operators, where its digits and position go, its font and widths."""

    ops: list[Any]
    text_at: int  # index of the TJ/Tj operator
    matrix_at: int  # index of the Tm operator
    size: float
    codes: dict[str, bytes]  # digit -> glyph code in the subset font
    widths: dict[str, float]  # digit -> advance width in 1/1000 em
    font: Any  # the subset font (in the sample document)
    name: str  # the font's resource name in stamped pages

    @classmethod
    def of(cls, page: Any, name: str) -> Template:
        """The template of the digits shown on a sample `page` (in one face, nothing else shown)."""
        import pikepdf

        font = _font(page)
        codes, widths = _digits(page, font)
        ops = []
        for instruction in pikepdf.parse_content_stream(page):
            operands, op = instruction.operands, instruction.operator
            if str(op) not in KEEP:
                continue
            values: list[Any] = [pikepdf.Name(name), operands[1]] if str(op) == "Tf" else list(operands)
            ops.append(pikepdf.ContentStreamInstruction(values, op))
        text_at = next(i for i, ins in enumerate(ops) if str(ins.operator) in ("TJ", "Tj"))
        matrix_at = max(i for i, ins in enumerate(ops[:text_at]) if str(ins.operator) == "Tm")
        size = float(next(ins.operands[1] for ins in ops if str(ins.operator) == "Tf"))
        return cls(ops, text_at, matrix_at, size, codes, widths, font, name)

    def width(self, digits: str) -> float:
        """The width of `digits` in the page's units."""
        return sum(self.widths[d] for d in digits) * self.size / 1000

    def stream(self, digits: str, x: float | None = None, y: float | None = None) -> bytes:
        """The content that shows `digits` starting at (x, y), or where the sample's digits start."""
        import pikepdf

        ops = list(self.ops)
        ops[self.text_at] = pikepdf.ContentStreamInstruction(
            [pikepdf.String(b"".join(self.codes[d] for d in digits))], pikepdf.Operator("Tj")
        )
        matrix = list(ops[self.matrix_at].operands)
        if x is not None:
            matrix[4] = x
        if y is not None:
            matrix[5] = y
        ops[self.matrix_at] = pikepdf.ContentStreamInstruction(matrix, pikepdf.Operator("Tm"))
        body: bytes = pikepdf.unparse_content_stream(ops)
        return b"/Artifact BMC\nq\n" + body + b"\nQ\nEMC\n"

    def origin(self) -> float:
        """The x where the sample's digits start."""
        return float(self.ops[self.matrix_at].operands[4])


def stamp(
    pdf: Any,
    page: Any,
    template: Template,
    streams: list[bytes],
    fonts: dict[str, Any],
    here: Callable[[Any], Any] = lambda font: font,
) -> None:
    """Add the stamped `streams` to `page`, with the template's font (copied into `pdf` once; `here`
    gives what stands for that copy in the page's own document)."""
    import pikepdf

    font = share(pdf, template, fonts)
    resources = page.obj.Resources
    if "/Font" not in resources:
        resources.Font = pikepdf.Dictionary()
    resources.Font[template.name] = here(font)
    page.contents_add(b"q\n", prepend=True)  # the page's own graphics state ends before the stamps
    page.contents_add(b"\nQ\n" + b"\n".join(streams))


def share(pdf: Any, template: Template, fonts: dict[str, Any]) -> Any:
    """The edition's copy of the template's font, made in `pdf` the first time (kept in `fonts`)."""
    if template.name not in fonts:
        fonts[template.name] = pdf.copy_foreign(template.font)
    return fonts[template.name]


class Folios:
    """Stamps folios on the pages of an assembled edition, from the sample's template."""

    def __init__(self, pdf: Any, sample: Path) -> None:
        import pikepdf

        self.pdf = pdf
        self.digest = hashlib.sha256(sample.read_bytes()).hexdigest()  # what the stamps are made from
        self.source = pikepdf.open(sample)
        right = Template.of(self.source.pages[0], FOLIO_FONT)
        left = Template.of(self.source.pages[1], FOLIO_FONT)
        left.codes, left.widths = right.codes, right.widths  # the left page shows 1234567891
        self.sides = {True: right, False: left}
        self.fonts: dict[str, Any] = {}

    def stream(self, number: int, right: bool) -> bytes:
        """The folio `number` on a right or a left page (right pages keep the sample's right edge)."""
        side, digits = self.sides[right], str(number)
        if not right:
            return side.stream(digits)
        return side.stream(digits, side.origin() + side.width(SAMPLE) - side.width(digits))

    def stamp(
        self,
        page: Any,
        number: int,
        right: bool,
        more: tuple[Template, list[bytes]] | None = None,
        here: Callable[[Any], Any] = lambda font: font,
    ) -> None:
        """Add folio `number` to `page` (a right page when `right`), and any `more` stamps; the fonts
        are copied into the edition's document once, and `here` says how `page`'s document refers to them."""
        stamp(self.pdf, page, self.sides[right], [self.stream(number, right)], self.fonts, here)
        if more is not None:
            stamp(self.pdf, page, more[0], more[1], self.fonts, here)

    def close(self) -> None:
        self.source.close()


def _font(page: Any) -> Any:
    fonts = page.obj.Resources.Font
    (name,) = list(fonts.keys())  # the sample shows digits in one face only
    return fonts[name]


def _digits(page: Any, font: Any) -> tuple[dict[str, bytes], dict[str, float]]:
    """Each digit's glyph code in the subset font, and its advance width (in 1/1000 em)."""
    import pikepdf

    shown = b""
    for instruction in pikepdf.parse_content_stream(page):
        operands, op = instruction.operands, instruction.operator
        if str(op) == "TJ":
            shown += b"".join(bytes(x) for x in operands[0] if isinstance(x, pikepdf.String))
        elif str(op) == "Tj":
            shown += bytes(operands[0])
    step = len(shown) // len(SAMPLE)
    codes = {d: shown[i * step : (i + 1) * step] for i, d in enumerate(SAMPLE)}
    widths = _widths(font.DescendantFonts[0])
    return codes, {d: widths[int.from_bytes(c, "big")] for d, c in codes.items()}


def _widths(cid_font: Any) -> dict[int, float]:
    """The /W array of a CID font as {glyph: width}; glyphs it leaves out have /DW."""
    import pikepdf

    default = float(cid_font.get("/DW", 1000))
    out: dict[int, float] = {}
    items = list(cid_font.get("/W", []))
    i = 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], pikepdf.Array):
            out.update((first + j, float(w)) for j, w in enumerate(items[i + 1]))
            i += 2
        else:
            out.update((cid, float(items[i + 2])) for cid in range(first, int(items[i + 1]) + 1))
            i += 3
    return collections.defaultdict(lambda: default, out)
