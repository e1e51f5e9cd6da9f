"""The page-references patch: same values as pydyf's own, computed once per page count."""

from __future__ import annotations

import pydyf

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
