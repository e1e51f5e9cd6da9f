"""Downloads: the article's EPUB, PDF, XML and original bytes, editions on demand, covers."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from starlette.testclient import TestClient

from archiver import recipes
from archiver.ingest.ids import archive_id
from archiver.store import Archive, Selection
from tests.conftest import SEED

SEED_ID = archive_id(SEED.read_bytes())


def test_xml_and_original_are_the_archived_bytes(client: TestClient, archive_root: Path) -> None:
    xml = client.get(f"/article/{SEED_ID}.xml")
    assert xml.content == (archive_root / "documents" / f"{SEED_ID}.xml").read_bytes()
    original = client.get(f"/article/{SEED_ID}.original")
    assert original.content == SEED.read_bytes()
    assert original.headers["content-disposition"] == f'attachment; filename="{SEED.name}"'  # its own name


def test_pdf_download_is_the_export(client: TestClient, archive_root: Path, tmp_path: Path) -> None:
    response = client.get(f"/article/{SEED_ID}.pdf")
    assert response.headers["content-type"] == "application/pdf"
    with Archive(archive_root) as archive:
        job = recipes.export_job("pdf", each=True, jobs=1)
        (path,) = recipes.export(archive, job, Selection(ids=[SEED_ID]), tmp_path).paths
    assert response.content == path.read_bytes()


def test_month_edition_holds_that_month(client: TestClient) -> None:
    response = client.get("/edition.epub?month=2019-04")
    assert response.status_code == 200 and response.headers["content-type"] == "application/epub+zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as epub:
        text = " ".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert f"a{SEED_ID}" in text  # the seed's article id
    etag = response.headers["etag"]
    assert client.get("/edition.epub?month=2019-04", headers={"If-None-Match": etag}).status_code == 304


def test_search_edition_and_empty_selection(client: TestClient) -> None:
    assert client.get("/edition.epub?q=ferry").status_code == 200
    assert client.get("/edition.epub?q=zzzzqqq").status_code == 404
    assert client.get("/edition.mobi?q=ferry").status_code == 404
    assert client.get("/edition.pdf?q=%22ferry").status_code == 400


def test_cover_and_thumbnail(client: TestClient) -> None:
    big = Image.open(io.BytesIO(client.get(f"/cover/{SEED_ID}.png").content))
    small = Image.open(io.BytesIO(client.get(f"/cover/{SEED_ID}.png?width=200").content))
    assert big.size == (1600, 2560) and small.size == (200, 320)
    assert client.get(f"/cover/{SEED_ID}.png?width=99999").status_code == 400


def test_an_edition_is_streamed_from_a_temporary_file_that_goes_away(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    response = client.get("/edition.pdf?language=de")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    named = 'attachment; filename="stadtbibliothek-offnet-nach-dem-umbau-wieder.pdf"'  # as export names it
    assert response.headers["content-disposition"] == named
    assert not list(tmp_path.glob("archiver-serve-*"))  # the folder the export wrote into is gone
