"""A part's writing kept as a tape: the next assembly replays it with new numbers and parses no PDF.

Writing a part into the edition (pdf_merge) opens it, stamps its folios, shifts its structure
keys and serialises every object (pdf_writer.Copier): most of a warm export's time. What that
writes depends on the part's bytes and on its place (first page, structure key offset, ...),
not on the numbers its objects get in the file. The `Recorder` stands between the part's copier
and the writer and keeps each step: a number reserved for the part, an object written (its
references as placeholders: the part's n-th number, a shared object of the front, an object of
the skeleton) and a reference to the front's shared folio font. `replay` does the same steps in
the same order on another writer: same objects, same order, so the same bytes as writing the
part again, whatever numbers they get. A tape is kept with `marshal` (Python's own version is
in its key) in the render cache, whose files carry their checksum like every other; it is data
archiver wrote itself, never taken from elsewhere.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable
from typing import Any

from archiver.export.pdf_writer import _TOKENS, Writer

Code = int | str  # a reference: the part's n-th reserved number, or the name of an object outside it
# A text and its references: the text itself when it has none, else a %-format with "%d 0 R" for each.
Template = tuple[bytes, tuple[Code, ...]]
FONT = "font:"  # code prefix of a font of the front (the folios' digits), by its resource name


class Recorder:
    """A writer for one part's copier that writes through to `writer` and keeps every step."""

    def __init__(self, writer: Writer, outside: dict[int, str]) -> None:
        self.writer = writer
        self.codes: dict[int, Code] = dict(outside)  # output number -> its code
        self.steps: list[tuple[Any, ...]] = []
        self.count = 0
        self.ok = True

    def reserve(self) -> int:
        number = self.writer.reserve()
        self.codes[number] = self.count
        self.count += 1
        last = self.steps[-1] if self.steps else None
        if last is not None and last[0] == "r":  # numbers reserved in a row: one step
            self.steps[-1] = ("r", last[1] + 1)
        else:
            self.steps.append(("r", 1))
        return number

    def outside(self, code: str, number: int) -> None:
        """An object outside the part (the front's `code`) was referred to, and has `number`."""
        self.codes[number] = code
        self.steps.append(("f", code))

    def template(self, text: bytes) -> Template:
        """`text` cut at its references, each as its code; a number without one (an object the tape
        cannot name) makes the tape not `ok`: the part is written, not kept."""
        texts, codes, last = [], [], 0
        for match in _TOKENS.finditer(text):
            if match.group(1) is None:
                continue
            code = self.codes.get(int(match.group(1)))
            if code is None or match.group(2) != b"0":
                self.ok = False
                return text, ()
            texts.append(text[last : match.start()].replace(b"%", b"%%"))
            codes.append(code)
            last = match.end()
        if not codes:
            return text, ()
        texts.append(text[last:].replace(b"%", b"%%"))
        return b"%d 0 R".join(texts), tuple(codes)

    def put(self, number: int, body: bytes) -> None:
        self.steps.append(("p", self.codes[number], self.template(body)))
        self.writer.put(number, body)

    def put_plain(self, number: int, body: bytes) -> None:
        self.steps.append(("l", self.codes[number], self.template(body)))
        self.writer.put_plain(number, body)

    def put_stream(self, number: int, entries: bytes, data: bytes) -> None:
        self.steps.append(("s", self.codes[number], self.template(entries), data))
        self.writer.put_stream(number, entries, data)

    def tape(self, records: dict[str, Any]) -> bytes:
        """The steps and the skeleton's `records` (texts as templates), as bytes to keep."""
        return marshal.dumps((self.steps, records))


def fill(template: Template, numbers: list[int], outside: dict[str, int]) -> bytes:
    """The text of `template` with the references' numbers."""
    text, codes = template
    if not codes:
        return text
    return text % tuple([numbers[code] if isinstance(code, int) else outside[code] for code in codes])


def replay(
    data: bytes, writer: Writer, outside: dict[str, int], shared: Callable[[str], int]
) -> tuple[list[int], dict[str, int], dict[str, Any]]:
    """Write a kept tape's objects to `writer`; `outside` numbers the skeleton's objects, `shared(code)`
    the front's (reserving it at first use). Returns the part's numbers, the outside objects' numbers
    by code, and the skeleton's records (Recorder.tape)."""
    steps, records = marshal.loads(data)
    numbers: list[int] = []
    names = dict(outside)
    for step in steps:
        kind = step[0]
        if kind == "r":
            first = writer.reserve_many(step[1])
            numbers.extend(range(first, first + step[1]))
        elif kind == "p":
            writer.put(numbers[step[1]], fill(step[2], numbers, names))
        elif kind == "l":
            writer.put_plain(numbers[step[1]], fill(step[2], numbers, names))
        elif kind == "s":
            writer.put_stream(numbers[step[1]], fill(step[2], numbers, names), step[3])
        else:
            names[step[1]] = shared(step[1])
    return numbers, names, records
