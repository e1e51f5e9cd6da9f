"""YAML front matter between `---` lines, as static-site generators and pandoc write it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from archiver.ingest.found import KEY_TO_FIELD, Found

_CLOSE = ("---", "...")


def _split(text: str) -> tuple[dict[str, Any], int] | None:
    """The parsed mapping and the number of lines it takes, or None."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for i, line in enumerate(lines[1:200], start=1):
        if line.strip() in _CLOSE:
            try:
                data = yaml.safe_load("\n".join(lines[1:i]))
            except yaml.YAMLError:
                return None
            return (data, i + 1) if isinstance(data, dict) else None
    return None


def _as_text(value: Any) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_as_text(v)}" for k, v in value.items())
    return "" if value is None else str(value)


class FrontMatter:
    """A YAML mapping between `---` lines at the top of the file."""

    name = "front-matter"
    description = "YAML front matter between '---' lines"

    def sniff(self, text: str) -> float:
        return 0.99 if _split(text) is not None else 0.0

    def read(self, text: str, found: Found) -> str:
        split = _split(text)
        if split is None:
            return text
        data, n = split
        lines = text.split("\n")
        found.consumed.extend(lines[:n])  # the YAML source holds every key and value
        # Language first, so that dates are read in the article's language.
        items = sorted(data.items(), key=lambda kv: KEY_TO_FIELD.get(str(kv[0]).lower()) != "language")
        for key, value in items:
            found.assign_header(str(key), _as_text(value), "front-matter")
        return "\n".join(lines[n:])
