"""The exporter registry and format options: KEY=VALUE pairs checked against field metadata."""

from __future__ import annotations

import dataclasses

import pytest

from archiver.errors import ExitCode, UnknownName, UsageError
from archiver.export import EXPORTERS, exporter
from archiver.export.options import describe, parse
from archiver.export.pdf import PdfOptions


@pytest.mark.parametrize("name", list(EXPORTERS))
def test_every_format_keeps_the_contract(name: str) -> None:
    found = exporter(name)
    assert found.name == name and found.suffix.startswith(".") and found.description
    assert dataclasses.is_dataclass(found.Options) and found.Options.__dataclass_params__.frozen
    for f in dataclasses.fields(found.Options):
        assert f.metadata.get("help"), f"{name} option {f.name} has no help"
    assert callable(found.render) and callable(found.check) and callable(found.preflight)
    found.Options()  # the defaults are valid


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UnknownName, match="unknown format 'mobi'; known: epub, pdf, jsonld, nitf") as info:
        exporter("mobi")
    assert info.value.exit_code == ExitCode.USAGE


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], PdfOptions()),
        (["paper=A5", "layout=newspaper"], PdfOptions(paper="A5", layout="newspaper")),
        (["bleed=3", "marks=true"], PdfOptions(bleed=3.0, marks=True)),
        (["marks=YES"], PdfOptions(marks=True)),
        (["marks=1", "marks=0"], PdfOptions(marks=False)),  # later pairs win
        ([" paper = Letter "], PdfOptions(paper="Letter")),
    ],
)
def test_pairs_become_options(pairs: list[str], expected: PdfOptions) -> None:
    assert parse(PdfOptions, pairs, "pdf") == expected


@pytest.mark.parametrize(
    ("pairs", "error", "message"),
    [
        (["papr=A5"], UnknownName, "unknown pdf option 'papr'; known: paper, layout, bleed, marks"),
        (["paper=A3"], UnknownName, "unknown paper 'A3'; known: A4, A5, Letter"),
        (["bleed=11"], UsageError, "option bleed: 11 is outside 0 to 10"),
        (["bleed=-1"], UsageError, "option bleed: -1 is outside 0 to 10"),
        (["bleed=wide"], UsageError, "option bleed: 'wide' is not a number"),
        (["marks=maybe"], UsageError, "'maybe' is not one of true, false, yes, no, 1, 0"),
        (["paper"], UsageError, "write KEY=VALUE"),
    ],
)
def test_bad_pairs_are_one_line_usage_errors(pairs: list[str], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message) as info:
        parse(PdfOptions, pairs, "pdf")
    assert "\n" not in str(info.value)
    assert getattr(info.value, "exit_code", None) == ExitCode.USAGE


def test_a_format_without_options_says_so() -> None:
    with pytest.raises(UsageError, match="epub has no options"):
        parse(exporter("epub").Options, ["paper=A5"], "epub")


def test_options_describe_themselves() -> None:
    info = describe(PdfOptions)
    assert list(info) == ["paper", "layout", "bleed", "marks", "pdfx", "article_per_page"]
    assert info["paper"] == {
        "type": "str",
        "default": "A4",
        "help": "paper size",
        "choices": ["A4", "A5", "Letter"],
    }
    assert info["bleed"]["range"] == [0, 10] and info["marks"]["type"] == "bool"
