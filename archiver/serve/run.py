"""Starting the server: check the settings, say where it listens, hand the app to uvicorn."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archiver.errors import UsageError
from archiver.serve.settings import UPLOAD_LIMIT, Settings, settings_to_environment

LOOPBACK = {"127.0.0.1", "::1", "localhost"}
WILDCARD = {"0.0.0.0", "::", ""}  # every interface: the printed address is not one to visit
MAX_DEFAULT_WORKERS = 4  # past this, a small archive server gains little and each worker holds its own caches
FACTORY = "archiver.serve.app:from_environment"  # what each of several workers imports and calls


def token_of(token: str | None, token_file: Path | None) -> str | None:
    """The upload token, given as text or as the first line of a file."""
    if token and token_file:
        raise UsageError("give --token or --token-file, not both")
    if token_file is not None:
        try:
            token = (
                token_file.read_text(encoding="utf-8").splitlines()[0].strip()
                if token_file.stat().st_size
                else ""
            )
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{token_file}: cannot read the token: {exc}") from None
        if not token:
            raise UsageError(f"{token_file}: the token file is empty")
    if token is not None and len(token) < 16:
        raise UsageError("the token must be at least 16 characters")
    return token


def settings_of(
    root: Path, allow_upload: bool, token: str | None, upload_limit: int = UPLOAD_LIMIT
) -> Settings:
    """Checked settings: uploads need a token."""
    if allow_upload and not token:
        raise UsageError("--allow-upload needs --token or --token-file")
    if token and not allow_upload:  # the token guards uploads only: given alone, it guards nothing
        raise UsageError("--token and --token-file are for --allow-upload (the only way to write)")
    return Settings(
        root=root,
        allow_upload=allow_upload,
        token=token,
        upload_limit=upload_limit,
        title=_title(root),
    )


def _title(root: Path) -> str:
    """The reading room's name: "Archive", or "Archive NAME" for a folder not called archive."""
    name = root.resolve().name
    return "Archive" if name.lower() in ("archive", "") else f"Archive {name}"


def check_free(host: str, port: int) -> None:
    """Refuse at once, in one line, an address that cannot be listened on (a port in use, an unknown host)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise UsageError(
            f"cannot listen on {host}:{port}: {reason} (choose another --host or --port)"
        ) from None


def lan_address() -> str | None:
    """The address other machines reach this one at (of the route out), or None when there is none.

    Connecting a UDP socket sends nothing: it only asks the system which address it would use.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def default_workers() -> int:
    """Worker processes when not told: one per CPU this process may use, at most MAX_DEFAULT_WORKERS."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_DEFAULT_WORKERS))


def serve(
    settings: Settings,
    host: str,
    port: int,
    say: Callable[[str], object] = print,
    workers: int = 1,
) -> None:
    """Run the server until Ctrl-C: in this process, or in `workers` processes sharing the port."""
    import uvicorn

    from archiver.serve.app import create_app
    from archiver.serve.library import Library

    if workers < 1:
        raise UsageError(f"--workers {workers}: give at least 1")
    check_free(host, port)
    # the archive is checked (and, when damaged, mended) here, once, before any worker opens it
    app = create_app(settings) if workers == 1 else None
    notes = app.state.library.notes if app else Library(settings.root).notes
    for note in notes:  # what opening mended (a rebuilt catalog)
        say(note)
    shown = f"[{host}]" if ":" in host else host
    processes = f"; {workers} worker processes" if workers > 1 else ""
    url = f"http://{shown}:{port}"
    say(f"reading room: {url}/  (OPDS: {url}/opds){processes}; Ctrl-C stops it")
    if host not in LOOPBACK:
        say(f"note: listening on {host}, not only this machine: anyone who reaches it can read the archive")
    if host in WILDCARD and (address := lan_address()):
        say(f"on this network: http://{address}:{port}/")
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning",
        "server_header": False,
        "proxy_headers": False,
    }
    if app is not None:
        uvicorn.run(app, **options)
        return
    os.environ.update(settings_to_environment(settings))  # the workers are new interpreters: no pickles
    uvicorn.run(FACTORY, factory=True, workers=workers, **options)
