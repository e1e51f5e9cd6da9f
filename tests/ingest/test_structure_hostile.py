"""Notes and epigraphs at scale: thousands of notes, calls and orphans cost linear time, and lose nothing."""

from __future__ import annotations

from archiver.document.model import Note, Paragraph
from tests.ingest.bounded import ingest_within

LIMIT = 30.0  # seconds; each case takes about a second, and the quadratic versions took minutes
N = 20_000


def _essay(calls: str, notes: str) -> bytes:
    return f"DE NOTEN.\n\nEen zin met noten{calls} en verder niets.\n\n{notes}\n".encode()


def test_twenty_thousand_notes_all_linked() -> None:
    calls = "".join(f"x[{i % 9000}]" for i in range(N))
    notes = "\n\n".join(f"[Footnote {i % 9000}: Noot {i}.]" for i in range(N))
    outcome = ingest_within(_essay(calls, notes), LIMIT, "notes")
    assert outcome.document is not None and "text-gap" not in outcome.codes, outcome.problems
    body = outcome.document.body
    assert sum(isinstance(b, Note) for b in body) == N
    (first,) = [b for b in body if isinstance(b, Paragraph)]
    assert len(first.notes) == N and "[" not in first.text
    assert "note-unmatched" not in outcome.codes


def test_twenty_thousand_orphans_on_both_sides_in_two_lines() -> None:
    calls = "".join(f"x[{i % 5000}]" for i in range(N))
    notes = "\n\n".join(f"[Footnote {5000 + i % 4000}: Noot {i}.]" for i in range(N))
    outcome = ingest_within(_essay(calls, notes), LIMIT, "orphans")
    assert outcome.document is not None and "text-gap" not in outcome.codes
    assert not any(isinstance(b, Note) for b in outcome.document.body)
    messages = sorted(message for code, message, _ in outcome.problems if code == "note-unmatched")
    assert len(messages) == 2
    assert messages[0].startswith("markers [0], [1], [2]") and "and 4990 more call no note" in messages[0]
    assert messages[1].startswith("notes [5000], [5001]") and "are called by no marker" in messages[1]


def test_calls_between_thousands_of_emphasised_words() -> None:
    n = N // 2  # so that the paragraph stays one text node (under 2**18 characters)
    calls = "".join(f" _w{i}_[{i}]" if i % 2 else f" _w[{i}]{i}_" for i in range(n))
    notes = "\n\n".join(f"[Footnote {i}: Noot.]" for i in range(1, n, 2))
    outcome = ingest_within(_essay(calls, notes), LIMIT, "emphasis")
    assert outcome.document is not None and "text-gap" not in outcome.codes
    (first,) = [b for b in outcome.document.body if isinstance(b, Paragraph)]
    assert len(first.notes) == n // 2 and len(first.em) == n
    # every emphasised word is intact: the calls sit after them, and markers inside stay text
    assert all(first.text[s:e].startswith("w") for s, e in first.em)
