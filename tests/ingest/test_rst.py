"""reStructuredText heads: the adorned title and the field list after it are metadata, not body."""

from __future__ import annotations

import scripts.eval as evaluation
from archiver.document.model import Heading
from archiver.document.xmlio import from_bytes
from archiver.ingest.dialects import detect
from tests.ingest.test_header_keys import _archived

DOCUTILS = """\
==========================================
El Ebro se desborda a su paso por Zaragoza
==========================================

:Author: María López Arrieta
:Date: 2021-12-12
:Source: Heraldo Digital

ZARAGOZA -- El caudal del río Ebro alcanzó este domingo los 2.200 metros cúbicos por
segundo a su paso por la capital aragonesa, la cifra más alta desde 2015.

Evacuaciones en la ribera
-------------------------

La Guardia Civil desalojó de madrugada a 42 personas en Pradilla de Ebro y Boquiñeni.

Previsiones
~~~~~~~~~~~

La Confederación Hidrográfica del Ebro prevé que la punta de la crecida llegue el lunes.
"""

PELICAN = """\
Night trains return to the Alps
###############################

:date: 2023-11-02 10:20
:modified: 2023-11-04 18:40
:tags: rail, travel
:category: transport
:slug: night-trains-alps
:authors: Ann Lee, Bob Kay
:summary: Operators bring back sleeper services
    between Vienna and Zurich.

The first sleeper in eleven years left Vienna on Thursday night with every berth sold.
"""


def test_a_docutils_title_and_its_fields() -> None:
    xml, words = _archived(DOCUTILS, "ebro.rst")
    doc = from_bytes(xml)
    assert (doc.provenance.dialect, doc.provenance.dialect_confidence) == ("rst", 0.9)
    assert (doc.meta.title.text, doc.meta.title.how.method) == (
        "El Ebro se desborda a su paso por Zaragoza",
        "rst-title",
    )
    assert [(d.value, d.precision, d.how.method) for d in doc.meta.dates] == [
        ("2021-12-12", "day", "field:Date")
    ]
    assert [a.text for a in doc.meta.authors] == ["María López Arrieta"]
    assert doc.meta.source is not None and doc.meta.source.text == "Heraldo Digital"
    blocks = doc.text_blocks()
    assert blocks[0].startswith("El caudal del río Ebro")  # after the dateline; no title, no field
    assert not any("===" in b or "~~~" in b or ":Date:" in b for b in blocks)
    headings = [(b.text, b.level) for b in doc.body if isinstance(b, Heading)]
    assert headings == [("Evacuaciones en la ribera", 2), ("Previsiones", 3)]  # "-" first, then "~"
    assert evaluation.lost_words(DOCUTILS, words) == {}


def test_a_pelican_post_keeps_every_field() -> None:
    xml, words = _archived(PELICAN, "night-trains.rst")
    doc = from_bytes(xml)
    assert doc.provenance.dialect == "rst"
    assert doc.meta.title.text == "Night trains return to the Alps"
    assert [(d.kind, d.value, d.precision) for d in doc.meta.dates] == [
        ("published", "2023-11-02T10:20:00", "minute"),
        ("modified", "2023-11-04T18:40:00", "minute"),
    ]
    assert [a.text for a in doc.meta.authors] == ["Ann Lee", "Bob Kay"]
    assert doc.meta.keywords == ["rail", "travel"]
    assert dict(doc.meta.fields) == {
        "category": "transport",
        "slug": "night-trains-alps",
        "summary": "Operators bring back sleeper services between Vienna and Zurich.",
    }
    assert doc.text_blocks() == [PELICAN.strip().split("\n\n")[-1]]
    assert evaluation.lost_words(PELICAN, words) == {}


def test_an_overlined_title_alone_is_the_title() -> None:
    rule = "*" * 21
    body = "The ferries stopped at ten, and the last bus had already left the square by then."
    raw = f"{rule}\nThe harbour at night\n{rule}\n\n{body}\n"
    xml, words = _archived(raw, "harbour.rst")
    doc = from_bytes(xml)
    assert (doc.provenance.dialect, doc.meta.title.text) == ("rst", "The harbour at night")
    assert doc.text_blocks() == [body]
    assert evaluation.lost_words(raw, words) == {}


def test_other_layouts_are_not_taken_for_rst() -> None:
    assert (
        detect("Storm hits the coast\n====================\n\nThe sea wall broke.\n")[0].name == "title-line"
    )
    assert detect(":Version: 3\n:Copyright: none\n\nText.\n")[0].name != "rst"  # no key an article has
    assert detect("Dear all,\n*****\nThe meeting moved.\n")[0].name != "rst"  # a break after one line
    boxed = "-----\nREUTERS NEWS SERVICE\n-----\n\nShares fell sharply today in heavy trading.\n"
    assert detect(boxed)[0].name != "rst"  # a plain text's box of hyphens
    assert detect("=====\n=====\n=====\n\nText of the article.\n")[0].name != "rst"


def test_a_subtitle_and_fields_straight_under_the_title() -> None:
    raw = (
        "================\nThe night ferry\n================\n"
        "-----------------------------\nA harbour that never sleeps\n-----------------------------\n"
        ":Author: Jane Doe\n:Date: 2019-06-14\n:Organization: Harbour Post\n\n"
        "The last ferry left at ten, and the harbour lights stayed on until the morning.\n"
    )
    xml, words = _archived(raw, "ferry.rst")
    doc = from_bytes(xml)
    assert (doc.meta.title.text, doc.meta.subtitle and doc.meta.subtitle.text) == (
        "The night ferry",
        "A harbour that never sleeps",
    )
    assert [a.text for a in doc.meta.authors] == ["Jane Doe"] and doc.meta.dates[0].value == "2019-06-14"
    assert doc.meta.publisher is not None and doc.meta.publisher.text == "Harbour Post"
    assert doc.text_blocks() == [raw.split("\n\n")[1].strip()]
    assert evaluation.lost_words(raw, words) == {}


def test_a_title_underlined_with_hashes_alone_is_the_title() -> None:
    body = "The first sleeper in eleven years left Vienna on Thursday night with every berth sold."
    raw = f"Night trains return to the Alps\n{'#' * 31}\n\n{body}\n"
    xml, words = _archived(raw, "night.rst")
    doc = from_bytes(xml)
    assert (doc.provenance.dialect, doc.meta.title.text, doc.text_blocks()) == (
        "rst",
        "Night trains return to the Alps",
        [body],
    )
    assert evaluation.lost_words(raw, words) == {}


def test_carets_under_a_line_outside_restructuredtext_stay_as_written() -> None:
    lines = ["Title: Error", "", "print 'hello'", "^^^^^^^^^^^^^", "", "The compiler pointed at the quote."]
    raw = "\n".join(lines) + "\n"
    xml, words = _archived(raw)
    assert not any(isinstance(b, Heading) for b in from_bytes(xml).body)
    assert evaluation.lost_words(raw, words) == {}
