"""Language identification with py3langid, whose model ships inside the package (no downloads).

The verdicts are py3langid's own, bit for bit (its classifier object and scoring run unchanged);
only the model is held differently, and its feature walk is done in numpy (see `_Identifier`).
py3langid decompresses its 4.5 MB LZMA model on every start (0.8 s, in every worker process)
and keeps the score table in float16, which numpy converts to float32 on every call (half the
time of a classification of a short article). Here the model is unpacked
once per machine into a cache folder, with the table already in float32, and each process maps
those files read-only: loading costs milliseconds, the pages are shared between workers, and
the scores are bit for bit the same (numpy multiplies float16 by first converting to float32).
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import Any

from archiver.ingest import mapped

SAMPLE = 20_000  # characters; more changes no verdict and costs time on a 60 MB article
_LAYOUT = 2  # bump when the cached files change form
# Model (the first 16 hex digits of its file's SHA-256) -> the bytes after which its DFA forgets
# where it began: from any state, reading the same WINDOW bytes ends in the same state. Proved for
# the installed model by tests/ingest/test_language.py (`synchronizing_window`); a model not
# listed here is walked by py3langid's own loop.
WINDOWS = {"f4f4a2c3465ca1f0": 6}


def detect(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability 0..1) of the main language of `text`."""
    code, prob = _identifier().classify(text[:SAMPLE])
    return str(code), round(float(prob), 2)


@cache
def _identifier() -> Any:
    from py3langid.langid import LanguageIdentifier

    parts = _mapped()
    if parts is None:  # no cache folder to be had: py3langid's own way, table in float32
        parts = _unpacked()
    ptc, pc, classes, nextmove, row, out = parts
    window = WINDOWS.get(_model_key())
    if window is None:
        return LanguageIdentifier(ptc, pc, classes, nextmove, out, norm_probs=True, tk_row=row)
    return _identifier_class()(ptc, pc, classes, nextmove, out, norm_probs=True, tk_row=row, window=window)


@cache
def _model_key() -> str:
    """The model file's identity: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(_model_file().read_bytes()).hexdigest()[:16]


@cache
def _identifier_class() -> type:
    """py3langid's LanguageIdentifier with its feature walk done in numpy (defined on first use)."""
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    class _Identifier(LanguageIdentifier):  # type: ignore[misc]
        """py3langid's DFA walk takes one Python step per byte (about 1 ms for an article's sample).

        The DFA forgets its past after `window` bytes (WINDOWS), so the state after byte i is
        the state reached from the start state by reading bytes i-window+1..i: `window` numpy
        steps over all positions at once give every state. The features are counted in the
        order of their first occurrence, as py3langid's Counter holds them, and scored with its
        formula, so that the sums run in the same order and the scores are the same to the bit.
        """

        __slots__ = ("_moves", "_outputs", "_rows", "_window")

        def __init__(self, *args: Any, window: int, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._window = window
            self._moves = np.asarray(self.tk_nextmove)
            self._rows = np.asarray(self.tk_row, dtype=np.int64) << 8
            self._outputs = np.asarray(self.tk_output)

        def _raw_score(self, text: bytes) -> Any:
            codes = np.frombuffer(text, dtype=np.uint8)
            n = len(codes)
            states = np.zeros(n, dtype=np.intp)
            begun = False  # every state is still the start state (0): its row needs no lookup
            for lag in range(self._window - 1, -1, -1):  # position i reads byte i - lag
                if lag < n:
                    # take: fancy indexing's work with less overhead
                    moves = self._rows.take(states[lag:]) if begun else np.full(n - lag, self._rows[0])
                    moves += codes[: n - lag]
                    states[lag:] = self._moves.take(moves)
                    begun = True
            found = self._outputs.take(states)
            found = found[found >= 0]
            if not len(found):  # no features: py3langid's own answer
                return super()._raw_score(b"")
            features, counts = _in_first_order(found)
            return np.log1p(counts.astype(np.float32)) @ self.nb_ptc.take(features, axis=0) + self.nb_pc

    def _in_first_order(found: Any) -> tuple[Any, Any]:
        """The distinct values of `found` in the order of their first occurrence, and their counts.

        np.unique's answer reordered, with one stable sort instead of two: in the sorted values,
        the first of each run of equal values is the earliest occurrence (the sort is stable).
        """
        perm = found.argsort(kind="stable")
        ordered = found[perm]
        starts = np.empty(len(ordered), dtype=bool)
        starts[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
        run = np.cumsum(starts) - 1  # the run of each sorted value
        counts = np.bincount(run)
        first = np.zeros(len(found), dtype=bool)
        first[perm[starts]] = True  # positions that are a value's first occurrence
        run_at = np.empty(len(found), dtype=np.intp)
        run_at[perm] = run
        runs = run_at[first]  # the runs in the order of their first occurrence
        return ordered[starts][runs].astype(np.intp), counts[runs]

    return _Identifier


def cache_dir() -> Path:
    """Where the unpacked model lives: $ARCHIVER_MODEL_CACHE, else $XDG_CACHE_HOME or ~/.cache, /archiver."""
    explicit = os.environ.get("ARCHIVER_MODEL_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "archiver"


def _model_file() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return Path(str(MODEL_DIR)) / str(MODEL_FILE)


def _unpacked() -> tuple[Any, ...]:
    """py3langid's model as its loader gives it, with the score table converted to float32."""
    import numpy as np
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, out = load_model(_model_file())
    return np.asarray(ptc, dtype=np.float32), np.asarray(pc), classes, nextmove, row, out


def _mapped() -> tuple[Any, ...] | None:
    """The model from the cache folder (unpacked there first if need be), or None if it cannot be."""
    try:
        return mapped.kept(cache_dir() / f"langid-{_LAYOUT}-{_model_key()}", _write_cache, _load_cache)
    except (OSError, ValueError, KeyError):
        return None


def _write_cache(folder: Path) -> None:
    """Unpack the model into `folder`, whole or not at all."""
    import numpy as np

    ptc, pc, classes, nextmove, row, out = _unpacked()
    files = {
        "ptc.f32": np.ascontiguousarray(ptc, dtype=np.float32).tobytes(),
        "pc.f32": np.asarray(pc, dtype=np.float32).tobytes(),
        "nextmove.u32": np.asarray(nextmove, dtype=np.uint32).tobytes(),
        "row.u32": np.asarray(row, dtype=np.uint32).tobytes(),
        "out.i32": np.asarray(out, dtype=np.int32).tobytes(),
    }
    mapped.publish(folder, files, {"classes": list(classes), "features": int(ptc.shape[0])})


def _load_cache(folder: Path) -> tuple[Any, ...]:
    """The cached model, mapped read-only: numpy arrays for the scores, memoryviews for the DFA."""
    import numpy as np

    meta = mapped.opened(folder)
    classes: list[str] = meta["classes"]
    ptc = np.frombuffer(mapped.map_file(folder / "ptc.f32"), dtype=np.float32)
    ptc = ptc.reshape(meta["features"], len(classes))
    pc = np.frombuffer(mapped.map_file(folder / "pc.f32"), dtype=np.float32)
    nextmove = mapped.map_file(folder / "nextmove.u32").cast("I")
    row = mapped.map_file(folder / "row.u32").cast("I")
    out = mapped.map_file(folder / "out.i32").cast("i")
    if len(pc) != len(classes) or len(out) != len(row):
        raise ValueError(f"{folder}: an incomplete model")
    return ptc, pc, classes, nextmove, row, out
