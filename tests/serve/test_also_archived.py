"""The article page's "Also archived as": the other copies of the story, linked; none on other pages."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from lxml import html as lxml_html
from starlette.testclient import TestClient

from archiver import pipeline
from archiver.near.shingles import RULES
from archiver.serve import Settings, create_app
from archiver.store import Archive
from archiver.store.lock import locked
from archiver.store.signatures import stored
from tests.near.conftest import BRIDGE, STORM
from tests.serve.conftest import headings_in_order


def _also(client: TestClient, id: str) -> list[tuple[str, str]]:
    response = client.get(f"/article/{id}")
    assert response.status_code == 200 and headings_in_order(response.text)
    tree = lxml_html.fromstring(response.content)
    return [(a.get("href"), a.text_content()) for a in tree.xpath("//aside[@aria-labelledby='also']//a")]


def test_each_copy_links_the_others_and_unrelated_pages_show_nothing(near_root: Path) -> None:
    with Archive(near_root) as archive:
        ids = {e.name: e.id for e in archive.entries()}
        titles = {e.id: e.title for e in archive.entries()}
    with TestClient(create_app(Settings(root=near_root))) as client:
        courier, post = (ids[n] for n in sorted(STORM))
        assert _also(client, courier) == [(f"/article/{post}", titles[post])]
        assert _also(client, post) == [(f"/article/{courier}", titles[courier])]
        xinhua = ids["changjiang-qiao-xinhua.txt"]
        assert _also(client, ids["changjiang-qiao-wanbao.txt"]) == [(f"/article/{xinhua}", titles[xinhua])]
        assert ids.keys() >= BRIDGE
        for name in ("westhaven-flood-gate-vote.txt", "westhaven-storm-ferries.txt"):
            page = client.get(f"/article/{ids[name]}").text
            assert "Also archived as" not in page


def test_a_new_copy_changes_the_page_and_its_etag(near_root: Path, tmp_path: Path) -> None:
    with Archive(near_root) as archive:
        vote = next(e.id for e in archive.entries() if e.name == "westhaven-flood-gate-vote.txt")
    with TestClient(create_app(Settings(root=near_root))) as client:
        first = client.get(f"/article/{vote}")
        assert "Also archived as" not in first.text
        source = Path(__file__).resolve().parents[1] / "near/fixtures/westhaven-flood-gate-vote.txt"
        copy = tmp_path / "flood-gate-vote-rescraped.txt"
        shutil.copyfile(source, copy)
        with copy.open("a") as f:
            f.write("\nThis article was updated on 7 March with the date of the exhibition.\n")
        with Archive(near_root) as archive:
            assert pipeline.ingest(archive, [copy])[0].status == "new"
        second = client.get(f"/article/{vote}", headers={"if-none-match": first.headers["etag"]})
        assert second.status_code == 200 and second.headers["etag"] != first.headers["etag"]
        assert "Also archived as" in second.text


def test_many_copies_list_ten_and_count_the_rest(near_root: Path, tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[1] / "near/fixtures/westhaven-storm-ferries.txt"
    copies = []
    for n in range(12):
        copy = tmp_path / f"ferries-copy-{n:02d}.txt"
        copy.write_text(source.read_text() + f"\nCopy {n} of this story.\n")
        copies.append(copy)
    with Archive(near_root) as archive:
        pipeline.ingest(archive, copies, jobs=1)
        first = next(e.id for e in archive.entries() if e.name == "westhaven-storm-ferries.txt")
    with TestClient(create_app(Settings(root=near_root))) as client:
        assert len(_also(client, first)) == 10
        page = client.get(f"/article/{first}").text
        assert "and 2 more (<code>archiver duplicates</code> lists them)" in page


def test_a_busy_archive_still_gets_its_copies_without_waiting(near_root: Path) -> None:
    with Archive(near_root) as archive:
        ids = {e.name: e.id for e in archive.entries()}
    courier, post = (ids[n] for n in sorted(STORM))
    # locked before the server starts: its warm-up finds the clusters without keeping them either
    with locked(near_root, 0), TestClient(create_app(Settings(root=near_root))) as client:
        started = time.monotonic()
        assert _also(client, courier)[0][0] == f"/article/{post}"
        assert time.monotonic() - started < 20  # not the 30 s a writer waits for the lock
    with Archive(near_root) as archive:
        assert stored(archive, RULES) == {}  # made in memory, kept another time
