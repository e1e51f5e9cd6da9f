"""One-ink black for the press: device RGB and grey colours rewritten as DeviceCMYK, neutrals on K alone.

WeasyPrint paints in DeviceRGB (`0 0 0 rg`), which a RIP separates into four-colour black: a
line of text then needs four plates in register. Here every content stream's colour operators
are read with pikepdf's content-stream parser and rewritten: a neutral (grey or black) becomes
`0 0 0 k` on the black plate only, any other RGB colour a plain CMYK equivalent (the cover's red
rule). Images and shadings in DeviceRGB get the sRGB ICC profile (device-independent colour,
which PDF/X-4 allows); transparency groups blend in DeviceCMYK.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Colour = tuple[float, ...]


def cmyk(rgb: Colour) -> Colour:
    """An RGB colour (0..1) as CMYK: a neutral on K only, any other colour with grey replaced by K."""
    r, g, b = rgb
    if r == g == b:
        return (0.0, 0.0, 0.0, round(1 - r, 4))
    k = 1 - max(r, g, b)
    return (*(round((1 - v - k) / (1 - k), 4) for v in (r, g, b)), round(k, 4))


def grey(level: Colour) -> Colour:
    """A DeviceGray level as CMYK on K only."""
    return (0.0, 0.0, 0.0, round(1 - level[0], 4))


# Colour operator -> (its CMYK operator, how its operands convert).
SETTERS: dict[str, tuple[str, Callable[[Colour], Colour]]] = {
    "rg": ("k", cmyk),
    "RG": ("K", cmyk),
    "g": ("k", grey),
    "G": ("K", grey),
}
# A device colour space set with cs/CS -> how the following sc/scn (SC/SCN) operands convert.
SPACES: dict[str, Callable[[Colour], Colour]] = {"/DeviceRGB": cmyk, "/DeviceGray": grey}
SELECT = {"cs": ("sc", "scn"), "CS": ("SC", "SCN")}


def rewrite(instructions: list[Any], spaces: dict[str, str]) -> tuple[list[Any], bool]:
    """The instructions with device RGB and grey colours as DeviceCMYK; whether anything changed.

    `spaces` maps the stream's colour space resource names to the device space they stand for.
    """
    import pikepdf

    out: list[Any] = []
    changed = False
    current: dict[str, Callable[[Colour], Colour] | None] = {"cs": None, "CS": None}
    for ins in instructions:
        op = str(ins.operator)
        if isinstance(ins, pikepdf.ContentStreamInstruction) and op in SETTERS:
            new_op, convert = SETTERS[op]
            values = convert(tuple(float(v) for v in ins.operands))
            ins = pikepdf.ContentStreamInstruction(list(values), pikepdf.Operator(new_op))
            changed = True
        elif op in SELECT:
            name = str(ins.operands[0])
            current[op] = SPACES.get(spaces.get(name, name))
            if current[op] is not None:
                ins = pikepdf.ContentStreamInstruction([pikepdf.Name.DeviceCMYK], pikepdf.Operator(op))
                changed = True
        else:
            setter = next((kind for kind, ops in SELECT.items() if op in ops), None)
            convert_now = current[setter] if setter else None
            if convert_now is not None:
                values = convert_now(tuple(float(v) for v in ins.operands))
                ins = pikepdf.ContentStreamInstruction(list(values), pikepdf.Operator(op))
        out.append(ins)
    return out, changed


def _device_spaces(resources: Any) -> dict[str, str]:
    """Resource names of colour spaces that are device RGB or grey under another name."""
    out: dict[str, str] = {}
    named = resources.get("/ColorSpace") if resources is not None else None
    for name, space in (named or {}).items():
        if str(space) in SPACES:
            out[str(name)] = str(space)
    return out


def _streams(pdf: Any) -> Iterator[tuple[Any, Any]]:
    """Every content stream once, with its resources: pages, their form XObjects, patterns, appearances."""
    seen: set[tuple[int, int]] = set()

    def inside(resources: Any) -> Iterator[tuple[Any, Any]]:
        if resources is None:
            return
        for group in ("/XObject", "/Pattern"):
            for obj in resources.get(group, {}).values():
                is_form = obj.get("/Subtype") == "/Form" or obj.get("/PatternType") == 1
                if is_form and obj.objgen not in seen:
                    seen.add(obj.objgen)
                    yield obj, obj.get("/Resources", resources)
                    yield from inside(obj.get("/Resources"))

    for page in pdf.pages:
        page.contents_coalesce()
        yield page.obj.Contents, page.obj.get("/Resources")
        yield from inside(page.obj.get("/Resources"))
        for annot in page.obj.get("/Annots", []):
            normal = annot.get("/AP", {}).get("/N")
            if normal is not None and normal.get("/Subtype") == "/Form" and normal.objgen not in seen:
                seen.add(normal.objgen)
                yield normal, normal.get("/Resources")


def _recolour_objects(pdf: Any, srgb: Any) -> None:
    """Images and shadings in DeviceRGB get the sRGB profile; transparency groups blend in CMYK."""
    import pikepdf

    icc = pikepdf.Array([pikepdf.Name.ICCBased, srgb]) if srgb is not None else None
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            continue
        painted = obj.get("/Subtype") == "/Image" or "/ShadingType" in obj
        if icc is not None and painted and obj.get("/ColorSpace") == pikepdf.Name.DeviceRGB:
            obj.ColorSpace = icc
        group = obj.get("/Group")
        if isinstance(group, pikepdf.Dictionary) and group.get("/CS") in (
            pikepdf.Name.DeviceRGB,
            pikepdf.Name.DeviceGray,
        ):
            group.CS = pikepdf.Name.DeviceCMYK


def one_ink(pdf: Any) -> None:
    """Rewrite every colour the document paints in device RGB or grey as DeviceCMYK (black on K)."""
    import pikepdf

    intents = pdf.Root.get("/OutputIntents", [])
    srgb = next((i.DestOutputProfile for i in intents if int(i.DestOutputProfile.get("/N", 0)) == 3), None)
    for stream, resources in list(_streams(pdf)):
        spaces = _device_spaces(resources)
        instructions, changed = rewrite(list(pikepdf.parse_content_stream(stream)), spaces)
        if changed:
            stream.write(pikepdf.unparse_content_stream(instructions))
    _recolour_objects(pdf, srgb)
