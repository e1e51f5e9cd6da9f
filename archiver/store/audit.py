"""Fixity and consistency: the catalog, XML files, originals and manifest checked both ways."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from archiver.errors import ArchiveError, ArchiverError
from archiver.store import manifest
from archiver.store.archive import Archive
from archiver.store.catalog import Entry
from archiver.store.files import TEMP_SUFFIX

# Stable codes of what verify finds; `fixable` ones `archiver repair` mends.
FINDINGS: dict[str, tuple[str, bool]] = {
    "original-missing": ("a catalogued article's original file is gone", False),
    "original-changed": ("an original no longer has the SHA-256 it was archived with", False),
    "xml-missing": ("a catalogued article has no XML (repair re-derives it from the original)", True),
    "xml-edited": ("an XML file differs from the checksum recorded when it was written", True),
    "xml-unreadable": ("an XML file cannot be read back", True),
    "xml-unrecorded": ("an XML file has no checksum in the manifest", True),
    "xml-mismatch": ("an XML file names another original than its catalog row", True),
    "row-missing": ("an XML file has no catalog row", True),
    "orphan-original": ("an original has no XML and no catalog row (an interrupted ingest)", True),
    "temp-file": ("a temporary file left by an interrupted write", True),
    "catalog-mended": ("the catalog was damaged or incomplete, and was mended on opening", False),
}


@dataclass(frozen=True)
class Finding:
    """One thing verify found: a stable code, the article id or file it concerns, and a message."""

    code: str
    subject: str
    message: str

    def __post_init__(self) -> None:
        if self.code not in FINDINGS:
            raise ValueError(f"unregistered finding code {self.code!r}")

    @property
    def fixable(self) -> bool:
        return FINDINGS[self.code][1]

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "subject": self.subject, "message": self.message, "fixable": self.fixable}

    def __str__(self) -> str:
        return f"{self.subject}: {self.code}: {self.message}"


@dataclass
class Audit:
    """What verify checked and found; `failed` leaves out what was already mended on opening."""

    checked: int
    findings: list[Finding]

    @property
    def failed(self) -> list[Finding]:
        return [f for f in self.findings if f.code != "catalog-mended"]


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(archive: Archive, progress: Callable[[int, int], None] | None = None) -> Audit:
    """Every check, both ways: rows -> files, files -> rows, checksums, temporaries."""
    findings = [Finding("catalog-mended", "catalog.sqlite", note) for note in archive.notes]
    sums = manifest.read(archive.root)
    entries = list(archive.entries(all_versions=True))
    for i, entry in enumerate(entries, start=1):
        findings += _check_entry(archive, entry, sums)
        if progress:
            progress(i, len(entries))
    rows = {e.id for e in entries}
    for id in sorted(archive.document_ids() - rows):
        findings.append(Finding("row-missing", id, f"documents/{id}.xml has no catalog row"))
    findings += _orphans(archive, rows)
    try:
        with archive.writing():  # writers hold the lock while their temporaries exist: these are stale
            temps = temp_files(archive)
    except ArchiveError:  # a read-only archive, or a long-running writer: look without the lock
        temps = temp_files(archive)
    findings += [Finding("temp-file", archive.relative(p), "left by an interrupted write") for p in temps]
    return Audit(len(entries), findings)


def _check_entry(archive: Archive, entry: Entry, sums: dict[str, str]) -> list[Finding]:
    out: list[Finding] = []
    original = archive.original_path(entry)
    if not original.exists():
        out.append(Finding("original-missing", entry.id, f"{archive.relative(original)} is missing"))
    elif sha256_of(original) != entry.sha256:
        out.append(Finding("original-changed", entry.id, f"{archive.relative(original)} was changed"))
    xml = archive.xml_path(entry.id)
    rel = archive.relative(xml)
    if not xml.exists():
        return [*out, Finding("xml-missing", entry.id, f"{rel} is missing")]
    recorded = sums.get(rel)
    if recorded is None:
        out.append(Finding("xml-unrecorded", entry.id, f"{rel} has no checksum in the manifest"))
    elif sha256_of(xml) != recorded:
        out.append(Finding("xml-edited", entry.id, f"{rel} was changed after it was written"))
    try:
        doc = archive.document(entry.id)
    except ArchiverError as exc:
        return [*out, Finding("xml-unreadable", entry.id, str(exc))]
    if doc.provenance.sha256 != entry.sha256:
        out.append(Finding("xml-mismatch", entry.id, f"{rel} records another original than the catalog"))
    return out


def _orphans(archive: Archive, rows: set[str]) -> Iterator[Finding]:
    folder = archive.root / "originals"
    if not folder.is_dir():
        return
    documents = archive.document_ids() | rows
    for sub in sorted(os.scandir(folder), key=lambda d: d.name):
        if sub.is_dir() and sub.name not in documents:
            yield Finding("orphan-original", sub.name, f"originals/{sub.name}/ has no XML")


def temp_files(archive: Archive) -> list[Path]:
    """Temporary files under the archive (only stale ones exist while we hold the lock)."""
    return sorted(p for p in archive.root.rglob(f"*{TEMP_SUFFIX}") if p.is_file() and p.name.startswith("."))
