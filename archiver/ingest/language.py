"""Language identification with py3langid, whose model ships inside the package (no downloads)."""

from __future__ import annotations

from functools import cache
from typing import Any

SAMPLE = 20_000  # characters; more changes no verdict and costs time on a 60 MB article


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability 0..1) of the main language of `text`."""
    code, prob = _identifier().classify(text[:SAMPLE])
    return str(code), round(float(prob), 2)
