"""A Document as a compact JSON record in the render cache, read back equal to parsing its XML.

A warm export needs every archived document (the edition's sections, metadata and colophon) but
renders almost none: reading a record is several times cheaper than parsing the canonical XML.
A record is kept under the SHA-256 of the exact XML it was parsed from, so it can only stand for
those bytes; the model's shape (every class's field names) is part of the key, so a changed model
misses instead of reading old records wrongly.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any

from archiver.document import model
from archiver.export.cache import RenderCache, key

RECORD_VERSION = "1"
KIND = "document"
# Every class of the document model, by the name its records carry (a class added to the model is
# recorded without being listed here, and changes SHAPE).
CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in vars(model).values()
    if isinstance(cls, type) and is_dataclass(cls) and cls.__module__ == model.__name__
}
FIELDS: dict[str, tuple[str, ...]] = {
    name: tuple(f.name for f in fields(cls)) for name, cls in CLASSES.items()
}
BY_KEYWORD = frozenset(name for name, cls in CLASSES.items() if any(f.kw_only for f in fields(cls)))
SHAPE = key(RECORD_VERSION, *(f"{name}({','.join(names)})" for name, names in FIELDS.items()))
LIST, TUPLE = "[", "("  # the tags of lists and tuples (a class name is never one of these)


def encode(value: Any) -> Any:
    """A document (or a part of one) as JSON values: every list a [tag, items...]."""
    if is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        return [name, *(encode(getattr(value, f)) for f in FIELDS[name])]
    if isinstance(value, list):
        return [LIST, *(encode(v) for v in value)]
    if isinstance(value, tuple):
        return [TUPLE, *(encode(v) for v in value)]
    return value  # str, int, float, bool or None


def _maker(name: str) -> Callable[[list[Any]], Any]:
    """How a record's items become the object tagged `name` (keyword-only classes by keyword)."""
    cls, names = CLASSES[name], FIELDS[name]
    if name in BY_KEYWORD:
        return lambda items: cls(**dict(zip(names, items, strict=True)))
    return lambda items: cls(*items)


MAKERS: dict[str, Callable[[list[Any]], Any]] = {LIST: list, TUPLE: tuple} | {n: _maker(n) for n in CLASSES}


def decode(value: Any) -> Any:
    """What `encode` made, back as the objects it was made from."""
    if type(value) is not list:
        return value
    items = iter(value)
    make = MAKERS[next(items)]
    return make([decode(v) if type(v) is list else v for v in items])


def name(xml_digest: str) -> str:
    """The record's name in the cache: the XML's checksum and the model's shape."""
    return key(SHAPE, xml_digest)


def load(cache: RenderCache, xml_digest: str) -> model.Document | None:
    """The document kept for the XML with this checksum, or None (never kept, or unreadable)."""
    data = cache.recorded(KIND, name(xml_digest))
    if data is None:
        return None
    try:
        doc = decode(json.loads(data))
    except (ValueError, TypeError, KeyError):  # a record of another shape: parse the XML instead
        return None
    return doc if isinstance(doc, model.Document) else None


def keep(cache: RenderCache, xml_digest: str, doc: model.Document) -> None:
    """Keep a document parsed from the XML with this checksum, for the next export."""
    data = json.dumps(encode(doc), ensure_ascii=False, separators=(",", ":"))
    cache.put(KIND, name(xml_digest), data.encode("utf-8"))
