"""Type size, margins and columns per paper and layout: a measure of 55-75 characters per line everywhere.

Noto Serif sets about 5.5 characters per em-square of line (0.51 em a character with its share of
spaces), so a line holds width / (0.18 mm * type size in points) characters. Each entry below is
chosen for 60-70 characters on a full line; tests/export/typesetting.py measures the PDFs.
"""

from __future__ import annotations

from dataclasses import dataclass

MM_PER_CHARACTER_POINT = 0.18  # mm a character takes per point of type size (Noto Serif, running text)
PAPER_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "Letter": (215.9, 279.4)}  # width, height
FLOW_SHARE = 1 / 3  # an article starts on the page when at least this share of the text height is left


@dataclass(frozen=True)
class PageLayout:
    """How one paper and layout set the body: type size (pt), margins (mm), columns, alignment."""

    paper: str
    size: float
    inner: float  # the binding side
    outer: float
    top: float
    bottom: float
    columns: int = 1
    gap: float = 6.0
    leading: float = 1.38
    ragged: bool = False  # ragged right, where a column is too narrow to justify without rivers

    @property
    def text_width(self) -> float:
        """The text block's width in mm."""
        return PAPER_MM[self.paper][0] - self.inner - self.outer

    @property
    def text_height(self) -> float:
        """The text block's height in mm."""
        return PAPER_MM[self.paper][1] - self.top - self.bottom

    @property
    def column_width(self) -> float:
        return (self.text_width - (self.columns - 1) * self.gap) / self.columns

    @property
    def characters(self) -> float:
        """The expected characters on a full line of a column."""
        return self.column_width / (MM_PER_CHARACTER_POINT * self.size)

    def flow(self) -> str:
        """Articles (and sections) flow on the page, unless less than FLOW_SHARE of it is left.

        The head of each starts with an empty block as tall as that share, pulled back by a
        negative margin: it takes no room, but where it does not fit the page breaks before it.
        """
        room = f"{self.text_height * FLOW_SHARE:.1f}mm"
        return (
            " article, h2.group { break-before: auto !important; }"
            " h2.group::before, article header.article-head::before { content: ''; display: block;"
            f" height: {room}; margin-bottom: -{room}; }}"
            " h2.group + article header.article-head::before { display: none; }"
            # a month heading that follows text on the page stands apart from the article before it
            " h2.group { margin-top: 9mm !important; }"
            # the running head names the first article that starts on the page, or the one going on
            " @page :right { @top-right { content: string(article-title, first) !important; } }"
        )

    @staticmethod
    def _sides(left: float, right: float) -> str:
        return f"margin-left: {left}mm !important; margin-right: {right}mm !important;"

    def css(self) -> str:
        """The rules, marked important: the options' stylesheet is a user sheet beside print.css."""
        m = f"{self.top}mm {self.outer}mm {self.bottom}mm {self.inner}mm"
        rules = [
            f" :root {{ font-size: {self.size}pt !important; line-height: {self.leading} !important; }}",
            f" @page {{ margin: {m} !important; }}",
            f" @page :left {{ {self._sides(self.outer, self.inner)} }}",
            f" @page :right {{ {self._sides(self.inner, self.outer)} }}",
            " @page cover { margin: 0 !important; }",  # the cover is laid out edge to edge
        ]
        if self.columns > 1:
            rules.append(
                f" article {{ columns: {self.columns}; column-gap: {self.gap}mm; column-fill: balance; }}"
                " article header.article-head, article figure.photo { column-span: all; }"
            )
        if self.ragged:
            rules.append(" article p { text-align: left !important; }")
        return "".join(rules)


LAYOUTS: dict[tuple[str, str], PageLayout] = {
    ("A4", "book"): PageLayout("A4", size=11.5, inner=30, outer=43, top=22, bottom=26),
    ("A4", "newspaper"): PageLayout(
        "A4", size=8, inner=14, outer=12, top=16, bottom=18, columns=2, leading=1.32
    ),
    ("A5", "book"): PageLayout("A5", size=10, inner=17, outer=12, top=15, bottom=17),
    ("A5", "newspaper"): PageLayout("A5", size=9, inner=20, outer=16, top=14, bottom=16, leading=1.3),
    ("Letter", "book"): PageLayout("Letter", size=11.5, inner=40, outer=39, top=22, bottom=24),
    ("Letter", "newspaper"): PageLayout(
        "Letter", size=8, inner=15, outer=13, top=16, bottom=18, columns=2, leading=1.32
    ),
}


def layout_css(paper: str, layout: str, article_per_page: bool = False) -> str:
    """The CSS that sets the body for `paper` and `layout` (keys of LAYOUTS); articles flow on the
    page unless `article_per_page`."""
    chosen = LAYOUTS[(paper, layout)]
    return chosen.css() if article_per_page else chosen.css() + chosen.flow()
