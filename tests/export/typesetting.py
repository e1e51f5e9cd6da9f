"""A PDF's typesetting measured from its text layer: line length, hyphen runs, near-empty pages, lone heads.

Reads poppler's `pdftotext -bbox-layout` (lines with their boxes, per page) and the PDF's outline
(pikepdf). Body lines are the lines at the body text's size; a column is the lines whose boxes overlap
across. The measure counts the full lines of a column (at least 85% of its widest line: last
lines of paragraphs, headings and captions are not the measure). A hyphenated line ends in a hyphen
(a line-break hyphen is a soft hyphen, U+00AD, in archiver's text layer). A near-empty page is a
body page whose lines fill less than a quarter of the text height, unless it ends a part (the next
page opens a new outline entry of the top level, or the body ends). A page whose last line is set
larger than the body (a heading) or is an ornament has stranded it at its foot.

Run as a script for a report: `python -m tests.export.typesetting edition.pdf [...]`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

HYPHENS = ("-", "\u00ad", "\u2010", "\u2011")
FULL = 0.85  # a full line is at least this share of its column's widest line
ORNAMENTS = {"⁂", "*", "* * *"}
NEAR_EMPTY = 0.25  # a page whose lines fill less than this share of the text height
XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Line:
    """One line of the text layer: its page, box (points, y down) and text."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Report:
    """What a PDF's typesetting measures."""

    chars: list[int] = field(default_factory=list)  # characters in each full body line
    runs: Counter[int] = field(default_factory=Counter)  # length of each run of hyphenated lines -> count
    hyphenated: int = 0  # body lines that end in a hyphen
    lines: int = 0  # body lines
    near_empty: list[int] = field(default_factory=list)  # 1-based numbers of near-empty body pages
    stranded: list[int] = field(default_factory=list)  # pages whose last line is a heading or an ornament
    half_empty: int = 0  # body pages less than half full, part ends included (a figure, not a bar)
    pages: int = 0

    def percentile(self, p: float) -> float:
        """The `p`-th percentile (0-100) of characters per full line."""
        if not self.chars:
            return 0.0
        ordered = sorted(self.chars)
        return float(ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))])

    @property
    def median(self) -> float:
        return statistics.median(self.chars) if self.chars else 0.0

    @property
    def longest_run(self) -> int:
        return max(self.runs, default=0)

    def runs_over(self, limit: int) -> int:
        """How many runs of hyphenated lines are longer than `limit`."""
        return sum(count for length, count in self.runs.items() if length > limit)

    def summary(self) -> str:
        return (
            f"{self.pages} pages, {self.lines} body lines; characters per full line: median "
            f"{self.median:.0f}, p5 {self.percentile(5):.0f}, p95 {self.percentile(95):.0f}; "
            f"hyphenated lines {self.hyphenated}, runs of 3+ {self.runs_over(2)}, longest run "
            f"{self.longest_run}; near-empty pages {len(self.near_empty)} {self.near_empty}; "
            f"headings or ornaments at a page foot {self.stranded}; less than half full {self.half_empty}"
        )


def text_lines(pdf: Path) -> list[list[Line]]:
    """Every page's lines, from poppler's bounding-box layout."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(out, etree.XMLParser(resolve_entities=False, no_network=True, recover=True))
    pages = []
    for n, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        lines = []
        for line in page.iter(f"{XHTML}line"):
            words = [w.text or "" for w in line.iter(f"{XHTML}word")]
            box = [float(line.get(k, 0)) for k in ("xMin", "yMin", "xMax", "yMax")]
            lines.append(Line(n, *box, " ".join(words)))
        pages.append(lines)
    return pages


def part_starts(pdf: Path) -> set[int]:
    """1-based page numbers where a top-level outline entry points (sections, colophon)."""
    import pikepdf

    starts: set[int] = set()
    with pikepdf.open(pdf) as doc:
        index = {page.objgen: n for n, page in enumerate(doc.pages, start=1)}
        with doc.open_outline() as outline:
            for item in outline.root:
                dest = item.destination
                if dest is None and item.action is not None:
                    dest = item.action.get("/D")
                if isinstance(dest, str | bytes) or dest is None:
                    dest = doc.Root.Names.Dests and _named(doc, str(dest)) if dest is not None else None
                if dest is not None and len(dest) and dest[0].objgen in index:
                    starts.add(index[dest[0].objgen])
    return starts


def _named(doc: object, name: str) -> object:
    import pikepdf

    tree = pikepdf.NameTree(doc.Root.Names.Dests)  # type: ignore[attr-defined]
    return tree.get(name)


def _body_height(pages: list[list[Line]]) -> float:
    """The body text's line height: the commonest line height, to a tenth of a point."""
    heights = Counter(round(line.height, 1) for lines in pages for line in lines)
    return heights.most_common(1)[0][0] if heights else 0.0


def _columns(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped into columns (boxes that overlap across), left to right, each top to bottom."""
    columns: list[tuple[list[float], list[Line]]] = []
    for line in sorted(lines, key=lambda ln: (ln.x0, ln.y0)):
        for extent, members in columns:
            overlap = min(extent[1], line.x1) - max(extent[0], line.x0)
            if overlap > 0.5 * min(extent[1] - extent[0], line.x1 - line.x0):
                extent[0], extent[1] = min(extent[0], line.x0), max(extent[1], line.x1)
                members.append(line)
                break
        else:
            columns.append(([line.x0, line.x1], [line]))
    return [sorted(members, key=lambda ln: ln.y0) for _, members in columns]


def body_range(pdf: Path) -> tuple[int, int | None]:
    """The body's pages in an archiver edition: from the first top-level outline entry to the page
    before the last one (the colophon)."""
    starts = sorted(part_starts(pdf))
    if len(starts) < 2:
        return 1, None
    return starts[0], starts[-1] - 1


def _head_or_ornament(line: Line, body: float) -> bool:
    """A heading (set larger than the body) or a section ornament."""
    return line.text.strip() in ORNAMENTS or line.height > 1.1 * body


def measure(pdf: Path, first: int | None = None, last: int | None = None) -> Report:
    """The report for body pages `first`..`last` (1-based; default: the body, see body_range)."""
    if first is None:
        first, last = body_range(pdf)
    pages = text_lines(pdf)
    report = Report(pages=len(pages))
    pages = [[ln for ln in lines if not ln.text.strip().isdigit()] for lines in pages]  # no folios
    height = _body_height(pages)
    body = [
        [ln for ln in lines if abs(ln.height - height) <= 0.1 * height] for lines in pages[first - 1 : last]
    ]
    text_top = min((ln.y0 for lines in body for ln in lines), default=0.0)
    text_bottom = max((ln.y1 for lines in body for ln in lines), default=0.0)
    starts = part_starts(pdf)
    run = 0
    for offset, lines in enumerate(body):
        number = first + offset
        for column in _columns(lines):
            widest = max(ln.x1 - ln.x0 for ln in column)
            for line in column:
                report.lines += 1
                if line.x1 - line.x0 >= FULL * widest:
                    report.chars.append(len(line.text))
                if line.text.endswith(HYPHENS):
                    report.hyphenated += 1
                    run += 1
                    continue
                if run:
                    report.runs[run] += 1
                run = 0
        shown = [ln for ln in pages[number - 1] if ln.y0 >= text_top - 1 and ln.y1 <= text_bottom + 1]
        used = max((ln.y1 for ln in shown), default=0.0) - min((ln.y0 for ln in shown), default=0.0)
        ends_part = number + 1 in starts or number == first + len(body) - 1 or not any(body[offset + 1 :])
        report.half_empty += bool(lines) and used < 0.5 * (text_bottom - text_top)
        if lines and used < NEAR_EMPTY * (text_bottom - text_top) and not ends_part:
            report.near_empty.append(number)
        foot = max(shown, key=lambda ln: ln.y1, default=None)
        if foot is not None and not ends_part and _head_or_ornament(foot, height):
            report.stranded.append(number)
    if run:
        report.runs[run] += 1
    return report


def main(argv: list[str]) -> int:
    for name in argv:
        print(f"{name}: {measure(Path(name)).summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
