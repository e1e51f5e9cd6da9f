"""The render cache: warm exports are byte-identical to cold ones, and a change misses only itself."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archiver import pipeline, recipes
from archiver.export.cache import FOLDER, RenderCache, key
from archiver.store import Archive, Selection
from tests.conftest import SOURCES


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    arc = Archive(tmp_path / "arc", create=True)
    pipeline.ingest(arc, sorted(SOURCES.iterdir()))
    return arc


def _epub(archive: Archive, out: Path, cache: bool = True) -> tuple[bytes, recipes.Exported]:
    job = recipes.export_job("epub", cache=cache)
    done = recipes.export(archive, job, Selection(), out)
    return out.read_bytes(), done


def test_warm_export_is_byte_identical_and_renders_nothing(archive: Archive, tmp_path: Path) -> None:
    cold, first = _epub(archive, tmp_path / "cold.epub")
    warm, second = _epub(archive, tmp_path / "warm.epub")
    plain, third = _epub(archive, tmp_path / "plain.epub", cache=False)
    assert cold == warm == plain
    n = first.articles + 1  # each article's XHTML and the cover image
    assert (first.rendered, first.cached) == (n, 0)
    assert (second.rendered, second.cached) == (0, n)
    assert (third.rendered, third.cached) == (0, 0)


def test_a_changed_article_is_the_only_one_rendered_again(archive: Archive, tmp_path: Path) -> None:
    _epub(archive, tmp_path / "before.epub")
    entry = next(iter(archive.entries()))
    path = archive.xml_path(entry.id)
    path.write_bytes(path.read_bytes().replace(b"</title>", b" (herzien)</title>", 1))
    changed, done = _epub(archive, tmp_path / "after.epub")
    assert (done.rendered, done.cached) == (1, done.articles)  # the cover did not change
    shutil.rmtree(archive.root / FOLDER)
    cold, _ = _epub(archive, tmp_path / "cold.epub")
    assert changed == cold


def test_a_damaged_cache_entry_is_not_trusted_blindly(archive: Archive, tmp_path: Path) -> None:
    cold, _ = _epub(archive, tmp_path / "cold.epub")
    files = [p for p in (archive.root / FOLDER).rglob("*") if p.is_file()]
    assert files and all(not p.name.endswith(".tmp") for p in files)
    for p in files:
        p.write_bytes(p.read_bytes()[:-40])  # cut short, as by a full disk
    again, done = _epub(archive, tmp_path / "again.epub")
    assert again == cold
    assert done.rendered == done.articles + 1  # every XHTML and the cover made again


def test_keys_separate_their_parts() -> None:
    assert key("ab", "c") != key("a", "bc")
    cache = RenderCache(Path("/nonexistent"))
    assert cache.article_key("unknown-id", "xhtml") is None  # no digest: never cached


def test_one_file_per_article_comes_whole_from_the_cache(archive: Archive, tmp_path: Path) -> None:
    job = recipes.export_job("pdf", each=True)
    cold = recipes.export(archive, job, Selection(), tmp_path / "cold")
    warm = recipes.export(archive, job, Selection(), tmp_path / "warm")
    n = cold.articles
    names = sorted(p.name for p in (tmp_path / "cold").iterdir())
    assert len(names) == n and names == sorted(p.name for p in (tmp_path / "warm").iterdir())
    for name in names:
        assert (tmp_path / "cold" / name).read_bytes() == (tmp_path / "warm" / name).read_bytes()
    files = list((archive.root / FOLDER / "pdf-file").rglob("*"))
    assert sum(p.is_file() for p in files) == n
    assert warm.rendered == 0 and warm.cached >= n
    plain = recipes.export(
        archive, recipes.export_job("pdf", each=True, cache=False), Selection(), tmp_path / "p"
    )
    assert all(
        (tmp_path / "p" / name).read_bytes() == (tmp_path / "cold" / name).read_bytes() for name in names
    )
    assert plain.cached == plain.rendered == 0


def test_a_damaged_pdf_part_is_rendered_again(archive: Archive, tmp_path: Path) -> None:
    job = recipes.export_job("pdf")
    cold = recipes.export(archive, job, Selection(), tmp_path / "cold.pdf")
    parts = [p for p in (archive.root / FOLDER / "pdf").rglob("*") if p.is_file()]
    assert parts and cold.rendered >= len(parts)
    for p in parts:
        data = p.read_bytes()
        p.write_bytes(data[: len(data) // 2])  # half a file, as after a full disk
    again = recipes.export(archive, job, Selection(), tmp_path / "again.pdf")
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "cold.pdf").read_bytes()
    assert again.rendered >= len(parts)


def test_build_validates_again_only_what_changed(tmp_path: Path) -> None:
    with Archive(tmp_path / "arc", create=True) as arc:
        first = recipes.build(arc, [SOURCES], tmp_path / "dist")
        assert not first.invalid and first.exit_code == 0
        passes = list((arc.root / FOLDER / "valid").rglob("*"))
        assert sum(p.is_file() for p in passes) == len(list(SOURCES.iterdir()))
        entry = next(iter(arc.entries()))
        path = arc.xml_path(entry.id)
        path.write_bytes(
            path.read_bytes().replace(b"<title", b"<titel", 1).replace(b"</title>", b"</titel>", 1)
        )
        found = recipes._invalid(arc, RenderCache(arc.root / FOLDER))
        assert list(found) == [entry.id]  # the others' passes were reused, this one is checked again


def test_the_pdf_gate_runs_once_for_each_exact_pdf(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archiver.export import pdf

    calls: list[int] = []  # the gate reads the text of each body chunk (part) it has not seen pass
    gate = pdf.check_part
    monkeypatch.setattr(
        pdf, "check_part", lambda path, titles: calls.append(len(titles)) or gate(path, titles)
    )
    job = recipes.export_job("pdf")
    recipes.export(archive, job, Selection(), tmp_path / "cold.pdf")
    read = len(calls)
    assert read >= 1 and all(calls)  # each part with its articles' titles
    recipes.export(archive, job, Selection(), tmp_path / "warm.pdf")
    assert (tmp_path / "cold.pdf").read_bytes() == (tmp_path / "warm.pdf").read_bytes()
    assert len(calls) == read  # the same parts for the same titles passed it already
    recipes.export(archive, recipes.export_job("pdf", cache=False), Selection(), tmp_path / "plain.pdf")
    assert len(calls) == 2 * read  # without a cache it always runs
    recipes.export(archive, job, Selection(lang="fr"), tmp_path / "one.pdf")
    assert len(calls) > 2 * read  # another edition, other parts: checked


def test_a_warm_pdf_export_guards_no_word_and_opens_no_part_for_its_facts(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archiver.export import pdf, pdf_contents, pdf_hyphens

    guarded: list[int] = []
    opened: list[str] = []
    guard, facts, contents = pdf_hyphens.guard, pdf.part_facts, pdf_contents._facts
    monkeypatch.setattr(pdf_hyphens, "guard", lambda root: guarded.append(1) or guard(root))
    monkeypatch.setattr(pdf, "part_facts", lambda path: opened.append(path.name) or facts(path))
    monkeypatch.setattr(pdf_contents, "_facts", lambda path: opened.append(path.name) or contents(path))
    job = recipes.export_job("pdf")
    cold = recipes.export(archive, job, Selection(), tmp_path / "cold.pdf")
    assert len(guarded) == cold.articles and opened  # every article guarded, every part read once
    guarded.clear()
    opened.clear()
    from archiver.export import pdf_merge

    starts: list[int] = []  # page starts read from a part by the assembly (known ones are passed in)
    read = pdf_merge.page_list.read
    monkeypatch.setattr(pdf_merge.page_list, "read", lambda root: starts.append(1) or read(root))
    recipes.export(archive, job, Selection(), tmp_path / "warm.pdf")
    assert starts == []  # every part's page starts came from the cache, the contents chunk's too
    assert (tmp_path / "warm.pdf").read_bytes() == (tmp_path / "cold.pdf").read_bytes()
    assert guarded == [] and opened == []  # the printed articles and the parts' facts came from the cache
    for p in (archive.root / FOLDER / "pdf-printed").rglob("*"):
        if p.is_file():
            p.write_bytes(p.read_bytes()[:-20])  # damaged: made again, the same
    recipes.export(archive, job, Selection(), tmp_path / "mended.pdf")
    assert len(guarded) == cold.articles
    assert (tmp_path / "mended.pdf").read_bytes() == (tmp_path / "cold.pdf").read_bytes()


def test_the_pdf_attaches_each_article_as_archived(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pikepdf

    from archiver.export import pdf

    serialized: list[str] = []
    to_bytes = pdf.to_bytes
    monkeypatch.setattr(pdf, "to_bytes", lambda doc: serialized.append(doc.meta.archive_id) or to_bytes(doc))
    done = recipes.export(archive, recipes.export_job("pdf"), Selection(), tmp_path / "a.pdf")
    assert serialized == []  # read again from the archive, not written out of the model
    with pikepdf.open(tmp_path / "a.pdf") as p:
        attached = {name: spec.get_file().read_bytes() for name, spec in p.attachments.items()}
    assert len(attached) == done.articles
    for entry in archive.entries():
        assert attached[f"{entry.id}.xml"] == archive.xml_bytes(entry.id)
    recipes.export(archive, recipes.export_job("pdf", cache=False), Selection(), tmp_path / "b.pdf")
    assert len(serialized) == done.articles  # no checksum vouches for the file: the model is written
    assert (tmp_path / "b.pdf").read_bytes() == (tmp_path / "a.pdf").read_bytes()
