"""Validation of canonical XML against the RELAX NG grammar and the Schematron rules."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from lxml import etree, isoschematron

from archiver.document.xmlio import Element, parse_bytes, safe_parser


@cache
def _relaxng() -> Any:
    with resources.files("archiver.document").joinpath("schema/article.rng").open("rb") as fh:
        return etree.RelaxNG(etree.parse(fh, safe_parser()))


# Options of the ISO Schematron skeleton that change no verdict here: no rule's context is an
# attribute, a comment or a processing instruction (tests/document/test_schematron_walk.py checks
# the rules), so the rules' walk visits elements only; and the report leaves out which rules fired
# (errors_of reads the failed asserts alone). About half the time a document (182 -> 88 us).
WALK = {"attributes": "false", "only-child-elements": "true", "generate-fired-rule": "false"}


@cache
def _schematron() -> Any:
    return _compiled_rules(WALK)


def _compiled_rules(params: dict[str, str]) -> Any:
    with resources.files("archiver.document").joinpath("schema/article.sch").open("rb") as fh:
        rules = etree.parse(fh, safe_parser())
    return isoschematron.Schematron(rules, compile_params=params, store_report=True)


def errors_of(root: Element) -> list[str]:
    """Every grammar and rule violation of a document tree, as one line each (empty if valid)."""
    grammar = _relaxng()
    if not grammar.validate(root):
        return [f"line {e.line}: {e.message}" for e in grammar.error_log]
    rules = _schematron()
    if rules.validate(root):
        return []
    report = rules.validation_report
    svrl = "http://purl.oclc.org/dsdl/svrl"
    out = []
    for failed in report.iter(f"{{{svrl}}}failed-assert"):
        text = " ".join("".join(failed.itertext()).split())
        out.append(f"rule {failed.get('id')} at {failed.get('location')}: {text}")
    return out


def errors_of_bytes(data: bytes, name: str = "document") -> list[str]:
    """Like errors_of, for XML bytes; a syntax error is reported as one line."""
    try:
        root = parse_bytes(data, name)
    except Exception as exc:  # DocumentError carries the parser's message
        return [str(exc)]
    return errors_of(root)
