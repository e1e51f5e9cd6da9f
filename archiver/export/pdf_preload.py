"""A renderer loaded early: a fork of the export's process, made before it reads the edition, that loads
WeasyPrint meanwhile and then renders the few documents a warm export lacks, side by side.

After one article of an archive changed, a PDF export renders two documents again (the article's
body chunk and colophon chunk). Loading WeasyPrint for them costs about 1.4 s of CPU, which the
export's process used to pay after reading the edition, on the critical path. The preloader is
forked at the start of the export, when the process holds little (so its forks are small too),
loads WeasyPrint, the fonts and the stylesheet on the other core while the export reads the edition
and plans its parts, and waits. Of the documents it is given, it renders the longest itself and
each other in a fork of it (they start at once, with everything loaded), side by side; the
export's process never loads WeasyPrint.

It starts only when it is likely to serve (`wanted`): local work on two cores or more, with a
render cache that already holds PDF parts (a cold export renders everything in workers), and not
for an edition exported before with the same articles and options (pdf.prepare: a warm export).
Unused, it costs its CPU on the other core and is ended with the export. A document it fails to
render is rendered again by the caller, where a failure is reported.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from archiver.export import pdf_fonts_folder
from archiver.export.cache import Context

LEAVE = 0.2  # seconds an idle preloader takes to leave when asked (its font folder removed)
STOP = 5  # seconds a stopped one may take before it is killed
Call = tuple[bytes, str, str]  # a document to render: html, css, notes (pdf_render.render_part)


def wanted(context: Context) -> bool:
    """Whether an export in `context` likely renders a few documents again: worth a preloader."""
    from archiver.executor import workers

    cache = context.cache
    if cache is None or context.executor != "local" or workers(context.jobs) < 2:
        return False
    return hasattr(os, "fork") and (cache.root / "pdf").is_dir()


def start(context: Context, css: str, lang: str = "en") -> None:
    """Start a preloader for the export of `context` when `wanted` (see `take`); `css` is the stylesheet
    its documents will likely use, parsed ahead, and `lang` the language its warm-up text is set in.

    One an export started but never took (it stopped before rendering) leaves when its connection is
    dropped with the context."""
    if "pdf" not in context.prepared and wanted(context):
        context.prepared["pdf"] = Preloader(css, lang)


def take(context: Context) -> Preloader | None:
    """The preloader started for `context`, now the caller's to close; None when none was started."""
    found: Preloader | None = context.prepared.pop("pdf", None)
    return found


class Preloader:
    """A fork of this process that loads WeasyPrint and renders documents on request, the longest of a
    batch itself and each other in a fork of its own."""

    def __init__(self, css: str, lang: str) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, os.getpid(), css, lang), daemon=True)
        self.process.start()
        theirs.close()

    def render(
        self, calls: Sequence[Call], folder: Path, meanwhile: Callable[[], None] = lambda: None
    ) -> list[bytes | None]:
        """Each call rendered side by side (the first, the longest, in the preloader, the others in forks of
        it), this process doing `meanwhile()` as they render; None where one failed."""
        outs = [str(folder / f"preloaded-{i}.pdf") for i in range(len(calls))]
        try:
            self.connection.send([(*call, out) for call, out in zip(calls, outs, strict=True)])
        except (OSError, EOFError):  # the preloader died (out of memory?): the caller renders
            return [None] * len(calls)
        meanwhile()
        try:
            done: list[bool] = self.connection.recv()
        except (OSError, EOFError):  # the preloader died (out of memory?): the caller renders
            return [None] * len(calls)
        found: list[bytes | None] = []
        for ok, out in zip(done, outs, strict=True):
            path = Path(out)
            found.append(path.read_bytes() if ok and path.exists() else None)
            path.unlink(missing_ok=True)
        return found

    def close(self) -> None:
        """End the preloader without waiting for its work: asked to leave, and stopped (SIGTERM, which it
        answers by leaving as well, its font folder removed) if still busy warming up or rendering."""
        with contextlib.suppress(OSError):
            self.connection.send(None)
        self.connection.close()
        self.process.join(timeout=LEAVE)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=STOP)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _serve(connection: Any, parent: int, css: str, lang: str) -> None:
    """The preloader: set up as a render worker, load and warm WeasyPrint, then serve batches."""
    from archiver.executor import _worker_setup

    _worker_setup(parent)
    signal.signal(signal.SIGTERM, _leave)
    _warm(css, lang)
    while True:
        try:
            batch = connection.recv()
        except (EOFError, OSError):
            batch = None
        if batch is None:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # leaving already: the folder goes in peace
            return
        connection.send(_batch(batch))


def _leave(signum: int, frame: Any) -> None:
    """SIGTERM in the preloader: remove its font folder and leave now.

    Not by raising SystemExit: a handler's exception is lost when the signal lands in a callback
    whose errors Python prints and ignores (a C library's callback, a fork handler), and the
    preloader went on warming up until it was killed, its folder left behind (CI, under load).
    """
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    pdf_fonts_folder.release()
    os._exit(0)


def _warm(css: str, lang: str) -> None:
    """Load what every render needs: WeasyPrint, the font configuration, the stylesheet, the fonts."""
    from archiver.export import xhtml
    from archiver.export.pdf_parts import part_html
    from archiver.export.pdf_render import render_html

    paragraph = xhtml.el(None, "p", "Warming up the fonts: 1234567890.")
    render_html(part_html(lang, "warm", "grouped", [paragraph]), css)


def _batch(batch: list[tuple[bytes, str, str, str]]) -> list[bool]:
    """Render each (html, css, notes, out): the first (the longest) here, each other in a fork of this
    process, side by side (one process fewer holding WeasyPrint); whether each file was written."""
    from archiver.executor import _worker_setup
    from archiver.export import pdf_render

    shared, stylesheets, me = list(pdf_render._SHARED), dict(pdf_render._STYLESHEETS), os.getpid()
    folders = [fonts._folder for _, fonts in shared]  # the fonts already copied there, by face
    children = []
    for call in batch[1:]:
        pid = os.fork()
        if pid == 0:  # the fork: this process's fonts and their folder (it outlives the fork), render, leave
            code = 1
            try:
                _worker_setup(me)
                pdf_render._SHARED[:] = shared
                pdf_render._STYLESHEETS.update(stylesheets)
                for (_, fonts), folder in zip(shared, folders, strict=True):
                    fonts._folder = folder  # else WeasyPrint copies every face again, to a folder it leaves
                code = 0 if _render_into(*call) else 1
            finally:
                os._exit(code)
        children.append(pid)
    done = [_render_into(*batch[0])] if batch else []
    for pid in children:
        _, status = os.waitpid(pid, 0)
        done.append(os.waitstatus_to_exitcode(status) == 0)
    return done


def _render_into(html: bytes, css: str, notes: str, out: str) -> bool:
    """Render into the file `out` (written whole, then renamed); whether it was written."""
    from archiver.export.pdf_render import render_part

    try:
        data = render_part(html, css, notes)
    except Exception:  # reported where the caller renders it again
        return False
    temporary = Path(f"{out}.tmp")
    temporary.write_bytes(data)
    temporary.rename(out)
    return True
