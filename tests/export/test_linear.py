"""The page-references patch: same values as pydyf's own, computed once per page count."""

from __future__ import annotations

import pydyf
from lxml import etree

from archiver.export import linear


def _add_pages(pdf: pydyf.PDF, n: int) -> None:
    for _ in range(n):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))


def _expected(pdf: pydyf.PDF) -> tuple[bytes, ...]:
    return tuple(f"{number} 0 R".encode("ascii") for number in pdf.pages["Kids"][::3])  # pydyf 0.13


def test_same_references_as_pydyf_and_fresh_after_new_pages() -> None:
    linear.install()
    linear.install()  # idempotent
    pdf = pydyf.PDF()
    _add_pages(pdf, 3)
    first = pdf.page_references
    assert first == _expected(pdf) and len(first) == 3
    assert pdf.page_references is first  # cached, not rebuilt
    _add_pages(pdf, 2)
    assert pdf.page_references == _expected(pdf) and len(pdf.page_references) == 5


def _runs(root: etree._Element) -> list[str]:
    return [t for node in root.iter() for t in (node.text, node.tail if node is not root else None) if t]


def test_long_runs_become_short_spans_with_the_same_text() -> None:
    words = " ".join(f"woord{i}" for i in range(3000))  # ~26,000 characters
    root = etree.fromstring(f"<p>{words}<em>{words}</em>{words}</p>")
    text = "".join(root.itertext())
    linear.short_runs(root)
    assert "".join(root.itertext()) == text
    assert all(len(run) <= linear.RUN for run in _runs(root))
    assert all(run.endswith(" ") for run in _runs(root)[:5])  # cut after a space
    assert root.find("em") is not None and len(root) > 10


def test_short_runs_are_left_alone_and_marks_stay_with_their_letter() -> None:
    root = etree.fromstring("<p>kort <em>en</em> klein</p>")
    assert etree.tostring(linear.short_runs(root)) == b"<p>kort <em>en</em> klein</p>"
    accented = "e\u0301" * linear.RUN  # no spaces: cut anywhere but between a letter and its accent
    root = linear.short_runs(etree.fromstring(f"<p>{accented}</p>"))
    assert "".join(root.itertext()) == accented
    assert not any(run[0] == "\u0301" for run in _runs(root))
