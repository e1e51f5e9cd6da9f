"""NITF 3.6: every article valid against the schema, dates at their precision, the edition zip, goldens."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from archiver import pipeline, recipes
from archiver.document.model import DateValue, Document, Figure, How, Note, Paragraph, Quote, Value
from archiver.export import ExportError, nitf
from archiver.export.edition import file_stem, gather
from archiver.export.nitf_body import NS
from archiver.ingest import ingest_bytes
from archiver.store import Archive, Selection
from tests.cli.test_cli import run
from tests.conftest import FIXTURES, SEED, SOURCES, WHEN
from tests.export.conftest import assert_golden

SCHEMA = Path(__file__).parent / "schema" / "nitf-3-6-subset.xsd"
VEERPONT = FIXTURES / "struct-veerpont.txt"
N = {"n": NS}
XML = "http://www.w3.org/XML/1998/namespace"


@pytest.fixture(scope="module")
def xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _doc(path: Path) -> Document:
    return ingest_bytes(path.read_bytes(), path.name, WHEN).document


def _valid(xsd: etree.XMLSchema, data: bytes) -> etree._Element:
    root = etree.fromstring(data)
    assert xsd.validate(root), xsd.error_log.last_error
    return root


def test_every_sample_is_valid_nitf_and_keeps_every_block(docs: list[Document], xsd: etree.XMLSchema) -> None:
    for doc in [*docs, _doc(VEERPONT)]:
        root = _valid(xsd, nitf.render(gather([doc])))
        assert root.get("uno") == f"urn:archiver:{doc.meta.archive_id}"
        assert root.get("baselang") == doc.meta.language.text
        assert root.findtext("n:body/n:body.head/n:hedline/n:hl1", namespaces=N) == doc.meta.title.text
        text = nitf.texts(root)
        assert all(block in text for block in doc.text_blocks()), doc.provenance.file_name


def test_the_schema_refuses_what_nitf_does_not_allow(xsd: etree.XMLSchema) -> None:
    root = etree.fromstring(nitf.render(gather([_doc(SEED)])))
    head = root[0]
    root.remove(head)
    root.append(head)  # head after body
    assert not xsd.validate(root)
    root = etree.fromstring(nitf.render(gather([_doc(SEED)])))
    root.find("n:head/n:docdata/n:date.issue", N).set("norm", "2019-04-01T")
    assert not xsd.validate(root)


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        ("2019", "year", "2019"),
        ("2019-04", "month", "2019-04"),
        ("2019-04-25", "day", "20190425"),
        ("2019-04-25T10:00+02:00", "minute", "20190425T1000+0200"),
        ("2019-04-25T10:00:05Z", "second", "20190425T100005Z"),
    ],
)
def test_dates_keep_their_precision(value: str, precision: str, expected: str) -> None:
    assert nitf.norm(value, precision) == expected


def test_a_month_stays_a_month_in_the_seed(xsd: etree.XMLSchema) -> None:
    root = _valid(xsd, nitf.render(gather([_doc(SEED)])))
    assert root.find("n:head/n:docdata/n:date.issue", N).get("norm") == "2019-04"
    figure = root.find(".//n:block[@class='figure']", N)
    assert [p.get("class") for p in figure] == ["caption", "credit"]
    assert figure[1].text == "foto: AFP"  # the source's own word for the credit


def test_metadata_lands_in_its_nitf_places(xsd: etree.XMLSchema) -> None:
    doc = _doc(SEED)
    how = How("explicit", "header:x")
    meta = replace(
        doc.meta,
        subtitle=Value("Een ondertitel", how),
        authors=[Value("Jan Jansen", how), Value("Piet Post", how)],
        byline=Value("Door Jan Jansen", how),
        dateline=Value("VLADIVOSTOK", how),
        publisher=Value("De Krant BV", how),
        source=Value("De Krant", how),
        url=Value("https://example.org/a", how),
        keywords=["Rusland", "Noord-Korea"],
        signature=Value("Jan\nredactie", how),
        dates=[*doc.meta.dates, DateValue("2019-04-26T08:00+02:00", "minute", how, "modified")],
        fields=[("topics", "politics")],
    )
    root = _valid(xsd, nitf.render(gather([replace(doc, meta=meta)])))
    head, body = root.find("n:head", N), root.find("n:body", N)
    assert body.findtext("n:body.head/n:hedline/n:hl2", namespaces=N) == "Een ondertitel"
    bylines = body.findall("n:body.head/n:byline", N)
    assert "".join(bylines[0].itertext()) == "Door Jan Jansen"
    assert [p.text for b in bylines for p in b.findall("n:person", N)] == ["Jan Jansen", "Piet Post"]
    assert body.findtext("n:body.head/n:distributor", namespaces=N) == "De Krant BV"
    assert body.findtext("n:body.head/n:dateline", namespaces=N) == "VLADIVOSTOK"
    assert body.findtext("n:body.end/n:tagline", namespaces=N) == "Jan\nredactie"
    assert head.find("n:pubdata", N).attrib == {"name": "De Krant", "ex-ref": "https://example.org/a"}
    keywords = head.findall("n:docdata/n:key-list/n:keyword", N)
    assert [k.get("key") for k in keywords] == ["Rusland", "Noord-Korea"]
    assert head.find("n:revision-history", N).get("norm") == "20190426T0800+0200"
    metas = {m.get("name"): m.get("content") for m in head.findall("n:meta", N)}
    assert metas["field.topics"] == "politics" and metas["id.external"] == "46013887131c49c3"
    assert metas["how.title"] == "derived first-sentence-truncated 0.30"


def test_emphasis_and_note_calls_keep_their_places(xsd: etree.XMLSchema) -> None:
    text = "Hij zei ja en ging naar verre landen."
    em = ((text.index("verre"), text.index("landen") + 6), (0, 3))
    calls = ((text.index(" landen"), "n1"), (text.index(" en"), "n2"))
    notes = [Note("n1", "*", (Paragraph("Zie het boek."),)), Note("n2", "2", (Paragraph("Twee."),))]
    doc = replace(_doc(SEED), body=[Paragraph(text, em, calls), *notes])
    root = _valid(xsd, nitf.render(gather([doc])))
    p = root.find("n:body/n:body.content/n:p", N)
    assert etree.tostring(p, encoding="unicode", with_tail=False).split(">", 1)[1] == (
        '<em>Hij</em> zei ja<a href="#n2" class="noteref">2</a> en ging naar '
        '<em>verre<a href="#n1" class="noteref">*</a> landen</em>.</p>'
    )
    assert [n.get("id") for n in root.iter(f"{{{NS}}}note")] == ["n1", "n2"]


def test_a_caption_inside_a_quotation_stays_valid(xsd: etree.XMLSchema) -> None:
    seed = _doc(SEED)
    figure = next(b for b in seed.body if isinstance(b, Figure))
    doc = replace(seed, body=[Quote((Paragraph("Zo zei hij het."), figure), "en")])
    root = _valid(xsd, nitf.render(gather([doc])))
    block = root.find("n:body/n:body.content/n:bq[@xml:lang='en']/n:block", {**N, "xml": XML})
    assert [p.get("class") for p in block] == [None, "caption", "credit"]  # a block holds no block


def test_the_edition_is_a_zip_of_one_valid_file_per_article(
    docs: list[Document], xsd: etree.XMLSchema
) -> None:
    ed = gather(docs, "month")
    data = nitf.render(ed)
    assert data == nitf.render(ed)  # deterministic
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.namelist() == [f"{file_stem(d)}.xml" for d in ed.documents]
        assert {i.date_time for i in zf.infolist()} == {(2024, 1, 1, 0, 0, 0)}  # SOURCE_DATE_EPOCH
        for doc, name in zip(ed.documents, zf.namelist(), strict=True):
            assert zf.read(name) == nitf.render(gather([doc]))
            _valid(xsd, zf.read(name))


def test_the_gate_finds_a_lost_block() -> None:
    ed = gather([_doc(SEED)])
    data = nitf.render(ed)
    cut = data.replace(b"<p>Poetin verwelkomde Kim", b"<p>Kim verwelkomde Poetin")
    with pytest.raises(ExportError, match="1 blocks lost"):
        nitf.check(cut, ed)
    with pytest.raises(ExportError, match="missing from the NITF"):
        nitf.check(nitf.render(gather([_doc(VEERPONT)])), ed)


def test_golden_nitf_of_the_seed_and_an_essay_with_notes(update_golden: bool) -> None:
    for path in (SEED, VEERPONT):
        assert_golden(f"nitf/{path.name}.xml", nitf.render(gather([_doc(path)])), update_golden)


def test_export_writes_a_zip_for_an_edition_and_a_file_per_article(
    tmp_path: Path, xsd: etree.XMLSchema
) -> None:
    with Archive(tmp_path / "arc", create=True) as archive:
        pipeline.ingest(archive, sorted(SOURCES.iterdir())[:3])
        ids = [e.id for e in archive.entries()]
        edition = recipes.export(archive, recipes.export_job("nitf"), Selection(), tmp_path / "out")
        each = recipes.export(archive, recipes.export_job("nitf", each=True), Selection(), tmp_path / "each")
        one = recipes.export(archive, recipes.export_job("nitf"), Selection(ids=ids[:1]), tmp_path / "one")
    (zipped,) = edition.paths
    assert zipped.suffix == ".zip" and zipped.parent == tmp_path / "out"
    with zipfile.ZipFile(zipped) as zf:
        assert sorted(zf.namelist()) == sorted(p.name for p in each.paths)
        for path in each.paths:
            assert path.suffix == ".xml" and zf.read(path.name) == path.read_bytes()
            _valid(xsd, path.read_bytes())
    (single,) = one.paths  # an edition of one article is that article's file
    assert single.suffix == ".xml" and single.read_bytes() in {p.read_bytes() for p in each.paths}


def test_the_command_line_exports_both_formats(tmp_path: Path) -> None:
    root = tmp_path / "arc"
    assert run("ingest", SEED, archive=root).returncode == 0
    for fmt, name in (("nitf", "seed.xml"), ("jsonld", "seed.jsonld")):
        done = run("export", fmt, "-o", tmp_path / name, archive=root)
        assert done.returncode == 0, done.stderr
    root_element = etree.parse(str(tmp_path / "seed.xml")).getroot()
    assert root_element.tag == f"{{{NS}}}nitf"
    assert json.loads((tmp_path / "seed.jsonld").read_text(encoding="utf-8"))["@type"] == "NewsArticle"
    listed = json.loads(run("formats", "--json").stdout)
    assert (listed["nitf"]["suffix"], listed["jsonld"]["suffix"]) == (".xml", ".jsonld")
