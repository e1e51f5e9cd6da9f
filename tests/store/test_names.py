"""Stored names: safe_name's shortcut for usual names gives what its character-by-character rule gives."""

from __future__ import annotations

import random
from pathlib import Path

from archiver.store.files import NAME_BYTES, printable_name, safe_name

ALPHABET = "ab.Z09 -_é中\u200b\u00ad\t\n\x7f\x85/\\:" + "".join(map(chr, range(0x20)))


def by_character(name: str) -> str:
    """The rule itself: every character that is not printable, or is a separator, becomes "_"."""
    base = Path(printable_name(name)).name.lstrip(".")
    return "".join(c if c.isprintable() and c not in "/\\:" else "_" for c in base) or "original"


def test_safe_name_keeps_the_rule_for_every_kind_of_name() -> None:
    rng = random.Random(8)
    names = [
        "a.txt",
        "",
        ".",
        "..",
        ".hidden",
        "a:b",
        "x/y.txt",
        "tab\there",
        "é.txt",
        "\udcff.txt",
        "a" * 300,
    ]
    names += ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    for name in names:
        expected = by_character(name)
        if len(expected.encode("utf-8")) <= NAME_BYTES:
            assert safe_name(name) == expected, name
        assert safe_name(name).isprintable() and not any(c in safe_name(name) for c in "/\\:")
