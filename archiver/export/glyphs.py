"""Characters of an edition that none of the PDF's declared fonts has: glyph-missing problems."""

from __future__ import annotations

import unicodedata

from archiver.errors import Problem
from archiver.export.cache import RenderCache
from archiver.export.fonts import without_glyph
from archiver.export.frame import Frame, Part

MAX_PER_PART = 20  # then one line says how many more: a whole script missing is one finding


def missing(source: Frame) -> list[Problem]:
    """One problem per character and article (the export goes on; the PDF shows a box there).

    Articles are checked first, so a character is named where it comes from; the other parts
    (cover, contents, colophon) report only characters no article brought, e.g. from --title.
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    for part in sorted(source.parts, key=lambda p: p.kind != "article"):
        chars = _without_glyph(part, source.context.cache)
        if part.kind != "article":
            chars -= seen
        seen |= chars
        problems += _report(part, sorted(chars))
    return problems


def _without_glyph(part: Part, cache: RenderCache | None) -> set[str]:
    """The part's characters without a glyph; an article's are worked out once per XML and fonts."""
    name = cache.article_key(part.document.meta.archive_id, "glyphs") if cache and part.document else None
    if cache is None or name is None:
        return without_glyph("".join(part.element.itertext()))

    def make() -> bytes:
        return "".join(sorted(without_glyph("".join(part.element.itertext())))).encode("utf-8")

    found = cache.checked("glyphs", name, make)
    return set(found.decode("utf-8"))


def _report(part: Part, chars: list[str]) -> list[Problem]:
    where = part.document.meta.archive_id if part.document else part.kind
    title = part.title if len(part.title) <= 40 else part.title[:39] + "…"
    out = [
        Problem(
            "glyph-missing",
            f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed character')} in “{title}” has no glyph in "
            "archiver's fonts; the PDF shows a box",
            where,
        )
        for c in chars[:MAX_PER_PART]
    ]
    if len(chars) > MAX_PER_PART:
        more = len(chars) - MAX_PER_PART
        out.append(
            Problem("glyph-missing", f"and {more} more characters in “{title}” without a glyph", where)
        )
    return out
