"""The repair recipe: mend what verify finds from the originals and the XML, one action each."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archiver.document.model import Document
from archiver.errors import ArchiverError
from archiver.pipeline import Parsed, parse, timestamp
from archiver.store import Archive, manifest
from archiver.store.audit import Finding, sha256_of, verify
from archiver.store.files import TEMP_SUFFIX


@dataclass(frozen=True)
class Action:
    """What repair did about one finding (or why it could not)."""

    finding: Finding
    done: bool
    message: str

    def as_dict(self) -> dict[str, object]:
        return {**self.finding.as_dict(), "repaired": self.done, "action": self.message}


@dataclass
class Repair:
    """Every action taken, and what verify still finds afterwards."""

    actions: list[Action]
    remaining: list[Finding]


def repair(archive: Archive, progress: Callable[[int, int], None] | None = None) -> Repair:
    """Mend every fixable finding under the archive lock, then verify again."""
    actions: list[Action] = []
    with archive.writing():
        findings = verify(archive).findings
        for i, finding in enumerate(findings, start=1):
            mend = MENDERS.get(finding.code)
            if mend is not None:
                try:
                    actions.append(Action(finding, True, mend(archive, finding)))
                except (ArchiverError, OSError, ValueError) as exc:
                    actions.append(Action(finding, False, str(exc)))
            if progress:
                progress(i, len(findings))
        archive.notes.clear()
        remaining = verify(archive).findings
    return Repair(actions, remaining)


def _remove_temp(archive: Archive, finding: Finding) -> str:
    (archive.root / finding.subject).unlink(missing_ok=True)
    return "removed"


def _add_row(archive: Archive, finding: Finding) -> str:
    """An XML without a row gets its row; an unreadable one is set aside and re-derived."""
    try:
        archive.document(finding.subject)
    except ArchiverError:
        aside = _aside(archive, finding.subject)
        os.replace(archive.xml_path(finding.subject), aside)
        done = _adopt(archive, finding)
        return f"{done}; the unreadable XML is kept as {archive.relative(aside)}"
    archive.reconcile()
    return "catalog row added from the XML"


def _record(archive: Archive, finding: Finding) -> str:
    """An XML written just before a crash: record its checksum if it belongs to its original."""
    entry = archive.find(finding.subject)
    doc = archive.document(entry.id)
    if doc.provenance.sha256 != entry.sha256 or not _original_intact(archive, finding.subject):
        return _rederive(archive, finding)
    xml = archive.xml_path(entry.id)
    manifest.append(archive.root, [(sha256_of(xml), archive.relative(xml))])
    return "checksum recorded in the manifest"


def _rederive(archive: Archive, finding: Finding) -> str:
    """Build the XML again from the original, as at its first ingest; a changed XML is kept aside."""
    entry = archive.find(finding.subject)
    if not _original_intact(archive, entry.id):
        raise ValueError("cannot re-derive: the original is missing or changed; restore it from a backup")
    data = archive.original_path(entry).read_bytes()
    parsed = _reparse(data, entry.name, entry.ingested or timestamp(), entry.dialect)
    xml = archive.xml_path(entry.id)
    kept = ""
    if xml.exists():
        aside = _aside(archive, entry.id)
        os.replace(xml, aside)
        kept = f"; the changed XML is kept as {archive.relative(aside)}"
    archive.restore(data, _doc(parsed), parsed.xml, entry.version)
    return f"XML re-derived from the original{kept}"


def _adopt(archive: Archive, finding: Finding) -> str:
    """An original stored by an ingest that was killed before its XML: finish that ingest."""
    folder = archive.root / "originals" / finding.subject
    temps = [p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(TEMP_SUFFIX)]
    for temp in temps:  # an original whose write was cut off: never adopt half a file
        temp.unlink()
    files = [p for p in folder.iterdir() if p.is_file()]
    if not files:
        folder.rmdir()
        cut = " (its write was cut off: ingest that file again)" if temps else ""
        return f"removed the folder{cut}"
    (path,) = files
    data = path.read_bytes()
    if not hashlib.sha256(data).hexdigest().startswith(finding.subject):
        raise ValueError(
            f"{archive.relative(path)} does not have the checksum its folder names: not archiver's; "
            "move it out of the archive"
        )
    parsed = _reparse(data, path.name, timestamp(), None)
    stored = archive.restore(data, _doc(parsed), parsed.xml, None)
    return f"ingest finished: {stored.status} {stored.entry.id}"


def _reparse(data: bytes, name: str, when: str, dialect: str | None) -> Parsed:
    """Parse as ingest did: detected dialect, or the recorded one when detection now differs."""
    parsed = parse(data, name, when, None, keep=True)
    if dialect and parsed.document and parsed.document.provenance.dialect != dialect:
        parsed = parse(data, name, when, dialect, keep=True)
    if parsed.document is None or parsed.failure:
        reason = parsed.failure.message if parsed.failure else "no document"
        raise ValueError(f"cannot re-derive: {reason}")
    return parsed


def _doc(parsed: Parsed) -> Document:
    assert parsed.document is not None  # _reparse raised otherwise
    return parsed.document


def _original_intact(archive: Archive, id: str) -> bool:
    entry = archive.catalog.get(id)
    if entry is None:
        return False
    path = archive.original_path(entry)
    return path.exists() and sha256_of(path) == entry.sha256


def _aside(archive: Archive, id: str) -> Path:
    folder = archive.root / "set-aside"
    folder.mkdir(exist_ok=True)
    n = 1
    while (folder / f"{id}.{n}.xml").exists():
        n += 1
    return folder / f"{id}.{n}.xml"


MENDERS: dict[str, Callable[[Archive, Finding], str]] = {
    "temp-file": _remove_temp,
    "row-missing": _add_row,
    "xml-unrecorded": _record,
    "xml-missing": _rederive,
    "xml-edited": _rederive,
    "xml-unreadable": _rederive,
    "xml-mismatch": _rederive,
    "orphan-original": _adopt,
}
