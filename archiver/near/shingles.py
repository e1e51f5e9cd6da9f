"""What near-duplicate detection compares: normalised word shingles of a body, and their MinHash."""

from __future__ import annotations

import re
import unicodedata
import zlib
from typing import Any

# Bump when the normalisation, the shingle size, the hash or the number of permutations change:
# stored signatures of another rules version are computed again.
RULES = 1
NUM_PERM = 128  # MinHash permutations: the estimate's standard error is about 1/sqrt(128) = 0.09
SEED = 1
SCHEME = "affine32"  # datasketch's 32-bit permutation scheme (uint32 hash values): near.minhash
SIZE = 3  # tokens per shingle
# Scripts written without spaces between words: each character is a token, so a shingle of
# three tokens there is a character trigram (Chinese, Japanese, Thai, Lao, Khmer, Myanmar).
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"  # Thai, Lao, Myanmar, Khmer
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"  # kana, Han
)
_TOKEN = re.compile(rf"[{_UNSPACED}]|[^\W_{_UNSPACED}]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))  # soft hyphen, zero widths


def body_text(title: str, search_text: str) -> str:
    """The body of a catalog search text (its title line first): headlines differ between sources."""
    head = f"{title}\n"
    return search_text[len(head) :] if search_text.startswith(head) else search_text


def tokens(text: str) -> list[str]:
    """Words (letters and digits) in compatibility form and case-folded; typography and punctuation go.

    Curly and straight quotes, dashes, ligatures, full-width forms and soft hyphens all give
    the same tokens, so two copies that differ only in typography have the same shingles.
    """
    plain = unicodedata.normalize("NFKC", text.translate(_INVISIBLE)).casefold()
    return _TOKEN.findall(plain)


def shingles(text: str) -> set[int]:
    """The text's shingles (runs of SIZE tokens) as 32-bit hashes; a shorter text is one shingle."""
    words = tokens(text)
    if not words:
        return set()
    runs = [words] if len(words) < SIZE else (words[i : i + SIZE] for i in range(len(words) - SIZE + 1))
    # CRC-32 is fast and stable across processes; the affine32 scheme (near.minhash) mixes it well
    # (MurmurHash3's finalizer) before permuting, so its linearity does not show in the MinHash
    return {zlib.crc32(" ".join(run).encode()) for run in runs}


def jaccard(a: set[int], b: set[int]) -> float:
    """The exact Jaccard similarity of two shingle sets (0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def packed(found: set[int]) -> bytes:
    """A shingle set as sorted little-endian uint32 values (how the catalog keeps it)."""
    import numpy as np

    return bytes(np.sort(np.fromiter(found, dtype="<u4", count=len(found))).tobytes())


def unpacked(data: bytes) -> Any:
    """A kept shingle set as a sorted numpy array, for `overlap`."""
    import numpy as np

    return np.frombuffer(data, dtype="<u4")


def overlap(a: Any, b: Any) -> float:
    """The exact Jaccard similarity of two sorted shingle arrays (as `jaccard` on sets)."""
    import numpy as np

    both = int(np.intersect1d(a, b, assume_unique=True).size)
    union = len(a) + len(b) - both
    return both / union if union else 0.0


def signature(found: set[int]) -> bytes:
    """The MinHash of a non-empty shingle set, as NUM_PERM little-endian uint32 values."""
    import numpy as np

    from archiver.near import minhash

    hashes = np.fromiter(found, dtype=np.uint32, count=len(found))  # in any order: a minimum each
    return bytes(minhash.signature(hashes, NUM_PERM, SEED).astype("<u4").tobytes())


def estimate(a: bytes, b: bytes) -> float:
    """The MinHash estimate of the Jaccard similarity of two stored signatures."""
    import numpy as np

    from archiver.near import minhash

    return minhash.jaccard(np.frombuffer(a, dtype="<u4"), np.frombuffer(b, dtype="<u4"))
