"""The PDF edition rendered as several chunks and assembled: structure, navigation, numbers, cache."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from archiver import executor
from archiver.document.model import Document
from archiver.document.xmlio import to_bytes
from archiver.export import ExportError, pdf, pdf_gate
from archiver.export.cache import Context, RenderCache
from archiver.export.edition import gather
from archiver.export.fonts import postscript_names
from archiver.export.frame import frame
from archiver.export.pdf_plan import plan, slices
from archiver.export.typography import typeset
from archiver.ingest import ingest_bytes
from tests.conftest import SOURCES, WHEN
from tests.export.conftest import EPOCH


def _render(docs: list[Document], chunk: int, cache: RenderCache | None = None, jobs: int = 1) -> bytes:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return pdf.render(frame(gather(docs, "month"), Context(cache, jobs)), chunk=chunk)


@pytest.fixture(scope="module")
def chunked(docs: list[Document]) -> bytes:
    """The edition of sources/ in chunks of two articles (five chunks, four seams)."""
    return _render(docs, 2)


def _run(*args: str, data: bytes, tmp_path: Path, stdout: bool = False) -> str:
    path = tmp_path / "edition.pdf"
    path.write_bytes(data)
    command = [*args, str(path)] + (["-"] if stdout else [])
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def test_plan_cuts_before_sections_and_keeps_heads_with_their_article(docs: list[Document]) -> None:
    parts = [p for p in frame(gather(docs, "month")).parts if p.kind in ("section", "article")]
    chunks = plan(parts, 2)
    assert [p for c in chunks for p in c] == parts
    assert all(c[-1].kind == "article" and sum(p.kind == "article" for p in c) <= 2 for c in chunks)
    assert len(chunks) > 2
    assert slices(5, 2) == [(0, 2), (2, 4), (4, 5)]


def test_qpdf_fonts_and_tagged(chunked: bytes, tmp_path: Path) -> None:
    assert "No syntax or stream encoding errors" in _run("qpdf", "--check", data=chunked, tmp_path=tmp_path)
    rows = [line.split() for line in _run("pdffonts", data=chunked, tmp_path=tmp_path).splitlines()[2:]]
    ours = set(postscript_names().values())
    assert rows and all(
        re.match(r"[A-Z]{6}\+", r[0]) and r[0][7:] in ours and r[-5:-2] == ["yes"] * 3 for r in rows
    )
    info = _run("pdfinfo", data=chunked, tmp_path=tmp_path)
    assert re.search(r"Tagged:\s+yes", info)


def _mcids(page: pikepdf.Page) -> set[int]:
    return {
        int(ops[1].MCID)
        for ops, op in pikepdf.parse_content_stream(page)
        if str(op) == "BDC" and isinstance(ops[1], pikepdf.Dictionary) and "/MCID" in ops[1]
    }


def test_one_structure_tree_with_a_parent_tree_that_matches_every_page(chunked: bytes) -> None:
    assert_sound_tree(chunked)


def assert_sound_tree(data: bytes) -> None:
    """One Document element; every page's marked runs and links found through the ParentTree."""
    with pikepdf.open(io.BytesIO(data)) as p:
        root = p.Root.StructTreeRoot
        (document,) = root.K if isinstance(root.K, pikepdf.Array) else [root.K]
        assert document.S == "/Document" and all(k.P.objgen == document.objgen for k in document.K)
        nums = root.ParentTree.Nums
        tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        assert int(root.ParentTreeNextKey) > max(tree)
        pages = {page.objgen for page in p.pages}
        seen: set[int] = set()
        for page in p.pages:
            key = int(page.obj.StructParents)
            assert key not in seen
            seen.add(key)
            for mcid in _mcids(page):  # each marked run belongs to an element on this very page
                element = tree[key][mcid]
                assert element.Pg.objgen == page.objgen and mcid in list(element.K)
            for annot in page.obj.get("/Annots", []):
                link = tree[int(annot.StructParent)]
                assert any(isinstance(k, pikepdf.Dictionary) and k.Obj.objgen == annot.objgen for k in link.K)
        stack = list(document.K)
        while stack:  # every element's page is a page of the document, its kids name it their parent
            element = stack.pop()
            if isinstance(element, pikepdf.Dictionary) and "/S" in element:
                assert "/Pg" not in element or element.Pg.objgen in pages
                kids = list(element.K) if isinstance(element.get("/K"), pikepdf.Array) else []
                assert all(
                    k.P.objgen == element.objgen
                    for k in kids
                    if isinstance(k, pikepdf.Dictionary) and "/S" in k
                )
                stack += kids


def test_outline_attachments_labels_and_pdfa(
    docs: list[Document], chunked: bytes, edition_pdf: bytes
) -> None:
    assert pdf_gate.outline_titles(chunked) == pdf_gate.outline_titles(edition_pdf)
    pdf.check(chunked, gather(docs, "month"))  # every title on the page its entry points to
    with pikepdf.open(io.BytesIO(chunked)) as p:
        meta = p.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "U"
        (intent,) = p.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        assert len(p.Root.AF) == len(docs) and all(f.AFRelationship == "/Source" for f in p.Root.AF)
        kept = {name: f.get_file().read_bytes() for name, f in p.attachments.items()}
        assert kept == {f"{d.meta.archive_id}.xml": to_bytes(d) for d in docs}
        labels = [page.label for page in p.pages]
        assert labels[0] == "Cover" and labels[1:] == [str(n) for n in range(2, len(labels) + 1)]


def _folio(data: bytes, page: int, tmp_path: Path) -> str:
    """The lowest word on a page, where the folio is."""
    xml = _run(
        "pdftotext", "-bbox", "-f", str(page), "-l", str(page), data=data, tmp_path=tmp_path, stdout=True
    )
    words = re.findall(r'yMin="([\d.]+)"[^>]*>([^<]*)</word>', xml)
    return max(words, key=lambda w: float(w[0]))[1] if words else ""


def _article_pages(data: bytes) -> list[int]:
    with pikepdf.open(io.BytesIO(data)) as p:
        return [page + 1 for depth, _, page in pdf_gate._outline(p) if depth == 2]


def test_folios_continue_across_seams_and_contents_numbers_are_real(chunked: bytes, tmp_path: Path) -> None:
    with pikepdf.open(io.BytesIO(chunked)) as p:
        count = len(p.pages)
        blank = [i + 1 for i, page in enumerate(p.pages) if not _mcids(page)]
    for number in range(2, count + 1):
        if number not in blank:
            assert _folio(chunked, number, tmp_path) == str(number)
    assert all(number % 2 == 0 for number in blank)  # only versos before a chunk's recto start
    contents = _run(
        "pdftotext", "-layout", "-f", "2", "-l", "2", data=chunked, tmp_path=tmp_path, stdout=True
    )
    numbers = [int(n) for n in re.findall(r"\.\s*(\d+)\s*$", contents, re.M)]
    assert numbers == _article_pages(chunked)


def test_one_chunk_and_many_chunks_give_the_same_text(
    docs: list[Document], chunked: bytes, edition_pdf: bytes
) -> None:
    titles = {"Archive, 1987–2023"} | {typeset(d.meta.title.text, d.meta.language.text) for d in docs}
    heads = {"".join(t.split()) for t in titles}  # as pdftotext sets them: narrow spaces may go

    def squash(data: bytes) -> str:  # running heads move with the pages a seam adds
        lines = [line for line in pdf_gate.pdf_text(data).splitlines() if "".join(line.split()) not in heads]
        text = re.sub(r"\d+|\.{2,}", "", "\n".join(lines))  # folios, contents numbers, leaders
        return "".join(text.split())

    assert squash(chunked) == squash(edition_pdf)


def _changed(doc: Document) -> Document:
    """The same article with one more sentence (a new source file: a new id, the same place)."""
    raw = (SOURCES / doc.provenance.file_name).read_bytes()
    return ingest_bytes(raw + b"\n\nOne more closing sentence.\n", doc.provenance.file_name, WHEN).document


def test_cache_warm_is_identical_and_a_change_renders_only_its_chunk(
    docs: list[Document], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[int] = []  # the gate's text readings (pdftotext runs), one per part it reads
    pdf_text = pdf_gate.pdf_text
    monkeypatch.setattr(pdf_gate, "pdf_text", lambda data: read.append(1) or pdf_text(data))
    made: list[int] = []  # sets of workers started
    runner = executor.runner
    monkeypatch.setattr(executor, "runner", lambda *args: made.append(1) or runner(*args))
    some = [d for d in docs if d.meta.language.text == "en"][:4]
    cache = RenderCache(tmp_path / "cache")
    cold = _render(some, 1, cache, jobs=2)
    parts = cache.misses
    assert parts == 9  # four articles, the colophon, the cover, the contents, the two numbers' samples
    assert len(read) == 4  # the gate read each article's chunk, not the assembled edition
    assert len(made) == 1  # one set of workers for the cover, the body, the contents and the colophon
    warm = _render(some, 1, cache)
    assert hashlib.sha256(warm).digest() == hashlib.sha256(cold).digest() and cache.misses == parts
    assert len(read) == 4  # parts that passed pass again without reading
    changed = [_changed(d) if i == 1 else d for i, d in enumerate(some)]
    again = _render(changed, 1, cache)
    # its chunk and the colophon that names it; the contents chunk that lists it (its link goes
    # to its place, pointed at the new id at assembly; its number is stamped), the cover, the
    # samples and the three other articles' chunks come from the cache
    assert cache.misses == parts + 2
    assert len(read) == 5  # the changed chunk's title page only
    assert again == _render(changed, 1)


def test_the_gate_reads_parts_and_checks_the_assembly(
    docs: list[Document], chunked: bytes, tmp_path: Path
) -> None:
    edition = gather(docs, "month")
    pdf_gate.check_assembly(chunked, edition)
    more = gather([*docs, ingest_bytes(b"Ein Titel, den es nicht gibt\n\nText.\n", "x.txt", WHEN).document])
    with pytest.raises(ExportError, match="the outline has 0 entries"):
        pdf_gate.check_assembly(chunked, more)
    part = tmp_path / "part.pdf"
    part.write_bytes(chunked)  # any rendered part: here the whole edition
    titles = pdf_gate.edition_titles(edition)
    pdf_gate.check_part(part, titles)
    with pytest.raises(ExportError, match="not in the PDF's text layer"):
        pdf_gate.check_part(part, [*titles, "Ein Titel, den es nicht gibt"])


def test_every_font_subset_name_stands_for_one_font_program(chunked: bytes) -> None:
    programs: dict[str, set[str]] = {}
    with pikepdf.open(io.BytesIO(chunked)) as p:
        for obj in p.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                data = obj.FontFile2.read_raw_bytes()
                programs.setdefault(str(obj.FontName), set()).add(hashlib.sha256(data).hexdigest())
    assert len(programs) > 3  # the parts' subsets of one face, each under its own name
    assert all(len(found) == 1 for found in programs.values()), programs


def test_every_article_element_carries_its_language(docs: list[Document], chunked: bytes) -> None:
    starts = _article_pages(chunked)  # page numbers, in edition order
    wanted = [d.meta.language.text for d in gather(docs, "month").documents]
    with pikepdf.open(io.BytesIO(chunked)) as p:
        root = p.Root.StructTreeRoot
        (document,) = root.K if isinstance(root.K, pikepdf.Array) else [root.K]
        number = {page.objgen: i + 1 for i, page in enumerate(p.pages)}
        found = [(number[k.Pg.objgen], str(k.Lang)) for k in document.K if k.get("/S") == "/Art"]
        created = p.open_metadata()["xmp:CreateDate"]
    assert len(found) > len(wanted)  # an article over two pages has an element on each
    for page, lang in found:  # each element: the article that started last on or before its page
        assert lang == wanted[max(i for i, start in enumerate(starts) if start <= page)]
    assert {"nl", "en", "fr", "de"} <= {lang for _, lang in found}
    assert created.startswith("2024-01-01")  # the edition's date (SOURCE_DATE_EPOCH), not an article's


def test_plain_spans_are_folded_into_their_parents(chunked: bytes) -> None:
    """WeasyPrint's Span per text run and per <span> leave the tree; their runs belong to the parent."""
    with pikepdf.open(io.BytesIO(chunked)) as p:
        elements = [
            o for o in p.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/StructElem"
        ]
        nums = p.Root.StructTreeRoot.ParentTree.Nums
        owners = {
            nums[i + 1].objgen for i in range(0, len(nums), 2) if isinstance(nums[i + 1], pikepdf.Dictionary)
        }
        kinds = {str(o.S) for o in elements}
        ids = [
            k
            for o in elements
            for k in (o.K if isinstance(o.K, pikepdf.Array) else [o.K])
            if isinstance(k, int)
        ]
    assert {"/P", "/H1", "/Art"} <= kinds
    assert all(o.objgen in owners for o in elements if o.S == "/Span")  # only a link's own span stays
    assert len(ids) > len(elements)  # one Span per run would make ids fewer than elements


def test_the_cover_and_the_colophon_chunks_after_the_first_render_beside_the_body(
    docs: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    some = [d for d in docs if d.meta.language.text == "en"][:3]
    one_each = pdf.slices
    monkeypatch.setattr(pdf, "slices", lambda count: one_each(count, 1))  # a colophon chunk per article
    batches: list[int] = []
    map_calls = executor.Local.map

    def counted(self: executor.Local[bytes], calls: list[tuple[bytes, str]]) -> list[bytes]:
        batches.append(len(calls))
        return map_calls(self, calls)

    monkeypatch.setattr(executor.Local, "map", counted)
    data = _render(some, 1, jobs=2)
    # the cover, three articles and two of three colophon chunks; the contents; the colophon's first
    assert batches == [1 + 3 + 2, 1, 1]
    assert_sound_tree(data)
    assert "Colophon" in pdf_gate.pdf_text(data)


def test_render_workers_fork_from_a_small_process_and_start_fresh_beside_a_large_one(
    docs: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    from archiver.export import pdf_parts

    assert pdf_parts.holds_much(1) and not pdf_parts.holds_much(1 << 50)
    kinds: list[bool] = []
    runner = executor.runner
    monkeypatch.setattr(executor, "runner", lambda *args: kinds.append(args[-1]) or runner(*args))
    some = [d for d in docs if d.meta.language.text == "en"][:2]
    monkeypatch.setattr(pdf_parts, "FORK_BELOW", 1 << 50)  # as if this process held a few articles
    small = _render(some, 1, jobs=2)
    monkeypatch.setattr(pdf_parts, "FORK_BELOW", 0)  # as if it held an edition of thousands
    large = _render(some, 1, jobs=2)
    assert kinds == [False, True]
    assert small == large  # the bytes do not depend on how the workers started


def test_a_one_article_edition_renders_without_starting_workers(
    docs: list[Document], monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[int] = []
    runner = executor.runner
    monkeypatch.setattr(executor, "runner", lambda *args: made.append(1) or runner(*args))
    one = _render(docs[:1], 40, jobs=2)  # the cover and one chunk: workers would cost more than they save
    assert made == []
    assert one == _render(docs[:1], 40, jobs=1)
    two = [d for d in docs if d.meta.language.text == "en"][:3]
    _render(two, 1, jobs=2)  # more to render: workers start
    assert made == [1]
