"""The same per-article work on a Dask cluster gives byte-identical archives and exports."""

from __future__ import annotations

from pathlib import Path

from archiver import pipeline, recipes
from archiver.store import Archive, Selection
from tests.conftest import SOURCES


def _tree(root: Path) -> dict[str, bytes]:
    """Every archived file (originals, XML, manifest) by relative path; the catalog is compared by rows."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.parent.name != "cache" and not p.name.startswith(("catalog.sqlite", ".lock"))
    }


def test_ingest_and_exports_on_dask_equal_local(scheduler: str, tmp_path: Path) -> None:
    files = sorted(SOURCES.iterdir())
    outputs = {}
    for kind, address in (("local", None), ("dask", scheduler)):
        root = tmp_path / kind
        with Archive(root / "arc", create=True) as archive:
            outcomes = pipeline.ingest(archive, files, jobs=2, executor=kind, scheduler=address)
            assert all(o.status == "new" for o in outcomes), [o.as_dict() for o in outcomes if o.failure]
            rows = [e.as_dict() for e in archive.entries()]
            made = {}
            for fmt in ("epub", "pdf"):
                job = recipes.export_job(fmt, jobs=2, executor=kind, scheduler=address, cache=False)
                done = recipes.export(archive, job, Selection(), root / f"edition.{fmt}")
                made[fmt] = done.paths[0].read_bytes()
        outputs[kind] = (_tree(root / "arc"), rows, made)
    local, dask = outputs["local"], outputs["dask"]
    assert local[0].keys() == dask[0].keys() and local[0] == dask[0]
    assert local[1] == dask[1]
    assert local[2] == dask[2]
