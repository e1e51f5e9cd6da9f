"""Compare a render with its approved image: the share of pixels that differ, and a picture of where."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from tests.conftest import ROOT

APPROVED = Path(__file__).resolve().parent / "approved"
FAILED = ROOT / "build" / "visual"  # the render and the diff of each image that differs
CHANNEL = 48  # a pixel differs when some channel moved by more than this (anti-aliasing moves less)
TOLERANCE = 0.001  # the share of differing pixels allowed (0.1 %: one line of text moved is more)


def difference(approved: Image.Image, actual: Image.Image) -> tuple[float, Image.Image]:
    """The share of pixels that differ, and the approved image faded with those pixels in red."""
    if approved.size != actual.size:
        return 1.0, actual.convert("RGB")
    a, b = approved.convert("RGB"), actual.convert("RGB")
    mask = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > CHANNEL else 0)
    changed = mask.histogram()[255]
    faded = Image.blend(a, Image.new("RGB", a.size, "white"), 0.7)
    faded.paste(Image.new("RGB", a.size, (220, 0, 0)), mask=mask)
    return changed / (a.size[0] * a.size[1]), faded


def assert_looks_approved(name: str, png: bytes, update: bool) -> None:
    """Compare with tests/visual/approved/<name>.png; --update-visual (or a missing file) writes it."""
    approved = APPROVED / f"{name}.png"
    if update or not approved.exists():
        approved.parent.mkdir(parents=True, exist_ok=True)
        approved.write_bytes(png)
        if not update:
            pytest.fail(f"{name}.png was not approved yet and has been written; look at it and run again")
        return
    actual = Image.open(io.BytesIO(png))
    share, diff = difference(Image.open(approved), actual)
    if share > TOLERANCE:
        FAILED.mkdir(parents=True, exist_ok=True)
        actual.save(FAILED / f"{name}.png")
        diff.save(FAILED / f"{name}-diff.png")
        pytest.fail(
            f"{name}: {share:.2%} of the pixels differ (allowed {TOLERANCE:.2%}); see "
            f"build/visual/{name}-diff.png, and approve with --update-visual if the change is wanted"
        )
