"""The canonical article document: model, XML form, schema and validation."""

from archiver.document.model import (
    Block,
    Break,
    DateValue,
    Document,
    Figure,
    Heading,
    How,
    ListBlock,
    Metadata,
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
    "Figure",
    "Heading",
    "How",
    "ListBlock",
    "Metadata",
    "Paragraph",
    "Preformatted",
    "Provenance",
    "Quote",
    "Value",
]
