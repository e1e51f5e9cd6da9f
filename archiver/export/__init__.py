"""Exports: access copies (EPUB, PDF) built from canonical documents, one module per format."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from archiver.errors import ArchiverError

# Format name -> (module, file suffix). Modules load on use, so the CLI starts fast.
EXPORTERS: dict[str, tuple[str, str]] = {
    "epub": ("archiver.export.epub", ".epub"),
    "pdf": ("archiver.export.pdf", ".pdf"),
}


class ExportError(ArchiverError):
    """An export could not be built, or failed its completeness check."""


def builder(fmt: str) -> tuple[Callable[..., bytes], str]:
    """The build function and file suffix of a format."""
    try:
        module, suffix = EXPORTERS[fmt]
    except KeyError:
        raise ExportError(f"unknown format {fmt!r}; known: {', '.join(EXPORTERS)}") from None
    build: Any = importlib.import_module(module).build
    return build, suffix
