"""The registry of raw-text dialects and automatic detection among them."""

from __future__ import annotations

from archiver.errors import UnknownName
from archiver.ingest.dialects.base import Dialect
from archiver.ingest.dialects.body_only import BodyOnly
from archiver.ingest.dialects.date_prefix import DatePrefix
from archiver.ingest.dialects.front_matter import FrontMatter
from archiver.ingest.dialects.gutenberg import Gutenberg
from archiver.ingest.dialects.header_block import HeaderBlock
from archiver.ingest.dialects.mail import Mail
from archiver.ingest.dialects.rst import Rst
from archiver.ingest.dialects.sgml import Sgml
from archiver.ingest.dialects.title_line import TitleLine

# Order breaks ties: the more specific layout first.
DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in (
        FrontMatter(),
        Mail(),
        Sgml(),
        Gutenberg(),
        Rst(),
        HeaderBlock(),
        DatePrefix(),
        TitleLine(),
        BodyOnly(),
    )
}


def detect(text: str) -> tuple[Dialect, float]:
    """The dialect that is surest of `text`, and how sure it is."""
    best, score = DIALECTS["body-only"], 0.0
    for dialect in DIALECTS.values():
        s = dialect.sniff(text)
        if s > score:
            best, score = dialect, s
    return best, score


def get(name: str) -> Dialect:
    """A dialect by name; UnknownName lists the known names."""
    try:
        return DIALECTS[name]
    except KeyError:
        raise UnknownName("dialect", name, DIALECTS) from None
