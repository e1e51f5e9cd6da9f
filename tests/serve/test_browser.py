"""The reading room in a real browser: Debian's chromium, driven by Playwright, on a live server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from archiver.serve import Settings
from tests.export.conftest import EPOCH
from tests.serve.browser import chromium, live_server, screenshots

# Debian's chromium is one of the base packages (`bash scripts/system-deps.sh`, run by `make setup`):
# without it these tests fail, they are not skipped.


@pytest.fixture(scope="module")
def site(archive_root: Path) -> Iterator[tuple[str, Any]]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        with live_server(Settings(root=archive_root, title="Archive")) as base, chromium() as browser:
            yield base, browser


@pytest.fixture
def page(site: tuple[str, Any]) -> Iterator[Any]:
    """A fresh page that records console messages (a CSP violation shows there)."""
    _, browser = site
    context = browser.new_context(accept_downloads=True)
    tab = context.new_page()
    tab.messages = []
    tab.on("console", lambda m: tab.messages.append(m.text))
    yield tab
    context.close()


def test_home_search_article_and_epub_download(
    site: tuple[str, Any], page: Any, archive_root: Path, tmp_path: Path
) -> None:
    base, _ = site
    page.goto(base + "/")
    assert page.locator("h1").inner_text() == "Archive"
    assert (
        page.locator("link[type^='application/atom+xml;profile=opds-catalog']").get_attribute("href")
        == "/opds"
    )
    page.fill("#site-q", "ferry")
    page.press("#site-q", "Enter")
    page.wait_for_url("**/search?q=ferry")
    assert page.locator("p.snippet mark").count() >= 1
    page.click("ol.entries h3 a >> nth=0")
    assert page.locator("article").get_attribute("lang") == "en"
    article_id = page.url.rsplit("/", 1)[1]
    with page.expect_download() as info:
        page.click("aside.downloads a:text('EPUB')")
    saved = tmp_path / "download.epub"
    info.value.save_as(saved)
    env = {**os.environ, "ARCHIVER_HOME": str(archive_root), "SOURCE_DATE_EPOCH": EPOCH}
    out = tmp_path / "export"
    done = subprocess.run(
        [sys.executable, "-m", "archiver", "export", "epub", article_id, "--each", "-o", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (exported,) = out.glob("*.epub")
    assert saved.read_bytes() == exported.read_bytes()
    assert not [m for m in page.messages if "Content Security Policy" in m]


def test_pages_fit_a_phone_and_keep_styles_under_the_csp(site: tuple[str, Any], page: Any) -> None:
    base, _ = site
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/browse", "/search?q=de", "/browse/month/2019-04"):
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), path
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(250, 247, 240)", path  # site.css loaded despite default-src 'none'
    assert not [m for m in page.messages if "Content Security Policy" in m]


def test_a_hostile_search_shows_its_message(site: tuple[str, Any], page: Any) -> None:
    base, _ = site
    response = page.goto(base + "/search?q=NEAR(")
    assert response.status == 400
    assert "FTS5" in page.locator("p.error[role='alert']").inner_text()


def test_screenshots_of_home_search_and_article(site: tuple[str, Any], tmp_path: Path) -> None:
    base, browser = site
    shots = screenshots(base, browser, tmp_path)
    assert [p.name for p in shots] == [
        "reading-room-home.png",
        "reading-room-search.png",
        "reading-room-article.png",
    ]
    for path in shots:
        with Image.open(path) as im:
            assert im.size == (1000, 900)
            darkest, lightest = im.convert("L").getextrema()
            assert lightest - darkest > 100  # text on paper, not a blank page


def test_the_json_ld_data_block_raises_no_csp_report(site: tuple[str, Any], page: Any) -> None:
    base, _ = site
    page.goto(f"{base}/browse/month/2019-04")
    page.click("ol.entries h3 a")
    found = page.evaluate(
        "JSON.parse(document.querySelector('head script[type=\"application/ld+json\"]').textContent)"
    )
    assert found["@type"] == "NewsArticle" and found["datePublished"] == "2019-04"
    assert found["mainEntityOfPage"] == page.url
    assert not [m for m in page.messages if "Content Security Policy" in m]
