"""Plain-text forms of body parts, shared by the data formats (JSON-LD, NITF)."""

from __future__ import annotations

from archiver.document.model import Figure


def credit_line(figure: Figure) -> str:
    """The credit with the source's own word before it: "Bild: dpa", or "AFP" without one."""
    return f"{figure.credit_label}: {figure.credit}" if figure.credit_label else figure.credit
