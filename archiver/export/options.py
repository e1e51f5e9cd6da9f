"""Format options: KEY=VALUE pairs turned into a format's Options, checked against field metadata."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterable
from typing import Any

from archiver.errors import UnknownName, UsageError

# Field metadata keys: "help" (one line, required), "choices" (allowed values), "range" ((low, high)).
BOOLS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def _to_bool(key: str, text: str) -> bool:
    try:
        return BOOLS[text.strip().lower()]
    except KeyError:
        raise UsageError(f"option {key}: {text!r} is not one of true, false, yes, no, 1, 0") from None


def _to_number(kind: type[int] | type[float]) -> Callable[[str, str], int | float]:
    def convert(key: str, text: str) -> int | float:
        try:
            return kind(text)
        except ValueError:
            raise UsageError(f"option {key}: {text!r} is not a number") from None

    return convert


# Field type -> how a command-line string becomes a value of it.
CONVERTERS: dict[type, Callable[[str, str], Any]] = {
    bool: _to_bool,
    int: _to_number(int),
    float: _to_number(float),
    str: lambda key, text: text,
}


def _types(cls: type[Any]) -> dict[str, type]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(cls)}


def validate(options: Any) -> None:
    """Raise UnknownName or UsageError unless every value is allowed; Options call this on creation."""
    for f in dataclasses.fields(options):
        value, choices, limits = getattr(options, f.name), f.metadata.get("choices"), f.metadata.get("range")
        if choices is not None and value not in choices:
            raise UnknownName(f.name, str(value), choices)
        if limits is not None and not limits[0] <= value <= limits[1]:
            raise UsageError(f"option {f.name}: {value:g} is outside {limits[0]} to {limits[1]}")


def parse(cls: type[Any], pairs: Iterable[str], fmt: str) -> Any:
    """Options of `fmt` from ["paper=A5", "marks=yes"]; later pairs win; unknown keys are refused."""
    types = _types(cls)
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip().replace("-", "_")
        if not sep:
            raise UsageError(f"option {pair!r}: write KEY=VALUE, e.g. -O paper=A5")
        if not types:
            raise UsageError(f"{fmt} has no options (see `archiver formats`)")
        if key not in types:
            raise UnknownName(f"{fmt} option", key, types)
        values[key] = CONVERTERS[types[key]](key, text.strip())
    return cls(**values)


def describe(cls: type[Any]) -> dict[str, dict[str, Any]]:
    """Each option's type, default, help and allowed values, for `archiver formats`."""
    types = _types(cls)
    out: dict[str, dict[str, Any]] = {}
    for f in dataclasses.fields(cls):
        info: dict[str, Any] = {
            "type": types[f.name].__name__,
            "default": f.default,
            "help": f.metadata["help"],
        }
        for key in ("choices", "range"):
            if key in f.metadata:
                info[key] = list(f.metadata[key])
        out[f.name] = info
    return out


def _typed(value: object) -> str:
    """A value as it would be typed after -O: no, 0, A4."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:g}" if isinstance(value, float) else str(value)


def usage(key: str, info: dict[str, Any]) -> str:
    """One help line: "-O paper=A4|A5|Letter      paper size [default: A4]"."""
    if "choices" in info:
        allowed = "|".join(info["choices"])
    elif "range" in info:
        allowed = f"{info['range'][0]}..{info['range'][1]}"
    else:
        allowed = "yes|no" if info["type"] == "bool" else info["type"].upper()
    return f"{f'-O {key}={allowed}':<26} {info['help']} [default: {_typed(info['default'])}]"
