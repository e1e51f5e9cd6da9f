"""Folios stamped at assembly: WeasyPrint sets one sample folio per page side, archiver copies it per page.

Chunks render with empty folio boxes, so their bytes do not depend on the page they start on.
A tiny document of two pages (right, then left) with the folios "1234567890" and "1234567891"
gives, from the very stylesheet and options of the edition, the folio's text object on each side
(position, size, colour, the subset font with the ten digits); each page of the assembled
edition then gets that text object with its own digits, right pages right-aligned as the
margin box would set them. The stamp is marked as an artifact, as WeasyPrint marks margin boxes.
"""

from __future__ import annotations

import collections
import io
from dataclasses import dataclass
from typing import Any

from archiver.export.pdf_parts import part_html
from archiver.export.pdf_render import render_html

SAMPLE = "1234567890"
FONT = "/ArchiverFolio"
KEEP = {"q", "Q", "cm", "BT", "ET", "Tm", "Tf", "TJ", "Tj", "rg", "g", "k"}  # no resources but the font


def sample_css(base: str) -> str:
    """Two blank pages that show nothing but their folios, the first numbered SAMPLE."""
    hide = "@top-left { content: none; } @top-right { content: none; }"
    return f"{base} @page {{ marks: none; {hide} }} @page :first {{ counter-reset: page {SAMPLE}; }}"


def sample_pdf(base: str, lang: str) -> bytes:
    """The two-page sample, rendered untagged (its text only serves as a template)."""
    html = part_html(lang, "folios", "folios", [])
    html = html.replace(b"</body>", b'<div></div><div style="break-before: page"></div></body>')
    return render_html(html, sample_css(base), tagged=False)


@dataclass
class Side:
    """The folio's text object on one side: its operators, where its digits and x go, its alignment."""

    ops: list[Any]
    text_at: int  # index of the TJ/Tj operator
    matrix_at: int  # index of the Tm operator
    right: bool  # right-aligned (right pages): x is moved by the width of the digits


class Folios:
    """Stamps folios on the pages of an assembled edition, from the sample's template."""

    def __init__(self, pdf: Any, sample: bytes) -> None:
        import pikepdf

        self.source = pikepdf.open(io.BytesIO(sample))
        right, left = self.source.pages[0], self.source.pages[1]
        font = _font(right)
        self.font = pdf.copy_foreign(font)
        self.codes, self.widths = _digits(right, font)
        self.sides = {True: self._side(right, True), False: self._side(left, False)}

    def _side(self, page: Any, right: bool) -> Side:
        import pikepdf

        ops = []
        for instruction in pikepdf.parse_content_stream(page):
            operands, op = instruction.operands, instruction.operator
            name = str(op)
            if name not in KEEP:
                continue
            values: list[Any] = [pikepdf.Name(FONT), operands[1]] if name == "Tf" else list(operands)
            ops.append(pikepdf.ContentStreamInstruction(values, op))
        text_at = next(i for i, ins in enumerate(ops) if str(ins.operator) in ("TJ", "Tj"))
        matrix_at = max(i for i, ins in enumerate(ops[:text_at]) if str(ins.operator) == "Tm")
        size = float(next(ins.operands[1] for ins in ops if str(ins.operator) == "Tf"))
        self.size = size
        return Side(ops, text_at, matrix_at, right)

    def _stream(self, number: int, right: bool) -> bytes:
        import pikepdf

        side = self.sides[right]
        digits = str(number)
        ops = list(side.ops)
        ops[side.text_at] = pikepdf.ContentStreamInstruction(
            [pikepdf.String(b"".join(self.codes[d] for d in digits))], pikepdf.Operator("Tj")
        )
        if right:  # the sample's right edge stays where it is
            shift = (self._width(SAMPLE) - self._width(digits)) * self.size / 1000
            matrix = list(ops[side.matrix_at].operands)
            matrix[4] = float(matrix[4]) + shift
            ops[side.matrix_at] = pikepdf.ContentStreamInstruction(matrix, pikepdf.Operator("Tm"))
        body: bytes = pikepdf.unparse_content_stream(ops)
        return b"\nQ\n/Artifact BMC\nq\n" + body + b"\nQ\nEMC\n"

    def _width(self, digits: str) -> float:
        return sum(self.widths[d] for d in digits)

    def stamp(self, page: Any, number: int, right: bool) -> None:
        """Add folio `number` to `page` (a right page when `right`)."""
        import pikepdf

        resources = page.obj.Resources
        if "/Font" not in resources:
            resources.Font = pikepdf.Dictionary()
        resources.Font[FONT] = self.font
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(self._stream(number, right))

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
