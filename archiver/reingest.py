"""Re-normalise archived originals with the current rules: what changed, the old XML kept aside."""

from __future__ import annotations

import difflib
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from archiver import RULES_VERSION, __version__
from archiver.document.model import FIELDS, Block, DateValue, Document, Event, Value, texts_of
from archiver.errors import ArchiverError, Problem
from archiver.pipeline import parse, timestamp
from archiver.store import Archive, Entry

Status = Literal["changed", "unchanged", "failed"]
EXCERPT = 80  # characters of a block shown in a diff


@dataclass(frozen=True)
class FieldChange:
    """One metadata or provenance field that reads differently now: its label, before and after."""

    field: str
    old: str
    new: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class BlockEdit:
    """One body block added, removed or changed (its text cut to EXCERPT characters)."""

    op: Literal["added", "removed", "changed"]
    old: str
    new: str

    def as_dict(self) -> dict[str, str]:
        return {"op": self.op, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class BlockChanges:
    """How the body changed: block counts before and after, by kind, and each edit."""

    before: dict[str, int]
    after: dict[str, int]
    edits: tuple[BlockEdit, ...] = ()

    def count(self, op: str) -> int:
        return sum(e.op == op for e in self.edits)

    def as_dict(self) -> dict[str, Any]:
        return {
            "before": self.before,
            "after": self.after,
            **{op: self.count(op) for op in ("added", "removed", "changed")},
            "edits": [e.as_dict() for e in self.edits],
        }


@dataclass
class Reingested:
    """What re-normalising one archived article gave: changed, unchanged or failed, and the diff."""

    id: str
    name: str
    version: int
    status: Status
    fields: list[FieldChange] = field(default_factory=list)
    blocks: BlockChanges | None = None
    kept: str | None = None  # where the old XML was set aside (archive-relative)
    failure: Problem | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "version": self.version,
            "status": self.status,
            "fields": [f.as_dict() for f in self.fields],
            "blocks": self.blocks.as_dict() if self.blocks else None,
            "kept": self.kept,
            "error": self.failure.as_dict() if self.failure else None,
        }


def reingest(
    archive: Archive,
    entries: Iterable[Entry],
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    on_result: Callable[[Reingested], None] | None = None,
) -> list[Reingested]:
    """Parse each entry's original again with today's rules; store what changed, old XML kept aside.

    The original's first ingest time is kept, so unchanged rules give the same XML byte for byte
    and the article is "unchanged". A changed article gets a new XML (its history of events plus a
    "renormalisation" event), its old XML moved to set-aside/, its catalog row and checksum
    renewed; with `dry_run` nothing is written. One article that fails never stops the rest.
    """
    chosen = list(entries)
    results: list[Reingested] = []
    with archive.writing():
        for i, entry in enumerate(chosen, start=1):
            try:
                result = _one(archive, entry, dry_run)
            except (ArchiverError, OSError, ValueError) as exc:
                message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                code = exc.code if isinstance(exc, _Failed) else "archive"
                result = Reingested(
                    entry.id, entry.name, entry.version, "failed", failure=Problem(code, message, entry.id)
                )
            results.append(result)
            if on_result:
                on_result(result)
            if progress:
                progress(i, len(chosen))
    return results


class _Failed(ValueError):
    """The original cannot be re-normalised (missing, changed, or now refused by the readers)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _one(archive: Archive, entry: Entry, dry_run: bool) -> Reingested:
    from archiver.document.validate import errors_of
    from archiver.document.xmlio import from_bytes, serialize, to_element

    path = archive.original_path(entry)
    if not path.exists():
        raise _Failed("unreadable", f"original {archive.relative(path)} is missing; restore it from a backup")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise _Failed("archive", f"original {archive.relative(path)} has changed; restore it from a backup")
    old_xml = archive.xml_bytes(entry.id)
    old = from_bytes(old_xml, entry.id)
    when = old.provenance.events[0].when if old.provenance.events else entry.ingested or timestamp()
    parsed = parse(data, entry.name, when, None, keep=True)
    if parsed.failure or parsed.document is None:
        failure = parsed.failure or Problem("internal-error", "no document", entry.id)
        raise _Failed(failure.code, f"the current rules refuse it: {failure.message}")
    new = parsed.document
    new.provenance.events = list(old.provenance.events)  # same history: compare what the rules made
    if serialize(to_element(new)) == old_xml:
        return Reingested(entry.id, entry.name, entry.version, "unchanged")
    now = Event("renormalisation", "archiver", __version__, RULES_VERSION, timestamp())
    new.provenance.events.append(now)
    root = to_element(new)
    invalid = errors_of(root)
    if invalid:
        raise _Failed("invalid-document", invalid[0])
    xml = serialize(root)
    new = from_bytes(xml, entry.id)  # compared as the archive will read it back
    result = Reingested(entry.id, entry.name, entry.version, "changed", _fields(old, new), _blocks(old, new))
    if not dry_run:
        aside = archive.set_aside(entry.id)
        try:
            archive.restore(data, new, xml, entry.version)
        except ArchiverError:  # nothing new was kept: the old XML goes back where it was
            os.replace(aside, archive.xml_path(entry.id))
            raise
        result.kept = archive.relative(aside)
    return result


# ------------------------------------------------------------------ the diff
def _value(v: Value | None) -> str:
    return v.text if v else ""


def _date(d: DateValue) -> str:
    return f"{d.value} ({d.kind}, {d.precision})"


_SHOWN: dict[str, Callable[[Any], str]] = {  # each shape of model.FIELDS as one line of text
    "value": _value,
    "values": lambda values: "; ".join(v.text for v in values),
    "dates": lambda dates: "; ".join(_date(d) for d in dates),
    "words": ", ".join,
    "pairs": lambda pairs: "; ".join(f"{k}: {v}" for k, v in pairs),
}

_PROVENANCE: dict[str, Callable[[Document], str]] = {
    "dialect": lambda d: d.provenance.dialect,
    "encoding": lambda d: d.provenance.encoding,
    "repairs": lambda d: ", ".join(f"{r.kind} ×{r.count}" for r in d.provenance.repairs),
}


def _how(v: Any) -> str:
    """How a value was found, for a field whose text stayed the same but whose origin did not."""
    items = v if isinstance(v, list) else [v]
    return "; ".join(
        f"{x.how.origin} by {x.how.method}" for x in items if x is not None and hasattr(x, "how")
    )


def _fields(old: Document, new: Document) -> list[FieldChange]:
    """Every metadata field (model.FIELDS order), then dialect, encoding and repairs, that differs."""
    changes: list[FieldChange] = []
    for spec in FIELDS:
        before, after = getattr(old.meta, spec.name), getattr(new.meta, spec.name)
        if before == after:
            continue
        shown = _SHOWN[spec.shape]
        old_text, new_text = shown(before), shown(after)
        if old_text == new_text:  # same words, found another way
            old_text, new_text = f"{old_text} [{_how(before)}]", f"{new_text} [{_how(after)}]"
        if old_text != new_text:
            changes.append(FieldChange(spec.label, old_text, new_text))
    for label, read in _PROVENANCE.items():
        if read(old) != read(new):
            changes.append(FieldChange(label, read(old), read(new)))
    return changes


def _kinds(body: list[Block]) -> dict[str, int]:
    return dict(sorted(Counter(type(b).__name__.lower() for b in body).items()))


def _key(block: Block) -> str:
    return f"{type(block).__name__}: {' / '.join(texts_of([block]))}"


def _cut(block: Block) -> str:
    """The block as one short line: its kind, then its text cut to EXCERPT characters."""
    text = " / ".join(texts_of([block]))
    text = text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"
    return f"{type(block).__name__.lower()}: {text}" if text else type(block).__name__.lower()


def _blocks(old: Document, new: Document) -> BlockChanges | None:
    """The body edits that turn the old blocks into the new ones (difflib on kind and text)."""
    if old.body == new.body:
        return None
    a, b = [_key(x) for x in old.body], [_key(x) for x in new.body]
    edits: list[BlockEdit] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            edits += [
                BlockEdit("changed", _cut(x), _cut(y))
                for x, y in zip(old.body[i1:i2], new.body[j1:j2], strict=True)
                if x != y
            ]
            continue
        pairs = min(i2 - i1, j2 - j1) if op == "replace" else 0
        edits += [BlockEdit("changed", _cut(old.body[i1 + k]), _cut(new.body[j1 + k])) for k in range(pairs)]
        edits += [BlockEdit("removed", _cut(x), "") for x in old.body[i1 + pairs : i2]]
        edits += [BlockEdit("added", "", _cut(y)) for y in new.body[j1 + pairs : j2]]
    return BlockChanges(_kinds(old.body), _kinds(new.body), tuple(edits))


def summary(results: list[Reingested]) -> dict[str, Any]:
    """Counts for the closing line: articles by status, and which fields and bodies changed."""
    changed = [r for r in results if r.status == "changed"]
    fields = Counter(f.field for r in changed for f in r.fields)
    return {
        "articles": len(results),
        **{s: sum(r.status == s for r in results) for s in ("changed", "unchanged", "failed")},
        "fields": dict(fields.most_common()),
        "bodies": sum(r.blocks is not None for r in changed),
        "blocks": {
            op: sum(r.blocks.count(op) for r in changed if r.blocks) for op in ("added", "removed", "changed")
        },
    }
