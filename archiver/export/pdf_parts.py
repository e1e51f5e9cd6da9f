"""The PDF edition's parts as separate WeasyPrint documents: their HTML and CSS, rendered in workers, cached.

A chunk is rendered without folios (they are stamped at assembly, see pdf_folio) and always
starts on a right page, after a blank verso the assembler keeps only where the chunk would
otherwise start on a left page (mirrored margins and running heads make the side matter). So a
chunk's bytes depend on its own HTML and the options alone, and the cache key is exactly those:
a change elsewhere in the edition (another article growing by a page) never re-renders it.
The folios, contents numbers, outline, links and page labels that depend on earlier pages are
redone at assembly, which costs no WeasyPrint layout.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from archiver.executor import Runner
from archiver.export import xhtml
from archiver.export.cache import RENDER_VERSION, Context, key, styles_digest
from archiver.export.pdf_preload import Preloader
from archiver.export.pdf_render import part_crashed, render_part

# Folios are stamped at assembly; chunks leave the folio boxes empty. (CSS given to WeasyPrint
# beside the document's own print.css is a user stylesheet: it wins over print.css only with
# !important.)
PER_WORKER = 24  # chunks a worker renders in one batch (each about 300 KB of PDF in the parent)
VERSO = "archiver-verso"  # the blank left page every body part starts with
HERE = 2  # documents to render that this process renders itself when no workers run yet: a worker
# costs about 1.4 s of CPU to load WeasyPrint, so a one-article edition renders faster without them
# Below this resident size, render workers are forked from this process (they start at once, with
# its modules loaded); above it, fresh ones start (about 2 s of CPU each, but they hold only what
# they load): an edition of 1,000 articles stays below it, one of 5,000 goes above.
FORK_BELOW = 160 << 20
PRELOADED = 8  # documents to render that go to the preloader, when one runs and no workers run yet
NO_FOLIOS = (
    " @page :left { @bottom-left { content: none !important; } }"
    " @page :right { @bottom-right { content: none !important; } }"
)


def css_string(text: str) -> str:
    """`text` as a CSS string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def part_css(base: str, title: str, side: str | None = None) -> str:
    """The CSS of a body part: the options' CSS, how it starts, the edition title in left heads.

    Without a `side`, the part starts with a blank left page (class VERSO, no heads) and then
    its content from a right page on: the assembler keeps the verso where the part would start
    on a left page and drops it otherwise, so the part's pages never depend on where it lands.
    With a side ("left" or "right") it starts on that side, no verso. The title is given as a
    literal because the cover, which sets string(edition-title) in a one-document edition, is
    not in this document.
    """
    css = f"{base}{NO_FOLIOS} @page :left {{ @top-left {{ content: {css_string(title)} !important; }} }}"
    if side is not None:
        return f"{css} html {{ break-before: {side}; }}"
    return (
        f"{css} html {{ break-before: left; }}"
        f" div.{VERSO} {{ page: {VERSO}; }} div.{VERSO} + * {{ break-before: right !important; }}"
        f" @page {VERSO}:left {{ @top-left {{ content: none !important; }} }}"
    )


def part_html(lang: str, title: str, body_class: str, elements: Iterable[Any], verso: bool = True) -> bytes:
    """A minimal HTML document around some of the edition's printed elements, after a blank verso."""
    root = xhtml.el(None, "html", lang=lang)
    head = xhtml.el(root, "head")
    xhtml.el(head, "meta", charset="utf-8")
    xhtml.el(head, "title", title)
    xhtml.el(head, "link", rel="stylesheet", href="archiver:styles/print.css")
    body = xhtml.el(root, "body", cls=body_class)
    if verso:
        xhtml.el(body, "div", cls=VERSO)
    for element in elements:
        body.append(element)
    out: bytes = etree.tostring(root, method="html", encoding="utf-8", doctype="<!DOCTYPE html>")
    return out


@dataclass(frozen=True)
class Job:
    """One document to render: its HTML and CSS, and what it notes for the assembler (pdf_render.NOTES)."""

    html: bytes
    css: str
    notes: str = "starts"

    @property
    def name(self) -> str:
        kind = () if self.notes == "starts" else ("notes", self.notes)
        return key("pdf-part", RENDER_VERSION, styles_digest(), self.html, self.css, *kind)


class Rendered:
    """Rendered parts as files (in the render cache, or a temporary folder without one)."""

    def __init__(self, context: Context, preloader: Preloader | None = None) -> None:
        self.context = context
        self.scratch = tempfile.TemporaryDirectory(prefix="archiver-pdf-")
        self.runner: Runner[bytes] | None = None  # one set of workers for every batch of the edition
        self.preloader = preloader  # WeasyPrint loaded early in a fork (pdf_preload): renders a few
        self.meanwhile: list[Callable[[], None]] = []  # work to do while the preloader renders, once

    def _while_rendering(self) -> None:
        while self.meanwhile:
            self.meanwhile.pop(0)()

    def stop_workers(self) -> None:
        """End the workers (they hold their memory until then); a later batch starts new ones."""
        if self.runner is not None:
            self.runner.close()
            self.runner = None

    def stop_preloader(self) -> None:
        """End the preloader (its forks no longer needed, or workers take over)."""
        if self.preloader is not None:
            self.preloader.close()
            self.preloader = None

    def close(self) -> None:
        self.stop_workers()
        self.stop_preloader()
        self.scratch.cleanup()

    def found(self, job: Job) -> Path | None:
        """The part's file: rendered in this run, or copied out of the cache (checksum verified);
        None when it is neither (nothing is rendered here)."""
        scratch = Path(self.scratch.name) / job.name
        if scratch.exists():
            return scratch
        cache = self.context.cache
        data = cache.get("pdf", job.name) if cache is not None else None
        if data is None:
            return None
        scratch.write_bytes(data)
        return scratch

    def _keep(self, job: Job, data: bytes) -> Path:
        cache = self.context.cache
        if cache is not None:
            cache.misses += 1
            cache.put("pdf", job.name, data)
        path = Path(self.scratch.name) / job.name
        path.write_bytes(data)
        return path

    def one(self, job: Job, render: Callable[[bytes, str], bytes] | None = None) -> Path:
        """The job's file: found, or rendered in this process (by `render(html, css)` if given) and kept."""
        if render is None:
            return self.found(job) or self._keep(job, render_part(job.html, job.css, job.notes))
        return self.found(job) or self._keep(job, render(job.html, job.css))

    def files(self, jobs: Sequence[Job]) -> list[Path]:
        """One file per job, in order: found in the cache or rendered, a few at a time.

        Results are written out batch by batch, so the parent never holds more than a
        batch of PDFs in memory however long the edition. A batch is PER_WORKER chunks a
        worker: at its end the workers wait for its slowest chunk, so few ends are cheaper, and
        the longest documents go first (the last to start are short, so no worker waits long).
        """
        from archiver.executor import runner, workers

        found: dict[str, Path] = {}
        for job in jobs:
            path = found.get(job.name) or self.found(job)
            if path is not None:
                found[job.name] = path
        missing = list({job.name: job for job in jobs if job.name not in found}.values())
        missing.sort(key=lambda job: len(job.html), reverse=True)  # the order of the results is by name
        ctx = self.context
        if missing and len(missing) <= PRELOADED and self.runner is None and self.preloader is not None:
            found.update(self._preloaded(missing))
        elif missing and len(missing) <= HERE and self.runner is None and ctx.executor == "local":
            found.update(self._here(missing))
            ctx.stage("render", len(missing), len(missing))
        elif missing:
            self.stop_preloader()  # workers render from here on
            if self.runner is None:
                fresh = holds_much()  # else forks: they start at once, and share what little this holds
                self.runner = runner(render_part, part_crashed, ctx.jobs, ctx.executor, ctx.scheduler, fresh)
            done = 0
            for batch in _batches(missing, PER_WORKER * workers(ctx.jobs)):
                results = self.runner.map([(job.html, job.css, job.notes) for job in batch])
                for job, data in zip(batch, results, strict=True):
                    found[job.name] = self._keep(job, data)
                done += len(batch)
                ctx.stage("render", done, len(missing))
        return [found[job.name] for job in jobs]

    def _preloaded(self, missing: Sequence[Job]) -> dict[str, Path]:
        """The few `missing` documents (longest first) rendered by the preloader, as many side by side
        as there are workers; one it failed to render is rendered here, where a failure is reported."""
        from archiver.executor import workers

        assert self.preloader is not None
        done: dict[str, Path] = {}
        for batch in _batches(missing, workers(self.context.jobs)):
            calls = [(job.html, job.css, job.notes) for job in batch]
            results = self.preloader.render(calls, Path(self.scratch.name), self._while_rendering)
            for job, data in zip(batch, results, strict=True):
                if data is None:
                    data = render_part(job.html, job.css, job.notes)
                done[job.name] = self._keep(job, data)
            self.context.stage("render", len(done), len(missing))
        return done

    def _here(self, missing: Sequence[Job]) -> dict[str, Path]:
        """The few `missing` documents (longest first) rendered without workers: with more than one and
        more than one worker allowed, the longest in a fork of this process beside the others here.

        This process loads WeasyPrint first, so that the fork starts with it (a fresh worker would
        load it again, about 1.4 s of CPU): the CPU is that of rendering them all here, the wall
        time that of the longest (one changed article's body chunk beside its colophon chunk). Not
        when this process holds much (FORK_BELOW): then all render here, one after the other.
        """
        from archiver.executor import workers

        longest, rest = missing[0], missing[1:]
        if not rest or workers(self.context.jobs) < 2 or holds_much():  # a fork counts all this holds
            return {job.name: self.one(job) for job in missing}
        import weasyprint  # noqa: F401  (loaded before the fork, which shares it)

        out = Path(self.scratch.name) / f"{longest.name}.forked"
        fork = _fork(longest, out)
        try:
            done = {job.name: self.one(job) for job in rest}
        except BaseException:  # a failure here or Ctrl-C: the fork's work is no longer wanted
            fork.kill()
            raise
        finally:
            fork.join()
        data = out.read_bytes() if fork.exitcode == 0 and out.exists() else None
        out.unlink(missing_ok=True)
        if data is None:  # the fork died (out of memory?): once more here, where a failure is reported
            data = render_part(longest.html, longest.css, longest.notes)
        done[longest.name] = self._keep(longest, data)
        return done


def _fork(job: Job, out: Path) -> Any:
    """A started fork of this process that renders `job` into the file `out` (written whole, then renamed)."""
    import multiprocessing

    process = multiprocessing.get_context("fork").Process(
        target=_render_into, args=(job.html, job.css, job.notes, str(out), os.getpid()), daemon=True
    )
    process.start()
    return process


def _render_into(html: bytes, css: str, notes: str, out: str, parent: int) -> None:
    """In the fork: set up as a render worker (executor), render, write the file under its name at once."""
    from archiver.executor import _worker_setup

    _worker_setup(parent)
    temporary = Path(f"{out}.tmp")
    temporary.write_bytes(render_part(html, css, notes))
    temporary.rename(out)


def holds_much(limit: int | None = None) -> bool:
    """Whether this process is resident in more than `limit` bytes (FORK_BELOW), or cannot tell: then
    render workers start fresh (see executor.Local), since a fork's resident size counts all of it again."""
    limit = FORK_BELOW if limit is None else limit
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return True
    return pages * os.sysconf("SC_PAGE_SIZE") > limit


def _batches(items: Sequence[Job], size: int) -> Iterator[Sequence[Job]]:
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]
