"""What `archiver show` says about one article: metadata, how each value was found, the body's shape."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from archiver.document.model import FIELDS, DateValue, Document, Figure, Heading, How, Shape, Value
from archiver.store import Entry

_BLOCK_NAMES = {
    "Paragraph": "paragraphs",
    "Heading": "subheadings",
    "Figure": "figures",
    "Quote": "quotes",
    "ListBlock": "lists",
    "Preformatted": "preformatted",
    "Break": "breaks",
    "Epigraph": "epigraphs",
    "Note": "notes",
}


# Provenance records of decisions taken without clear evidence: shown as guesses, not repairs.
GUESSES = frozenset({"hyphen-guess"})


def _how(how: How) -> dict[str, Any]:
    return {"origin": how.origin, "method": how.method, "confidence": how.confidence}


def _value(v: Value | None) -> dict[str, Any] | None:
    return None if v is None else {"value": v.text, **_how(v.how)}


def _date(d: DateValue) -> dict[str, Any]:
    return {"type": d.kind, "value": d.value, "precision": d.precision, "raw": d.raw, **_how(d.how)}


# Each shape of metadata field (model.FIELDS) as plain data, and as rows for the terminal.
_FIELD_DATA: dict[Shape, Callable[[Any], Any]] = {
    "value": _value,
    "values": lambda values: [_value(v) for v in values],
    "dates": lambda dates: [_date(d) for d in dates],
    "words": list,
    "pairs": lambda pairs: [{"name": k, "value": v} for k, v in pairs],
}


def _date_row(d: DateValue) -> tuple[str, str, str]:
    raw = f" from {d.raw!r}" if d.raw and d.raw != d.value else ""
    return (f"date ({d.kind})", f"{d.value} ({d.precision} precision)", _sure(d.how) + raw)


_FIELD_ROWS: dict[Shape, Callable[[str, Any], list[tuple[str, str, str]]]] = {
    "value": lambda label, v: [(label, v.text, _sure(v.how))] if v else [],
    "values": lambda label, values: [(label, v.text, _sure(v.how)) for v in values],
    "dates": lambda label, dates: [_date_row(d) for d in dates],
    "words": lambda label, words: [(label, ", ".join(words), "")] if words else [],
    "pairs": lambda label, pairs: [(f"{label} {k}", v, "kept from the source header") for k, v in pairs],
}


def as_dict(doc: Document, entry: Entry) -> dict[str, Any]:
    """The whole report as plain data (for --json)."""
    m, p = doc.meta, doc.provenance
    counts = Counter(_BLOCK_NAMES[type(b).__name__] for b in doc.body)
    return {
        "id": m.archive_id,
        "version": entry.version,
        "identifiers": [
            {"scheme": i.scheme, "value": i.value, **({"raw": i.raw} if i.raw else {})} for i in m.identifiers
        ],
        **{spec.name: _FIELD_DATA[spec.shape](getattr(m, spec.name)) for spec in FIELDS},
        **{spec.how: _how(getattr(m, spec.how)) for spec in FIELDS if spec.how and getattr(m, spec.how)},
        "body": dict(sorted(counts.items())),
        "subheadings": [b.text for b in doc.body if isinstance(b, Heading)],
        "figures": [{"caption": b.caption, "credit": b.credit} for b in doc.body if isinstance(b, Figure)],
        "original": {
            "name": p.file_name,
            "size": p.size,
            "sha256": p.sha256,
            "encoding": p.encoding,
            "encoding_confidence": p.encoding_confidence,
            "newline": p.newline,
            "bom": p.bom,
        },
        "dialect": {"name": p.dialect, "confidence": p.dialect_confidence},
        "repairs": [{"kind": r.kind, "count": r.count, "detail": r.detail} for r in p.repairs],
        "events": [
            {
                "type": e.kind,
                "tool": f"{e.tool} {e.tool_version}",
                "rules": e.rules_version,
                "when": e.when,
            }
            for e in p.events
        ],
    }


def _count(n: int, plural: str) -> str:
    singular = {"paragraphs": "paragraph", "subheadings": "subheading", "figures": "figure",
                "quotes": "quote", "lists": "list", "breaks": "break"}  # fmt: skip
    return f"{n} {plural if n != 1 else singular.get(plural, plural)}"


def _sure(how: How) -> str:
    if how.origin == "explicit":
        return f"explicit ({how.method})"
    return f"{how.origin} by {how.method}, confidence {how.confidence:.2f}"


def lines(doc: Document, entry: Entry) -> list[tuple[str, str, str]]:
    """(label, value, how it was found) rows for the terminal."""
    m, p = doc.meta, doc.provenance
    rows: list[tuple[str, str, str]] = [("id", m.archive_id, f"version {entry.version} of {p.file_name}")]
    rows += [(f"id ({i.scheme})", i.value, f"written {i.raw!r}" if i.raw else "") for i in m.identifiers]
    for spec in FIELDS:
        found = _FIELD_ROWS[spec.shape](spec.label, getattr(m, spec.name))
        how = getattr(m, spec.how) if spec.how else None
        rows += [(label, value, _sure(how)) for label, value, _ in found] if how else found
    counts = Counter(_BLOCK_NAMES[type(b).__name__] for b in doc.body)
    rows.append(("body", ", ".join(_count(n, k) for k, n in sorted(counts.items())), ""))
    rows += [("  subheading", b.text, "") for b in doc.body if isinstance(b, Heading)]
    rows += [("  figure", b.caption, f"credit: {b.credit}") for b in doc.body if isinstance(b, Figure)]
    rows.append(("original", f"{p.file_name}, {p.size} bytes", f"sha256 {p.sha256}"))
    enc = f"{p.encoding}{' with BOM' if p.bom else ''}, {p.newline} line ends"
    rows.append(("encoding", enc, f"confidence {p.encoding_confidence:.2f}"))
    rows.append(("dialect", p.dialect, f"confidence {p.dialect_confidence:.2f}"))
    rows += [
        ("guess" if r.kind in GUESSES else "repair", f"{r.kind} ×{r.count}", r.detail) for r in p.repairs
    ]
    rows += [
        ("event", e.kind, f"{e.tool} {e.tool_version}, rules {e.rules_version}, {e.when}") for e in p.events
    ]
    return rows
