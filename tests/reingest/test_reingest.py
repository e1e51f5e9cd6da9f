"""`archiver reingest`: a real archive, a rule changed, the diff, both versions kept, verify clean."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from archiver import pipeline
from archiver.cli import app
from archiver.document.model import How, Paragraph, Value
from archiver.document.xmlio import from_bytes
from archiver.errors import ArchiveError, UsageError
from archiver.ingest import assemble, structure
from archiver.reingest import reingest, summary
from archiver.store import Archive
from archiver.store.audit import verify
from tests.conftest import SEED, SOURCES


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def archive_root(tmp_path: Path) -> Path:
    root = tmp_path / "arc"
    with Archive(root, create=True) as archive:
        outcomes = pipeline.ingest(archive, sorted(SOURCES.iterdir()))
    assert {o.status for o in outcomes} == {"new"}
    return root


def _new_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two rule changes: derived titles read differently, and no line is a subheading any more."""
    monkeypatch.setattr(
        assemble, "_derive_title", lambda blocks: Value("A derived title", How("derived", "x"))
    )
    monkeypatch.setattr(structure, "is_heading", lambda text: False)


def test_unchanged_rules_change_nothing(archive_root: Path) -> None:
    before = {k: v for k, v in _files(archive_root).items() if not k.startswith("catalog")}
    with Archive(archive_root) as archive:
        results = reingest(archive, archive.entries(all_versions=True))
    assert {r.status for r in results} == {"unchanged"}
    assert len(results) == len(list(SOURCES.iterdir()))
    after = {k: v for k, v in _files(archive_root).items() if not k.startswith("catalog")}
    assert after == before
    assert not (archive_root / "set-aside").exists()


def test_changed_rule_gives_a_diff_keeps_the_old_xml_and_verifies_clean(
    archive_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Archive(archive_root) as archive:
        seed = next(e for e in archive.entries() if e.name == SEED.name)
        old_xml = archive.xml_bytes(seed.id)
        old_doc = archive.document(seed.id)
        _new_rules(monkeypatch)
        results = reingest(archive, archive.entries(all_versions=True))
        by_id = {r.id: r for r in results}
        seen = by_id[seed.id]
        assert seen.status == "changed"
        title = next(f for f in seen.fields if f.field == "title")
        assert (title.old, title.new) == (old_doc.meta.title.text, "A derived title")
        kept = archive_root / str(seen.kept)
        assert kept.parent.name == "set-aside" and kept.read_bytes() == old_xml  # the old version, intact
        new_doc = archive.document(seed.id)
        assert new_doc.meta.title.text == "A derived title"
        assert [e.kind for e in new_doc.provenance.events] == ["normalisation", "renormalisation"]
        assert new_doc.provenance.events[0] == old_doc.provenance.events[0]
        assert archive.catalog.get(seed.id).title == "A derived title"  # type: ignore[union-attr]
        assert archive.catalog.get(seed.id).ingested == seed.ingested  # type: ignore[union-attr]
        assert [entry.id for entry, _ in archive.catalog.search('"A derived title"', 5)] == [seed.id]
        # an article whose subheadings became paragraphs: the body diff says which blocks changed
        bodies = [r for r in results if r.blocks and r.blocks.count("changed")]
        assert bodies, "no article had a subheading to lose"
        blocks = bodies[0].blocks
        assert blocks is not None
        assert blocks.before.get("heading", 0) > blocks.after.get("heading", 0)
        assert sum(blocks.before.values()) == sum(blocks.after.values())
        edit = next(e for e in blocks.edits if e.op == "changed")
        words = edit.old.removeprefix("heading: ")
        assert edit.old != words and edit.new == f"paragraph: {words}"  # same words, now a paragraph
        doc = archive.document(bodies[0].id)
        assert not any(type(b).__name__ == "Heading" for b in doc.body)
        assert any(isinstance(b, Paragraph) and b.text == words for b in doc.body)
        explicit = [r for r in results if r.status == "unchanged"]
        assert explicit, "articles with explicit titles and no subheadings stay as they were"
        assert verify(archive).failed == []
        # re-running the new rules changes nothing more
        again = reingest(archive, archive.entries(all_versions=True))
        assert {r.status for r in again} == {"unchanged"}
    assert summary(results)["fields"]["title"] >= 1


def test_dry_run_shows_the_diff_and_writes_nothing(
    archive_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {k: v for k, v in _files(archive_root).items() if not k.startswith("catalog")}
    _new_rules(monkeypatch)
    with Archive(archive_root) as archive:
        results = reingest(archive, archive.entries(all_versions=True), dry_run=True)
    assert any(r.status == "changed" and r.fields for r in results)
    assert all(r.kept is None for r in results)
    assert {k: v for k, v in _files(archive_root).items() if not k.startswith("catalog")} == before


def test_one_missing_original_fails_alone(archive_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Archive(archive_root) as archive:
        seed = next(e for e in archive.entries() if e.name == SEED.name)
        archive.original_path(seed).unlink()
        _new_rules(monkeypatch)
        results = reingest(archive, archive.entries(all_versions=True))
    failed = [r for r in results if r.status == "failed"]
    assert [r.id for r in failed] == [seed.id]
    assert failed[0].failure is not None and "missing" in failed[0].failure.message
    assert any(r.status == "changed" for r in results)


def test_cli_prints_the_diff_and_the_summary(archive_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    _new_rules(monkeypatch)
    dry = runner.invoke(app, ["--archive", str(archive_root), "reingest", "--all", "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    data = json.loads(dry.stdout)
    assert data["dry_run"] is True and data["summary"]["changed"] >= 2
    seed = next(a for a in data["articles"] if a["name"] == SEED.name)
    assert seed["fields"][0]["new"] == "A derived title"
    done = runner.invoke(app, ["--archive", str(archive_root), "reingest", seed["id"][:8]])
    assert done.exit_code == 0, done.output
    assert f"{seed['id']}  {SEED.name}  changed (old XML: set-aside/{seed['id']}.1.xml)" in done.stdout
    assert "title" in done.stdout and "A derived title" in done.stdout
    assert "1 article: 1 changed, 0 unchanged, 0 failed; fields: title 1" in done.stderr
    kept = from_bytes((archive_root / "set-aside" / f"{seed['id']}.1.xml").read_bytes())
    assert kept.meta.title.text == seed["fields"][0]["old"]
    usage = runner.invoke(app, ["--archive", str(archive_root), "reingest"])
    assert isinstance(usage.exception, UsageError) and usage.exception.exit_code == 2  # main() exits 2


def test_cli_reports_a_failure_in_one_line_and_goes_on(archive_root: Path) -> None:
    copy = archive_root.parent / "copy"
    shutil.copytree(archive_root, copy)
    with Archive(copy) as archive:
        seed = next(e for e in archive.entries() if e.name == SEED.name)
        archive.original_path(seed).unlink()
    result = CliRunner().invoke(app, ["--archive", str(copy), "reingest", "--all"])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if seed.id in line]
    assert len(lines) == 1 and "unreadable" in lines[0] and "missing" in lines[0]
    assert f"{len(list(SOURCES.iterdir()))} articles: 0 changed" in result.stderr


def test_a_store_that_fails_puts_the_old_xml_back(
    archive_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise ArchiveError("cannot store it: No space left on device; nothing of it was kept")

    with Archive(archive_root) as archive:
        seed = next(e for e in archive.entries() if e.name == SEED.name)
        old_xml = archive.xml_bytes(seed.id)
        _new_rules(monkeypatch)
        monkeypatch.setattr(Archive, "restore", refuse)
        results = reingest(archive, [seed])
        assert [(r.status, r.failure.code if r.failure else "") for r in results] == [("failed", "archive")]
        assert archive.xml_bytes(seed.id) == old_xml
        assert not any((archive_root / "set-aside").glob("*.xml"))
        assert verify(archive).failed == []
