"""The slug line: page number, edition title and date printed in the slug, beside the crop marks.

WeasyPrint sets the line once, untagged, as an eleven-page sample: the title and date on the
first page, one digit on each of the others. Each sample page becomes a form XObject; a page's
slug line is its number from the digit forms (right-aligned in a slot as wide as the longest
number) followed by the title form, clipped before the registration target.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lxml import etree

from archiver.export import xhtml

SIZE = 6.0  # points
HEIGHT = 3 * 72 / 25.4  # a sample page's height: one line
WIDTH = 160 * 72 / 25.4  # a sample page's width: more than any slug has room for
DIGITS = "0123456789"
FORM = "/ArchiverSlug"  # resource names: /ArchiverSlugT (title and date), /ArchiverSlug0 … 9
# A user stylesheet beside print.css: it wins only with !important (see pdf_parts).
QUIET = " ".join(
    f"@{box} {{ content: none !important; }}"
    for box in ("top-left", "top-right", "bottom-left", "bottom-right", "bottom-center")
)
FLAT = "margin: 0 !important; marks: none !important; bleed: 0 !important;"
CSS = (
    f"@page {{ size: {WIDTH:.2f}pt {HEIGHT:.2f}pt !important; {FLAT} {QUIET} }}"
    f" @page :left {{ {FLAT} {QUIET} }} @page :right {{ {FLAT} {QUIET} }} @page :first {{ {FLAT} {QUIET} }}"
    " html, body { margin: 0 !important; padding: 0 !important; }"
    f" p.slug {{ margin: 0 !important; text-indent: 0 !important; font-size: {SIZE}pt !important;"
    f" line-height: {HEIGHT:.2f}pt !important; text-align: left !important; hyphens: none !important;"
    " white-space: nowrap !important; font-style: normal !important; font-weight: normal !important;"
    " font-variant-numeric: tabular-nums; break-after: page !important; }"
)


def sample(title: str, date: str, lang: str) -> bytes:
    """The sample's HTML: the title and date, then each digit, a page each."""
    root = xhtml.el(None, "html", lang=lang)
    head = xhtml.el(root, "head")
    xhtml.el(head, "meta", charset="utf-8")
    xhtml.el(head, "title", "slug")
    xhtml.el(head, "link", rel="stylesheet", href="archiver:styles/print.css")
    body = xhtml.el(root, "body")
    xhtml.el(body, "p", f"{title} · {date}", cls="slug")
    for digit in DIGITS:
        xhtml.el(body, "p", digit, cls="slug")
    html: bytes = etree.tostring(root, method="html", encoding="utf-8", doctype="<!DOCTYPE html>")
    return html


def digit_width() -> float:
    """The advance of a tabular digit of the serif face at SIZE, in points."""
    from fontTools.ttLib import TTFont

    from archiver.export.fonts import font_path

    with TTFont(font_path("NotoSerif-Regular.ttf"), lazy=True) as font:
        cmap, metrics = font.getBestCmap(), font["hmtx"]
        em = font["head"].unitsPerEm
        widest: int = max(metrics[cmap[ord(d)]][0] for d in DIGITS)
        return float(widest * SIZE / em)


@dataclass
class Slug:
    """The slug line's forms, copied into the edition, and the width of one digit."""

    forms: dict[str, Any]  # "T" (title and date) or a digit -> form XObject in the edition
    digit: float

    @classmethod
    def make(cls, pdf: Any, title: str, date: str, lang: str) -> Slug:
        """Render the sample and copy its pages into `pdf` as form XObjects."""
        import io

        import pikepdf

        from archiver.export.pdf_render import render_html

        data = render_html(sample(title, date, lang), CSS, tagged=False)
        with pikepdf.open(io.BytesIO(data)) as src:
            names = ["T", *DIGITS]
            forms = {n: pdf.copy_foreign(p.as_form_xobject()) for n, p in zip(names, src.pages, strict=False)}
        return cls(forms, digit_width())

    def put(self, page: Any, number: int, slot: int, x: float, y: float, end: float) -> bytes:
        """Register the forms on `page` and return the content that sets its slug line.

        The line starts at `x` with the number right-aligned in `slot` digits, its baseline box
        bottom at `y`; nothing is drawn beyond `end`.
        """
        import pikepdf

        xobjects = page.obj.Resources.get("/XObject")
        if xobjects is None:
            page.obj.Resources.XObject = xobjects = pikepdf.Dictionary()
        ops = [f"q {x:.3f} {y:.3f} {end - x:.3f} {HEIGHT:.3f} re W n"]
        digits = str(number)
        at = x + (slot - len(digits)) * self.digit
        for d in digits:
            xobjects[FORM + d] = self.forms[d]
            ops.append(f"q 1 0 0 1 {at:.3f} {y:.3f} cm {FORM}{d} Do Q")
            at += self.digit
        xobjects[FORM + "T"] = self.forms["T"]
        ops.append(f"q 1 0 0 1 {x + (slot + 1.5) * self.digit:.3f} {y:.3f} cm {FORM}T Do Q")
        ops.append("Q")
        return ("\n".join(ops) + "\n").encode()
