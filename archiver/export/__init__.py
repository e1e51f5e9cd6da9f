"""Exports: access copies built from canonical documents, one module per format behind one contract."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from archiver.errors import ArchiverError, Problem, UnknownName

if TYPE_CHECKING:
    from archiver.export.edition import Edition
    from archiver.export.frame import Frame

# Format name -> the module whose EXPORTER implements it. A new format is one module and one
# line here. Modules load on use, so the command line starts fast.
EXPORTERS: dict[str, str] = {
    "epub": "archiver.export.epub",
    "pdf": "archiver.export.pdf",
    "jsonld": "archiver.export.jsonld",
    "nitf": "archiver.export.nitf",
}


class ExportError(ArchiverError):
    """An export could not be built, or failed its completeness check."""


class Exporter(Protocol):
    """What a format module provides as its EXPORTER."""

    @property
    def name(self) -> str: ...  # the name in EXPORTERS and on the command line

    @property
    def suffix(self) -> str: ...  # ".epub"

    @property
    def edition_suffix(self) -> str: ...  # of an edition of several articles, when not `suffix` (".zip")

    @property
    def description(self) -> str: ...  # one line for `archiver formats`

    @property
    def Options(self) -> type[Any]: ...  # a frozen dataclass; see export/options.py

    @property
    def prints(self) -> bool: ...  # makes printed pages (an EPUB of the same run marks them)

    def render(self, source: Frame | Edition, options: Any) -> bytes:
        """The file's bytes; runs the completeness check; same input, same bytes."""
        ...

    def check(self, data: bytes, edition: Edition) -> None:
        """Completeness gate: raise ExportError if `data` lost part of the edition."""
        ...

    def preflight(self, source: Frame) -> list[Problem]:
        """Problems worth reporting that do not stop the export (e.g. glyph-missing)."""
        ...

    def prepare(self, options: Any, context: Any, ids: Sequence[str]) -> None:
        """Before the articles `ids` are read: start what the render will need (the PDF loads WeasyPrint)."""
        ...


def _no_problems(source: Frame) -> list[Problem]:
    return []


def _nothing_to_prepare(options: Any, context: Any, ids: Sequence[str]) -> None:
    return None


@dataclass(frozen=True)
class Format:
    """The plain way to implement Exporter: a format module's functions, named."""

    name: str
    suffix: str
    description: str
    Options: type[Any]
    render: Callable[[Any, Any], bytes]
    check: Callable[[bytes, Any], None]
    preflight: Callable[[Any], list[Problem]] = _no_problems
    edition_suffix: str = ""  # "" = `suffix`; a format whose edition is a bundle of files names it here
    prints: bool = False  # leaves its page starts in the context's `printed` (export.page_list)
    # called with the options, the export's Context and the archive ids of the articles before they
    # are read (the PDF starts loading its renderer meanwhile)
    prepare: Callable[[Any, Any, Sequence[str]], None] = _nothing_to_prepare


def exporter(name: str) -> Exporter:
    """The exporter of a format; UnknownName (exit code 2) lists the known formats."""
    try:
        module = EXPORTERS[name]
    except KeyError:
        raise UnknownName("format", name, EXPORTERS) from None
    found: Exporter = importlib.import_module(module).EXPORTER
    return found


def formats() -> dict[str, dict[str, Any]]:
    """Every format's suffix, description and options (type, default, help, allowed values)."""
    from archiver.export.options import describe

    found = {name: exporter(name) for name in EXPORTERS}
    return {
        name: {"suffix": e.suffix, "description": e.description, "options": describe(e.Options)}
        for name, e in found.items()
    }
