"""Starting the server: check the settings, say where it listens, hand the app to uvicorn."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

from archiver.errors import UsageError
from archiver.serve.settings import UPLOAD_LIMIT, Settings

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


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


def serve(settings: Settings, host: str, port: int, say: Callable[[str], object] = print) -> None:
    """Run the server until Ctrl-C."""
    import uvicorn

    from archiver.serve.app import create_app

    check_free(host, port)
    app = create_app(settings)
    for note in app.state.library.notes:  # what opening mended (a rebuilt catalog)
        say(note)
    shown = f"[{host}]" if ":" in host else host
    say(f"reading room: http://{shown}:{port}/  (OPDS: http://{shown}:{port}/opds); Ctrl-C stops it")
    if host not in LOOPBACK:
        say(f"note: listening on {host}, not only this machine: anyone who reaches it can read the archive")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, proxy_headers=False)
