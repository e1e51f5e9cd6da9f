"""The Schematron rules compiled to walk elements only give every verdict of the skeleton's default walk."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree

from archiver.document import validate
from tests.conftest import INGEST_GOLDEN as GOLDEN

SCHEMA = Path(validate.__file__).parent / "schema" / "article.sch"
SCH = "{http://purl.oclc.org/dsdl/schematron}"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
GOOD = (GOLDEN / "000_46013887131c49c3.txt.xml").read_bytes()
ESSAY = (GOLDEN / "struct-veerpont.txt.xml").read_bytes()
DATE = (
    b'<date type="published" origin="explicit" method="prefix:date" confidence="1.00" raw="2019-04"'
    b' precision="month">2019-04</date>'
)
CALL = b'<noteref note="n1" label="1"/>'
NOTE = b'<note id="n1" label="1" key="Footnote">'
# One document breaking each rule (by its id), made from two goldens.
BROKEN = {
    "title-method": GOOD.replace(b' method="first-sentence-truncated"', b""),
    "inferred-method": GOOD.replace(b' method="py3langid"', b""),
    "date-year": GOOD.replace(b'precision="month">2019-04<', b'precision="year">2019-04<'),
    "date-month": GOOD.replace(b'precision="month">2019-04<', b'precision="month">2019-04-01<'),
    "date-day": GOOD.replace(b'precision="month">2019-04<', b'precision="day">2019-04<'),
    "one-published": GOOD.replace(DATE, DATE + DATE),
    "archive-id-hash": GOOD.replace(b">a0c17ae2455c0836<", b">ffffffffffffffff<"),
    "one-archive-id": GOOD.replace(b"<meta>", b'<meta><id scheme="archive">a0c17ae2455c0836</id>'),
    "lang-agrees": GOOD.replace(b'xml:lang="nl"', b'xml:lang="en"'),
    "noteref-target": ESSAY.replace(CALL, b'<noteref note="n9" label="1"/>'),
    "noteref-label": ESSAY.replace(CALL, b'<noteref note="n1" label="2"/>'),
    "note-called": ESSAY.replace(CALL, b""),
    "note-not-nested": ESSAY.replace(NOTE, NOTE + b'<note id="n7" label="7">inner</note>'),
    "note-once": ESSAY.replace(b'<note id="n2" label="2"', b'<note id="n1" label="2"'),
}


def _failed(rules: Any, data: bytes) -> list[tuple[str, str]]:
    rules.validate(etree.fromstring(data))
    report = rules.validation_report
    return sorted((f.get("id"), f.get("location")) for f in report.iter(f"{SVRL}failed-assert"))


def test_no_rule_context_can_be_other_than_an_element() -> None:
    """What WALK rests on: a context whose last step names attributes or other nodes would be skipped."""
    for rule in etree.parse(str(SCHEMA)).iter(f"{SCH}rule"):
        for alternative in rule.get("context").split("|"):
            last = re.sub(r"\[[^\]]*\]", "", alternative).strip().split("/")[-1]  # predicates dropped
            assert re.fullmatch(r"([\w-]+:)?([\w-]+|\*)", last), alternative


def test_walking_elements_only_changes_no_verdict() -> None:
    default, walk = validate._compiled_rules({}), validate._schematron()
    assert set(BROKEN) == {a.get("id") for a in etree.parse(str(SCHEMA)).iter(f"{SCH}assert")}  # every rule
    for rule, data in BROKEN.items():
        assert data not in (GOOD, ESSAY), f"{rule}: the fixture drifted from the golden file"
        found = _failed(walk, data)
        assert rule in {id for id, _ in found}, rule
        assert found == _failed(default, data), rule
    for path in sorted(GOLDEN.glob("*.xml")):
        assert _failed(walk, path.read_bytes()) == _failed(default, path.read_bytes()) == [], path.name


def test_the_rules_are_compiled_to_walk_elements_and_leave_fired_rules_out() -> None:
    """The options reach the skeleton as meant (quoted values would be taken for other words)."""
    from lxml import isoschematron

    compiled = isoschematron.Schematron(
        etree.parse(str(SCHEMA)), compile_params=validate.WALK, store_xslt=True
    )
    xslt = etree.tostring(compiled.validator_xslt).decode()
    walks = set(re.findall(r'apply-templates select="([^"]*)" mode="M\d+"', xslt)) - {"/"}
    assert walks == {"*"}
    assert "fired-rule" not in xslt
