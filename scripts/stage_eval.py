"""Stage the larger evaluation corpus from local copies of public sources: files plus a truth.tsv.

`python scripts/stage_eval.py OUT [--gutenberg DIR] [--peps DIR] [--gesetze DIR] [--wetten DIR]`

Fetches nothing: each option names a folder the user has already (a checkout of the source's
repository, see tests/eval/SOURCES.tsv for where each comes from and its licence). The truth
comes from each source's own metadata (a PEP's `Title:` and `Created:`, a law's front matter and
`Ausfertigungsdatum`, a Gutenberg header), never from archiver. Some files are re-encoded the way
they travel on Windows (cp1252, CRLF), and named so. Then `python scripts/eval.py --corpus OUT`.
Nothing staged is committed: the folder lives outside the project.
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

COLUMNS = ("path", "source", "language", "title", "date", "precision", "blocks", "encoding")


@dataclass(frozen=True)
class Staged:
    """One corpus file: its text as the source has it and what the source says about it."""

    name: str
    text: str
    language: str
    title: str
    date: str = ""
    precision: str = ""


def _day(raw: str, form: str) -> str:
    return datetime.strptime(raw.strip(), form).strftime("%Y-%m-%d")


def _every(paths: list[Path], count: int) -> list[Path]:
    """`count` of the paths, spread evenly over the sorted list (deterministic)."""
    paths = sorted(paths)
    step = max(1, len(paths) // count)
    return paths[::step][:count]


# ---------------------------------------------------------------- the sources

_PG_TITLE = re.compile(r"^Title:[ \t]*(.+)$", re.M)
_PG_DATE = re.compile(r"^Release [Dd]ate:[ \t]*([A-Z][a-z]+ \d{1,2}, \d{4})", re.M)


def gutenberg(folder: Path) -> Iterator[Staged]:
    """Project Gutenberg e-texts named `<language>_<book>.txt` (kalamine-corpus/corpus/gutenberg)."""
    for path in sorted(folder.glob("*_*.txt")):
        text = path.read_text(encoding="utf-8-sig")
        title, date = _PG_TITLE.search(text), _PG_DATE.search(text)
        if title and date:
            day = _day(date.group(1), "%B %d, %Y")
            yield Staged(path.name, text, path.name[:2], title.group(1).strip(), day, "day")


_RFC822_FIELD = re.compile(r"^([A-Za-z-]+):[ \t]*(.*(?:\n[ \t]+.*)*)", re.M)


def peps(folder: Path, count: int = 150) -> Iterator[Staged]:
    """Python Enhancement Proposals (python/peps, peps/pep-NNNN.rst): `Title:` and `Created:`."""
    for path in _every(list(folder.glob("peps/pep-[0-9]*.rst")), count):
        text = path.read_text(encoding="utf-8")
        head = text.split("\n\n", 1)[0]
        fields = {k.lower(): " ".join(v.split()) for k, v in _RFC822_FIELD.findall(head)}
        if "title" in fields and "created" in fields:
            try:
                day = _day(fields["created"], "%d-%b-%Y")
            except ValueError:
                continue  # a date the PEP itself writes oddly: no truth to score against
            yield Staged(path.name, text, "en", fields["title"], day, "day")


_YAML_TITLE = re.compile(r"^Title:[ \t]*(.+(?:\n[ \t]+.+)*)", re.M)
_AUSFERTIGUNG = re.compile(r"^Ausfertigungsdatum\n:[ \t]+(\d{4}-\d{2}-\d{2})", re.M)


def gesetze(folder: Path, count: int = 63) -> Iterator[Staged]:
    """German federal laws (bundestag/gesetze, <letter>/<slug>/index.md): Title and Ausfertigungsdatum."""
    for path in _every(list(folder.glob("*/*/index.md")), count):
        text = path.read_text(encoding="utf-8")
        title, day = _YAML_TITLE.search(text), _AUSFERTIGUNG.search(text)
        if title and day:
            name = f"{path.parent.name}.md"
            yield Staged(name, text, "de", " ".join(title.group(1).split()), day.group(1), "day")


_WET_TITLE = re.compile(r"^##[ \t]*([^#\n].*?)[ \t]*$", re.M)


def wetten(folder: Path, count: int = 60) -> Iterator[Staged]:
    """Dutch laws (statengeneraal/laws-markdown, …/BWBR…/README.md): the `##Title`; no date given."""
    for path in _every(list(folder.glob("**/BWBR*/README.md")), count):
        text = path.read_text(encoding="utf-8")
        title = _WET_TITLE.search(text)
        if title:
            yield Staged(f"{path.parent.name}.md", text, "nl", title.group(1))


SOURCES: dict[str, Callable[[Path], Iterator[Staged]]] = {
    "gutenberg-etexts": gutenberg,
    "python-peps": peps,
    "bundestag-gesetze": gesetze,
    "nl-wetten": wetten,
}
# Every Nth file of a source is saved as a Windows editor would: cp1252 with CRLF.
WINDOWS_EVERY = {"gutenberg-etexts": 3, "bundestag-gesetze": 4, "nl-wetten": 5}


def _write(out: Path, source: str, i: int, item: Staged) -> dict[str, str]:
    """Write one file (re-encoded when its turn comes and cp1252 holds it) and return its truth row."""
    every = WINDOWS_EVERY.get(source, 0)
    data, encoding, name = item.text.encode("utf-8"), "utf-8", item.name
    if every and i % every == every - 1:
        try:
            data, encoding = item.text.replace("\r\n", "\n").replace("\n", "\r\n").encode("cp1252"), "cp1252"
            stem, dot, suffix = name.rpartition(".")
            name = f"{stem}-8{dot}{suffix}"
        except UnicodeEncodeError:
            pass  # letters cp1252 lacks: stays UTF-8
    target = out / source / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return {
        "path": f"{source}/{name}",
        "source": source,
        "language": item.language,
        "title": item.title,
        "date": item.date,
        "precision": item.precision,
        "blocks": "",
        "encoding": encoding,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the folder to stage into (emptied first)")
    for source in SOURCES:
        option = source.split("-")[0] if source == "gutenberg-etexts" else source.split("-")[-1]
        parser.add_argument(f"--{option}", type=Path, dest=source, metavar="DIR", help=f"a copy of {source}")
    args = parser.parse_args(argv)
    given = {source: getattr(args, source) for source in SOURCES if getattr(args, source)}
    if not given:
        parser.error("name at least one source folder")
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    rows = []
    for source, folder in given.items():
        staged = [_write(args.out, source, i, item) for i, item in enumerate(SOURCES[source](folder))]
        print(f"{source}: {len(staged)} files", file=sys.stderr)
        rows += staged
    with (args.out / "truth.tsv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
