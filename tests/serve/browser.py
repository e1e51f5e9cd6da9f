"""A live reading room for a real browser: uvicorn in a thread, Debian's chromium through Playwright.

`python -m tests.serve.browser ARCHIVE OUT_DIR` writes the docs' screenshots (home, search, article).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from archiver.serve import Settings, create_app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def live_server(settings: Settings) -> Iterator[str]:
    """The app on a free loopback port for the duration; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    if CHROMIUM is None:
        raise RuntimeError("chromium is not installed: bash scripts/system-deps.sh (make setup does it)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--disable-gpu", "--no-first-run"])
        try:
            yield browser
        finally:
            browser.close()


def screenshots(base: str, browser: Any, out: Path) -> list[Path]:
    """Home, a search and the seed article, as a 1000-pixel-wide window shows them."""
    page = browser.new_page(viewport={"width": 1000, "height": 900}, device_scale_factor=1)
    shots = []
    for name, url in (
        ("reading-room-home", "/"),
        ("reading-room-search", "/search?q=ferry+OR+trein"),
        ("reading-room-article", None),
    ):
        if url is None:
            page.goto(f"{base}/browse/month/2019-04")
            page.click("ol.entries h3 a")
        else:
            page.goto(base + url)
        path = out / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        shots.append(path)
    page.close()
    return shots


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("archive", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with live_server(Settings(root=args.archive, title="Archive")) as base, chromium() as browser:
        for path in screenshots(base, browser, args.out):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
