"""YAML front matter between `---` lines, read within limits: plain values only, no aliases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from archiver.errors import Problem
from archiver.ingest._text import xml_safe
from archiver.ingest.dialects.base import first_lines, rest_after
from archiver.ingest.found import KEY_TO_FIELD, Found

_CLOSE = ("---", "...")
MAX_LINES = 200  # the closing fence must come within this many lines
MAX_CHARS = 64 * 1024  # front matter is a few lines of metadata, not a document
MAX_DEPTH = 16  # collections inside collections
MAX_NODES = 5000  # scalars, lists and mappings together
# A front-matter head starts with a key ("title:", "'tags':"); anything else is not meant as YAML.
_KEY_LINE = re.compile(r"[\"']?[^\W\d][\w .'/-]{0,40}[\"']?[ \t]*:(?:[ \t]|$)")


# libyaml's parser when PyYAML was built with it: ten times faster than the pure-Python one.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _PlainLoader(_SafeLoader):  # type: ignore[misc]
    """Safe YAML in which every scalar except null stays the string it was written as.

    Ints, floats, booleans and timestamps are not converted: a 4,301-digit number or the
    date 2019-02-30 cannot fail, and values keep their exact spelling.
    """


def _by_kind(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """Any tag but null, list and mapping: built from the node's kind, scalars as their text."""
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_PlainLoader.yaml_constructors = {
    "tag:yaml.org,2002:null": yaml.SafeLoader.construct_yaml_null,
    "tag:yaml.org,2002:seq": yaml.SafeLoader.construct_yaml_seq,
    "tag:yaml.org,2002:map": yaml.SafeLoader.construct_yaml_map,
    None: _by_kind,
}


@dataclass
class _Head:
    """Front matter found at the top: its length in lines, and its mapping or why it is unreadable."""

    n_lines: int
    data: dict[Any, Any] | None
    error: str = ""


def _over_limits(source: str) -> str:
    """Why the YAML is beyond what front matter needs, or ""; looks at parser events only."""
    if len(source) > MAX_CHARS:
        return f"longer than {MAX_CHARS // 1024} KiB"
    depth = nodes = 0
    for event in yaml.parse(source, Loader=_PlainLoader):
        if isinstance(event, yaml.AliasEvent):
            return "uses aliases"  # aliases are how YAML bombs multiply; metadata never needs them
        depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
        nodes += isinstance(event, yaml.NodeEvent)
        if depth > MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH}"
        if nodes > MAX_NODES:
            return f"holds more than {MAX_NODES} values"
    return ""


def _load(source: str) -> tuple[Any, str]:
    """(the loaded YAML, "") or (None, why it cannot be read)."""
    try:
        error = _over_limits(source)
        return (None, error) if error else (yaml.load(source, Loader=_PlainLoader), "")
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        return None, " ".join(str(exc).split())[:120] or type(exc).__name__


def _split(text: str) -> _Head | None:
    """The front matter at the top of `text`, or None when there is none."""
    lines = first_lines(text, MAX_LINES + 1)
    if lines[0].strip() != "---":
        return None
    close = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() in _CLOSE), None)
    if close is None:
        return None
    data, error = _load("\n".join(lines[1:close]))
    if isinstance(data, dict):
        return _Head(close + 1, data)
    first = next((line for line in lines[1:close] if line.strip()), "")
    if error and _KEY_LINE.match(first):
        return _Head(close + 1, None, error)  # meant as front matter, but unreadable
    return None


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_as_text(v)}" for k, v in value.items())
    return "" if value is None else xml_safe(str(value))


_SCALAR_LINE = re.compile(r"^[\"']?([^\W\d][\w .'/-]{0,40}?)[\"']?[ \t]*:[ \t]+(\S.*)$")


def _markup(lines: list[str], data: dict[Any, Any]) -> list[str]:
    """The YAML lines less each plain one-line value, which must be accounted for where it is kept.

    Lists, nested mappings and folded values stay whole lines: their syntax and text are interleaved.
    """
    out = []
    for line in lines:
        m = _SCALAR_LINE.match(line)
        value = data.get(m.group(1)) if m else None
        if m and isinstance(value, str) and value and value in m.group(2):
            out.append(line[: m.start(2)] + m.group(2).replace(value, "", 1))
        else:
            out.append(line)
    return out


class FrontMatter:
    """A YAML mapping between `---` lines at the top of the file."""

    name = "front-matter"
    description = "YAML front matter between '---' lines"

    def sniff(self, text: str) -> float:
        head = _split(text)
        if head is None:
            return 0.0
        return 0.99 if head.data is not None else 0.9

    def read(self, text: str, found: Found) -> str:
        head = _split(text)
        if head is None:
            return text
        if head.data is None:
            found.problems.append(Problem("header-invalid", f"front matter {head.error}; kept as text"))
            return text
        found.consumed.extend(_markup(first_lines(text, head.n_lines), head.data))
        # Language first, so that dates are read in the article's language.
        items = sorted(head.data.items(), key=lambda kv: KEY_TO_FIELD.get(str(kv[0]).lower()) != "language")
        for key, value in items:
            found.assign_header(xml_safe(str(key)), _as_text(value), "front-matter")
        return rest_after(text, head.n_lines)
