"""The render cache: what articles render to (XHTML, PDF parts), kept under a key of all it depends on."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from archiver import RULES_VERSION, __version__
from archiver.store.files import read_all, write_atomic

# Bump the last number whenever rendering or assembly changes without a change of version or
# stylesheet (2: contents numbers stamped, /Lang per article, PostScript font names; 3: marks in a
# slug drawn at assembly, PDF/X-4; 4: measure per paper, flow, colophon lines, page-list notes;
# 6: plain Span structure elements folded into their parents, pdf_tags; 7: the PDF's authors,
# keywords and dates stamped at assembly, contents links to their entries' places; 8: Spanish,
# Italian and Portuguese words and quotation marks).
RENDER_VERSION = f"{__version__}/{RULES_VERSION}/8"
StageProgress = Callable[[str, int, int], None]  # (stage, done, total)
FOLDER = "cache"  # inside the archive folder: derived data, safe to delete at any time


def key(*parts: str | bytes) -> str:
    """A SHA-256 hex key of the parts, each length-prefixed so that ("ab", "c") != ("a", "bc")."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(f"{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


# The libraries whose version can change what an export's bytes are.
RENDERERS = ("weasyprint", "pydyf", "pikepdf", "ebooklib", "lxml", "pillow", "fonttools", "babel")
COVER_FONTS = ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf")


def package_files(package: str, folder: str = "", keep: Callable[[str], bool] | None = None) -> list[str]:
    """Name and SHA-256 of each file in a package folder (those whose name `keep` takes), in name
    order (for cache keys)."""
    found = resources.files(package).joinpath(folder) if folder else resources.files(package)
    parts: list[str] = []
    for item in sorted(found.iterdir(), key=lambda p: p.name):
        if item.is_file() and (keep is None or keep(item.name)):
            parts += [item.name, hashlib.sha256(item.read_bytes()).hexdigest()]
    return parts


@cache
def styles_digest() -> str:
    """One hash of everything beside the article a rendering depends on.

    The packaged stylesheets, the rendering version, the versions of the rendering libraries,
    and each font file's name, size and modification time: a style change, an upgrade of
    WeasyPrint or of the Noto fonts misses the cache instead of mixing old and new renderings.
    """
    from archiver.export.fonts import FontMissing, declared_fonts, font_path

    parts = [RENDER_VERSION, *package_files("archiver.styles")]
    found = versions(RENDERERS)
    for name in RENDERERS:
        parts += [name, found[name]]
    for font in (*declared_fonts(), *COVER_FONTS):
        try:
            info = font_path(font).stat()
            parts += [font, f"{info.st_size}:{info.st_mtime_ns}"]
        except (FontMissing, OSError):
            parts += [font, "-"]
    return key(*parts)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # PEP 503


def versions(names: tuple[str, ...]) -> dict[str, str]:
    """Each installed distribution's version ("-" when not installed), as importlib.metadata gives it.

    Read from the names of the `<name>-<version>.dist-info` folders on sys.path, first found
    first, as importlib.metadata searches (one listing a folder instead of its search and parse
    for each name: a tenth of a second of every export); importlib.metadata for the others.
    """
    wanted = {_normal(n): n for n in names}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            entries = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in entries:
            if entry.endswith(".dist-info"):
                dist, _, version = entry[: -len(".dist-info")].partition("-")
                name = wanted.get(_normal(dist))
                if name is not None and version and name not in found:
                    found[name] = version
    for name in names:
        if name not in found:
            found[name] = _metadata_version(name)
    return found


def _metadata_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def read_file(path: str) -> bytes:
    """A file's bytes (a one-change export reads thousands of small cache files: see read_all)."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        return read_all(fd, os.fstat(fd).st_size)
    finally:
        os.close(fd)


@dataclass
class RenderCache:
    """Files under `root/<kind>/<key[:2]>/<key>`; a miss is made, written atomically, and counted.

    `digests` maps an archive id to the SHA-256 of its canonical XML as read from the archive:
    a document without a digest is never cached (its content could not be vouched for).
    """

    root: Path
    digests: dict[str, str] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0

    def path(self, kind: str, name: str) -> Path:
        return Path(self._file(kind, name))

    def _file(self, kind: str, name: str) -> str:
        """The file's path as a string (pathlib's joins cost more than the read, thousands a run)."""
        return f"{self.root}/{kind}/{name[:2]}/{name}"

    def get(self, kind: str, name: str) -> bytes | None:
        """The kept bytes (a hit), or None when absent or damaged (each file carries its own SHA-256)."""
        data = self._read(kind, name)
        if data is not None:
            self.hits += 1
        return data

    def _read(self, kind: str, name: str) -> bytes | None:
        try:
            stored = read_file(self._file(kind, name))
        except OSError:
            return None
        digest, _, data = stored.partition(b"\n")
        return data if hashlib.sha256(data).hexdigest().encode() == digest else None

    def recorded(self, kind: str, name: str) -> bytes | None:
        """Bytes kept beside the renderings (a parsed document's record), read without counting a hit."""
        return self._read(kind, name)

    def passed(self, kind: str, name: str) -> bool:
        """Whether a check recorded with `record_pass` passed (records are not renderings: no hit)."""
        return self._read(kind, name) is not None

    def record_pass(self, kind: str, name: str) -> None:
        """Remember that the check `name` of `kind` passed, so that it need not run again."""
        self.put(kind, name, b"")

    def checked(self, kind: str, name: str, make: Callable[[], bytes]) -> bytes:
        """A check's result, worked out once (`make()`) and then read back; not counted as a rendering."""
        found = self._read(kind, name)
        if found is None:
            found = make()
            self.put(kind, name, found)
        return found

    def put(self, kind: str, name: str, data: bytes) -> None:
        """Keep `data`; a cache that cannot be written (full disk, read-only) only costs time."""
        stored = hashlib.sha256(data).hexdigest().encode() + b"\n" + data
        with contextlib.suppress(OSError):
            write_atomic(self.path(kind, name), stored, durable=False)

    def fetch(self, kind: str, name: str, make: Callable[[], bytes]) -> bytes:
        """The cached bytes, or `make()`'s, kept for next time."""
        found = self.get(kind, name)
        if found is not None:
            return found
        self.misses += 1
        data = make()
        self.put(kind, name, data)
        return data

    def article_key(self, archive_id: str, *extra: str) -> str | None:
        """The key of one article's rendering with `extra` (format, options), or None if uncacheable."""
        digest = self.digests.get(archive_id)
        return None if digest is None else key(styles_digest(), digest, *extra)


@dataclass(frozen=True)
class Context:
    """How an export runs: the render cache (None: render everything) and the worker count."""

    cache: RenderCache | None = None
    jobs: int = 1  # processes for work that splits (PDF parts); 0 = one per core
    executor: str = "local"  # a name in archiver.executor.RUNNERS
    scheduler: str | None = None  # the Dask scheduler address, for executor "dask"
    on_stage: StageProgress | None = None  # told (stage, done, total) as long work advances
    # What a format leaves for another of the same run, by edition identifier: a PDF's page starts
    # (export.page_list.PrintedPages), which the EPUB of the same edition marks as print pages.
    printed: dict[str, Any] = field(default_factory=dict)
    # An article's canonical XML as archived, by archive id (read again when needed, never held):
    # a PDF attaches these bytes when their checksum is the one the cache vouched for at loading.
    xml: Callable[[str], bytes] | None = None
    # What a format started before the articles were read (`Exporter.prepare`), by format name: the
    # PDF's preloader (export.pdf_preload), taken by its render.
    prepared: dict[str, Any] = field(default_factory=dict)

    def stage(self, name: str, done: int, total: int) -> None:
        """Report progress of one stage ("typeset", "render", "assemble"), if anyone listens."""
        if self.on_stage is not None:
            self.on_stage(name, done, total)


def usage(root: Path) -> tuple[int, int]:
    """(files, bytes) the cache at `root` holds."""
    files = [p for p in root.rglob("*") if p.is_file()] if root.is_dir() else []
    return len(files), sum(p.stat().st_size for p in files)


def clear(root: Path) -> tuple[int, int]:
    """Delete the cache at `root`; returns what it held. Exports rebuild whatever they need.

    An OSError says what could not be deleted (then the cache may be partly gone, which is fine).
    """
    held = usage(root)
    if root.is_symlink() or root.is_file():
        root.unlink()  # not a folder: nothing could be cached in it, and it is in the way
    elif root.exists():
        shutil.rmtree(root)
    return held
