"""Ingest a labelled corpus of real files and score title, date, language and blocks against the truth.

`python scripts/eval.py [--corpus DIR]… [--slice N] [--json] [--failures N]` (or `make eval`).

Each file is ingested alone into a fresh archive with the public API (`Archive`,
`pipeline.ingest`), and its archived document is compared with the truth: the title (after
folding case, quotes, dashes and spaces), the publication date and its precision, the language,
and the number of body blocks. Two checks need no truth but the file's known encoding:

- lost characters: every word of the source (decoded with its known encoding) must appear in
  the archived XML as often (metadata or body); a word broken at a line-end hyphen counts as
  found joined, hyphenated or in its two parts. The characters of the missing words are counted.
- silent corruptions: the archive decoded the file into other text than its known encoding
  gives, and reported no encoding problem.

The truth is a TSV: tests/eval/truth.tsv (paths relative to the folder that holds the project
and shared/), and a truth.tsv inside each --corpus folder (paths relative to that folder);
../shared/eval-corpus is read when present; scripts/stage_eval.py stages a larger corpus folder
from copies of its sources. `--slice N` takes N files in a fixed order that
visits every source in turn (what CI runs: tests/eval/test_eval.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TRUTH = ROOT / "tests" / "eval" / "truth.tsv"
SHARED_CORPUS = ROOT.parent / "shared" / "eval-corpus"  # the large corpus, when it is installed
FIELDS = ("title", "date", "language", "blocks")
GOALS = {"title": 0.98, "date": 0.98, "language": 0.99}
ENCODING_PROBLEMS = {"encoding-guessed", "encoding-mixed", "undecodable"}
_WORD = re.compile(r"[^\W_]+")  # letters and digits: "_word_" is the word "word"
_BROKEN = re.compile(r"([^\W_]+)-[ \t]*\r?\n[ \t>]*([^\W_]+)")  # a word broken at a line-end hyphen
_ENUMERATOR = re.compile(r"^[ \t]*(?:\d{1,3}|[a-zA-Z])[.)][ \t]+", re.M)  # "4. " opening a list item
CONJUNCTIONS = {
    "en",
    "of",
    "and",
    "or",
    "und",
    "oder",
    "et",
    "ou",
    "y",
    "o",
    "e",
    "i",
    "oraz",
    "och",
    "eller",
}
_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-"})


@dataclass(frozen=True)
class Truth:
    """What is known about one file from its source's own metadata."""

    path: Path
    source: str
    language: str
    title: str
    date: str  # as precise as the source says: 2019 | 2019-04 | 2019-04-25; "" when it gives none
    precision: str  # year | month | day | "" (no date)
    blocks: int | None  # body blocks (paragraphs, subheadings, …) when the source tells them
    encoding: str  # the codec the file was written in


@dataclass
class Scored:
    """One file's result: each field right or wrong (None: no truth for it), and what went wrong."""

    file: str
    source: str
    right: dict[str, bool | None] = field(default_factory=dict)
    got: dict[str, str] = field(default_factory=dict)
    want: dict[str, str] = field(default_factory=dict)
    lost: int = 0  # characters of words of the source missing from the archived XML
    lost_words: list[str] = field(default_factory=list)
    silent_corruption: bool = False
    failed: str = ""  # why the file was not archived, or was missing


def read_truth(tsv: Path, base: Path) -> list[Truth]:
    """The rows of one truth file, their paths resolved against `base`."""
    with tsv.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [
        Truth(
            path=base / row["path"],
            source=row["source"],
            language=row["language"],
            title=row["title"],
            date=row["date"],
            precision=row["precision"],
            blocks=int(row["blocks"]) if row.get("blocks") else None,
            encoding=row["encoding"],
        )
        for row in rows
    ]


def corpus(extra: Iterable[Path]) -> list[Truth]:
    """The committed truth, plus each corpus folder's truth.tsv (the shared one when present)."""
    rows = [row for row in read_truth(TRUTH, ROOT) if row.path.is_file() or _in_project(row.path)]
    folders = list(extra) or ([SHARED_CORPUS] if (SHARED_CORPUS / "truth.tsv").exists() else [])
    for folder in folders:
        rows += read_truth(folder / "truth.tsv", folder)
    return rows


def _in_project(path: Path) -> bool:
    """Whether a corpus file is the project's own (a missing one is an error, not an absent corpus)."""
    return path.resolve().is_relative_to(ROOT)


def take_slice(rows: list[Truth], n: int) -> list[Truth]:
    """N files, deterministic: sources in turn (sorted by name), files in name order within each."""
    by_source: dict[str, list[Truth]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: r.path.name):
        by_source[row.source].append(row)
    turns = zip_longest(*(by_source[s] for s in sorted(by_source)))
    return [row for turn in turns for row in turn if row is not None][:n]


def fold(title: str) -> str:
    """A title as compared: NFC, case folded, quotes and dashes unified, spaces and end stops dropped."""
    text = unicodedata.normalize("NFKC", title).translate(_FOLD).casefold()
    return " ".join(text.split()).rstrip(" .:")


def _visible(text: str) -> str:
    """NFC, without format and control characters (soft hyphens, U+009C): ingest removes those."""
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if c in "\t\n\r" or unicodedata.category(c) not in ("Cf", "Cc"))


def _words(text: str) -> Counter[str]:
    return Counter(w.casefold() for w in _WORD.findall(text))


def lost_words(source: str, archived: str) -> Counter[str]:
    """Words of the source missing from the archived text; line-end breaks may be joined or kept.

    A word broken at a line-end hyphen ("gebro-⏎ken") counts as found when the archive has it
    joined ("gebroken") instead of in its parts, except before a conjunction: "in-⏎en uitvoer"
    joined into "inen" loses two words. List numbers opening a line are markup, not words.
    """
    source = _ENUMERATOR.sub("", _visible(source))
    need, have = _words(source), _words(_visible(archived))
    missing, extra = need - have, have - need
    for m in _BROKEN.finditer(source):
        a, b = m.group(1).casefold(), m.group(2).casefold()
        if b not in CONJUNCTIONS and extra[a + b] > 0 and missing[a] > 0 and missing[b] > 0:
            extra[a + b] -= 1
            missing.subtract((a, b))
    return +missing


def _xml_text(xml: bytes) -> str:
    """Every text and attribute value of the archived XML, its provenance left out."""
    from lxml import etree

    root = etree.fromstring(xml)
    skip = {el for prov in root.iter("{*}provenance") for el in prov.iter()}
    parts: list[str] = []
    for el in root.iter():
        if isinstance(el.tag, str) and el not in skip:
            parts += [str(v) for v in el.attrib.values()]
            parts += [el.text or "", el.tail or ""]
    return "\n".join(parts)


def score(truth: Truth) -> Scored:
    """Ingest one file into a fresh archive and compare what was archived with the truth."""
    from archiver import pipeline
    from archiver.store import Archive

    shown = truth.path.relative_to(ROOT.parent) if truth.path.is_relative_to(ROOT.parent) else truth.path
    out = Scored(str(shown), truth.source)
    if not truth.path.is_file():
        out.failed = "missing: the corpus file is not there"
        return out
    data = truth.path.read_bytes()
    with (
        tempfile.TemporaryDirectory(prefix="archiver-eval-") as tmp,
        Archive(Path(tmp), create=True) as archive,
    ):
        (outcome,) = pipeline.ingest(archive, [truth.path], jobs=1)
        if outcome.status == "failed" or outcome.id is None:
            failure = outcome.failure
            out.failed = f"{failure.code}: {failure.message}" if failure else "not archived"
            out.right = dict.fromkeys(FIELDS, False)
            return out
        doc = archive.document(outcome.id)
        xml = archive.xml_bytes(outcome.id)
    date = doc.published or (doc.meta.dates[0] if doc.meta.dates else None)
    got = {
        "title": doc.meta.title.text,
        "date": f"{date.value} ({date.precision})" if date else "",
        "language": doc.meta.language.text,
        "blocks": str(len(doc.body)),
    }
    want = {
        "title": truth.title,
        "date": f"{truth.date} ({truth.precision})" if truth.date else "",
        "language": truth.language,
        "blocks": "" if truth.blocks is None else str(truth.blocks),
    }
    out.got, out.want = got, want
    out.right = {
        "title": fold(got["title"]) == fold(want["title"]),
        "date": got["date"] == want["date"],
        "language": got["language"].split("-")[0].lower() == truth.language.lower(),
        "blocks": None if truth.blocks is None else got["blocks"] == want["blocks"],
    }
    known = data.decode(truth.encoding).lstrip("\ufeff")
    missing = lost_words(known, _xml_text(xml))
    out.lost = sum(len(w) * n for w, n in missing.items())
    out.lost_words = sorted(missing)[:20]
    codes = {p.code for p in outcome.problems}
    out.silent_corruption = _decoded_otherwise(data, truth.encoding, doc.provenance.encoding) and not (
        codes & ENCODING_PROBLEMS
    )
    return out


def _decoded_otherwise(data: bytes, known: str, used: str) -> bool:
    """Whether the codec archiver used gives other text than the file's known codec."""
    try:
        return data.decode(used, "replace") != data.decode(known, "replace")
    except LookupError:  # a codec name Python does not know: archiver's own, compare nothing
        return False


def run(rows: list[Truth], progress: bool = False) -> list[Scored]:
    """Score every file; a crash in one file is that file's failure, the run goes on."""
    results = []
    for i, row in enumerate(rows, start=1):
        try:
            results.append(score(row))
        except Exception as exc:  # the eval reports a bug in archiver; it does not stop
            broken = Scored(str(row.path), row.source, right=dict.fromkeys(FIELDS, False))
            broken.failed = f"crash: {type(exc).__name__}: {exc}"
            results.append(broken)
        if progress and sys.stderr.isatty():
            print(f"\r{i}/{len(rows)}", end="", file=sys.stderr, flush=True)
    if progress and sys.stderr.isatty():
        print(file=sys.stderr)
    return results


def _accuracy(results: Iterable[Scored], name: str) -> tuple[int, int]:
    marks = [r.right.get(name) for r in results]
    judged = [m for m in marks if m is not None]
    return sum(judged), len(judged)


def report(results: list[Scored]) -> dict[str, Any]:
    """Accuracy per field, overall and per source; lost characters; silent corruptions; failures."""

    def table(group: list[Scored]) -> dict[str, Any]:
        row: dict[str, Any] = {"files": len(group)}
        for name in FIELDS:
            right, judged = _accuracy(group, name)
            row[name] = {
                "right": right,
                "of": judged,
                "accuracy": round(right / judged, 4) if judged else None,
            }
        row["lost_characters"] = sum(r.lost for r in group)
        row["silent_corruptions"] = sum(r.silent_corruption for r in group)
        row["failed"] = sum(bool(r.failed) for r in group)
        return row

    sources = sorted({r.source for r in results})
    failures = [
        {
            "file": r.file,
            "source": r.source,
            "field": name,
            "want": r.want.get(name, ""),
            "got": r.got.get(name, ""),
        }
        for r in results
        for name in FIELDS
        if r.right.get(name) is False and not r.failed
    ]
    return {
        "overall": table(results),
        "sources": {s: table([r for r in results if r.source == s]) for s in sources},
        "goals": GOALS,
        "failures": failures,
        "not_archived": [{"file": r.file, "why": r.failed} for r in results if r.failed],
        "lost": [{"file": r.file, "characters": r.lost, "words": r.lost_words} for r in results if r.lost],
        "silent_corruptions": [r.file for r in results if r.silent_corruption],
        "files": [asdict(r) for r in results],
    }


def _pct(cell: dict[str, Any]) -> str:
    return (
        "—" if cell["accuracy"] is None else f"{100 * cell['accuracy']:.1f}% ({cell['right']}/{cell['of']})"
    )


def lines(data: dict[str, Any], failures: int) -> Iterator[str]:
    """The report as text: the table, then what went wrong."""
    head = f"{'source':<22}{'files':>6}  " + "".join(f"{n:<20}" for n in FIELDS) + "lost  silent  failed"
    yield head
    rows = [*data["sources"].items(), ("ALL", data["overall"])]
    for name, row in rows:
        cells = "".join(f"{_pct(row[n]):<20}" for n in FIELDS)
        yield (
            f"{name:<22}{row['files']:>6}  {cells}{row['lost_characters']:<6}"
            f"{row['silent_corruptions']:<8}{row['failed']}"
        )
    overall = data["overall"]
    for n, goal in GOALS.items():
        met = "met" if (overall[n]["accuracy"] or 0) >= goal else "NOT MET"
        yield f"goal {n} >= {100 * goal:.0f}%: {_pct(overall[n])}, {met}"
    for n in ("lost_characters", "silent_corruptions"):
        yield f"goal {n.replace('_', ' ')} = 0: {overall[n]}, {'met' if overall[n] == 0 else 'NOT MET'}"
    for item in data["not_archived"]:
        yield f"NOT ARCHIVED {item['file']}: {item['why']}"
    for item in data["silent_corruptions"]:
        yield f"SILENT CORRUPTION {item}"
    for item in data["lost"][:failures]:
        yield f"LOST {item['file']}: {item['characters']} characters ({', '.join(item['words'][:8])})"
    for item in data["failures"][:failures]:
        yield f"WRONG {item['field']} {item['file']}: want {item['want']!r}, got {item['got']!r}"
    rest = len(data["failures"]) - failures
    if rest > 0:
        yield f"… {rest} more wrong fields (--failures N, or --json)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, action="append", default=[], help="a folder with a truth.tsv")
    parser.add_argument("--slice", type=int, default=0, metavar="N", help="only N files (deterministic)")
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON")
    parser.add_argument("--failures", type=int, default=40, metavar="N", help="list at most N wrong fields")
    args = parser.parse_args(argv)
    rows = corpus(args.corpus)
    if args.slice:
        rows = take_slice(rows, args.slice)
    data = report(run(rows, progress=not args.json))
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for line in lines(data, args.failures):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
