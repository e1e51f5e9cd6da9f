"""Hostile inputs measured in issue 7, as bytes: shared by the regression tests and the timing script."""

from __future__ import annotations

import random
from collections.abc import Callable

_WORDS = str.split(
    "het ijs was volgens de vereniging op meeste plaatsen zeker negen centimeter dik alleen bij "
    "bruggen in centrum moesten rijders over een stuk riet en zeildoek lopen omdat daar water te "
    "lang open gebleven schaatsers kade stonden tientallen toeschouwers met thermosflessen koffie "
    "burgemeester Leeuwarden Noord-Koreaanse Stiens dochter neven"
)

BILLION_LAUGHS = (
    '---\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))
    + "---\n\nBody.\n"
)


def front_matter(yaml_text: str) -> bytes:
    """A front-matter article whose YAML is `yaml_text`."""
    return f"---\n{yaml_text}\n---\n\nDe tekst van het artikel zelf.\n".encode()


def prose(n_bytes: int, width: int | None = 72, seed: int = 7) -> bytes:
    """Realistic Dutch-looking prose: sentences, paragraphs, hard-wrapped at `width` (None: one line)."""
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < n_bytes:
        words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 20))]
        sentence = " ".join(words).capitalize() + rng.choice(".!?.,") + " "
        out.append(sentence)
        size += len(sentence)
        if width is not None and rng.random() < 0.12:
            out.append("\n\n")
    text = "".join(out)
    if width is not None:
        text = "\n\n".join(_wrap(par, width) for par in text.split("\n\n"))
    return ("Een titel\n\n" + text + "\n").encode()


def _wrap(par: str, width: int) -> str:
    lines, line = [], ""
    for word in par.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def hyphen_lines(n: int, spaces: bool = True) -> bytes:
    """`n` hard-wrapped lines, each ending in a break hyphen: one paragraph that keeps growing."""
    line = "dit is een regel tekst die netjes op een vaste breedte eindigt met af-"
    line = line if spaces else line.replace(" ", "")
    return ("Titel\n\n" + "\n".join([line] * n) + "\nsluiting.\n").encode()


def mixed_lines(n_bytes: int) -> bytes:
    """Prose whose lines are UTF-8 and Latin-1 by turns (two in three Latin-1)."""
    lines = prose(n_bytes).decode().replace("ee", "ë").split("\n")
    return b"\n".join(line.encode("latin-1" if i % 3 else "utf-8") for i, line in enumerate(lines))


# Built when asked for: some are megabytes.
ATTACKS: dict[str, Callable[[], bytes]] = {
    "yaml-bad-date": lambda: front_matter("title: Een titel\ndate: 2019-02-30"),
    "yaml-4301-digits": lambda: front_matter("n: " + "9" * 4301),
    "yaml-self-alias": lambda: front_matter("a: &x [*x]"),
    "yaml-1000-brackets": lambda: front_matter("a: " + "[" * 1000 + "]" * 1000),
    "yaml-billion-laughs": lambda: BILLION_LAUGHS.encode(),
    "dateline-Aa-599B": lambda: ("Aa-" * 200)[:-1].encode(),
    "dateline-Aa-2000": lambda: ("Aa-" * 2000)[:-1].encode() + b" tekst\n",
    "word-30kB": lambda: b"Titel\n\n" + b"a" * 30_000 + b"\n",
    "atx-20kB-spaces": lambda: b"# a" + b" " * 20_000 + b"b\n\nTekst.\n",
    "atx-20kB-hashes": lambda: b"# a" + b"#" * 20_000 + b"b\n\nTekst.\n",
    "hyphen-lines-5000": lambda: hyphen_lines(5000),
    "hyphen-lines-100k": lambda: hyphen_lines(100_000),
    "hyphen-word-lines-5000": lambda: hyphen_lines(5000, spaces=False),
    "date-header-64kB": lambda: b"Title: Een titel\nDate: 2019 " + b"1 " * 32_000 + b"\n\nTekst.\n",
    "quote-500": lambda: b"Tekst vooraf.\n\n" + b">" * 500 + b" diep\n",
    "one-line-12MB": lambda: prose(12 * 2**20, width=None),
    "utf16le-cyrillic-nobom": lambda: ("Новая библиотека открылась.\n" * 20).encode("utf-16-le"),
    "utf16be-cjk-nobom-odd": lambda: ("新しい図書館が開館しました。\n" * 20).encode("utf-16-be") + b"\x00",
    "mixed-lines-3MB": lambda: mixed_lines(3 * 2**20),
    "mixed-utf8-latin1-cp1252": lambda: (
        "Een regel in UTF-8: café € 3,50.\n".encode()
        + "Een regel in Latin-1: Zoë en Loïc.\n".encode("latin-1")
        + "Een regel in cp1252: “prijs” € 4 – klaar.\n".encode("cp1252")
    ),
}
