"""The canonical article document: model, XML form, schema and validation."""

from archiver.document.model import (
    Block,
    Break,
    DateValue,
    Document,
    Epigraph,
    Figure,
    Heading,
    How,
    ListBlock,
    Metadata,
    Note,
    Paragraph,
    Preformatted,
    Provenance,
    Quote,
    Value,
)

__all__ = [
    "Block",
    "Break",
    "DateValue",
    "Document",
    "Epigraph",
    "Figure",
    "Heading",
    "How",
    "ListBlock",
    "Metadata",
    "Note",
    "Paragraph",
    "Preformatted",
    "Provenance",
    "Quote",
    "Value",
]
