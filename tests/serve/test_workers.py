"""`archiver serve --workers 2`: a real server of two processes on loopback, both answering, same safety."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from scripts.load import free_port
from tests.serve.test_pages import SEED_ID


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory, archive_root: Path) -> Iterator[tuple[str, int]]:
    """`archiver serve --workers 2` on a copy of the samples' archive: (base URL, the main process id)."""
    root = tmp_path_factory.mktemp("workers") / "arc"
    shutil.copytree(archive_root, root)
    port = free_port()
    cmd = [sys.executable, "-m", "archiver", "--archive", str(root), "serve", "--workers", "2"]
    proc = subprocess.Popen([*cmd, "--port", str(port)], stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if _get(f"{base}/")[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            assert time.monotonic() < deadline, "the two workers did not start"
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_two_worker_processes_share_the_port_and_both_answer(two_workers: tuple[str, int]) -> None:
    base, pid = two_workers
    workers = [c for c in _children(pid) if "spawn" in Path(f"/proc/{c}/cmdline").read_text()]
    assert len(workers) == 2, _children(pid)
    before = {w: _cpu_ticks(w) for w in workers}
    urls = [f"{base}/article/{SEED_ID}", f"{base}/opds/newest", f"{base}/search?q=de", f"{base}/api/articles"]
    with ThreadPoolExecutor(8) as pool:  # each request a new connection: the kernel hands them round
        answers = list(pool.map(lambda url: _get(url)[0], urls * 60))
    assert answers == [200] * len(answers)
    assert all(_cpu_ticks(w) > before[w] for w in workers)  # both took a share
    assert all(Path(f"/proc/{w}").exists() for w in workers)


def test_the_workers_keep_etags_and_safety(two_workers: tuple[str, int]) -> None:
    base, _ = two_workers
    status, headers, body = _get(f"{base}/article/{SEED_ID}")
    assert status == 200 and b"<article" in body
    assert "script-src" not in headers["content-security-policy"]  # default-src 'none': no script
    etags = {_get(f"{base}/article/{SEED_ID}")[1]["etag"] for _ in range(10)}
    assert etags == {headers["etag"]}  # the same ETag from either worker
    assert _get(f"{base}/article/{SEED_ID}", **{"If-None-Match": headers["etag"]})[0] == 304
    status, _, body = _get(f"{base}/article/..%2f..%2fetc%2fpasswd")
    assert status == 404 and b"Traceback" not in body
    assert _get(f"{base}/api/upload")[0] == 405  # uploads are off: only POST is routed, and refused


def test_stopping_the_server_stops_its_workers(two_workers: tuple[str, int]) -> None:
    """Last in this file: SIGTERM (what scripts/load.py sends) ends the server and both workers."""
    _, pid = two_workers
    workers = _children(pid)
    assert workers
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    while any(_alive(p) for p in [pid, *workers]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in [pid, *workers])


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its parent to collect it counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
