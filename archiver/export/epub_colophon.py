"""The EPUB's colophon page from kept pieces: ebooklib's page of the colophon's shell (heading and
what the edition was made from) with each article's entry, as ebooklib wrote it, spliced in.

ebooklib writes a page by parsing its body as HTML and serializing it pretty-printed; an entry
(an h2 and a list, no text between elements) is then written the same whatever stands around it,
at the same depth. The entries are kept in one file by their XML's checksum, so a one-change
export writes one entry instead of a thousand (tests/export/test_epub_colophon.py compares the
page with the one made whole).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable

from archiver.document.model import Document
from archiver.export.cache import key, styles_digest
from archiver.export.frame import Frame, colophon, colophon_entry, colophon_shell
from archiver.export.xhtml import Element, el

KIND = "epub-colophon"


def page(framed: Frame, write: Callable[[Element], bytes]) -> bytes | None:
    """The colophon's page; `write` gives ebooklib's page of an element. None for one article's
    own file (made whole, as splicing would cost more) and when an article's XML checksum is
    unknown (the page is then made whole, and not kept)."""
    cache = framed.context.cache
    docs = framed.edition.documents
    digests = [cache.digests.get(d.meta.archive_id) for d in docs] if cache else []
    if cache is None or len(docs) < 2 or None in digests:
        return None
    name = key(styles_digest(), KIND)
    kept = _entries(cache.recorded(KIND, name))
    missing = [doc for doc, digest in zip(docs, digests, strict=True) if digest not in kept]
    if len(missing) > FEW:  # a cold export: the page made whole, then cut into its entries
        whole = write(colophon(framed.edition))
        found = dict(zip(digests, _cut(whole), strict=True))
    else:
        found = {
            d: kept[d] if d in kept else _entry(doc, write) for doc, d in zip(docs, digests, strict=True)
        }
    used = {d: found[d] for d in digests if d}
    if used != kept:
        cache.put(KIND, name, _dumps(used))
    if len(missing) > FEW:
        return whole
    shell = write(colophon_shell(framed.edition))
    cut = _line_start(shell, shell.rindex(b"</section>"))
    return shell[:cut] + b"".join(used[d] for d in digests if d) + shell[cut:]


FEW = 8  # more entries missing than this: the page is made whole and cut, not entry by entry


def _cut(page: bytes) -> list[bytes]:
    """A whole colophon page's entries, in order: from each h2's line to the next (or the end)."""
    first = _line_start(page, page.index(b"<h2"))
    end = _line_start(page, page.rindex(b"</section>"))
    marker = b"\n" + page[first : page.index(b"<h2")] + b"<h2"  # the h2's indentation
    starts = [first]
    at = page.find(marker, first)
    while at != -1 and at < end:
        starts.append(at + 1)
        at = page.find(marker, at + 1)
    starts.append(end)
    return [page[a:b] for a, b in itertools.pairwise(starts)]


def _entry(doc: Document, write: Callable[[Element], bytes]) -> bytes:
    """One article's entry as ebooklib writes it inside the colophon: whole lines, h2 to list's end."""
    root = el(None, "section", cls="colophon", id="colophon")
    colophon_entry(root, doc)
    alone = write(root)
    return alone[_line_start(alone, alone.index(b"<h2")) : _line_start(alone, alone.rindex(b"</section>"))]


def _line_start(data: bytes, at: int) -> int:
    return data.rfind(b"\n", 0, at) + 1


def _dumps(entries: dict[str, bytes]) -> bytes:
    """Entries as one file: a JSON line of [checksum, length] pairs, then the entries' bytes."""
    head = json.dumps([[k, len(v)] for k, v in entries.items()], separators=(",", ":"))
    return head.encode("ascii") + b"\n" + b"".join(entries.values())


def _entries(data: bytes | None) -> dict[str, bytes]:
    """The kept entries by XML checksum, or none when absent or not of this form."""
    if not data:
        return {}
    head, _, rest = data.partition(b"\n")
    try:
        pairs = json.loads(head)
        found: dict[str, bytes] = {}
        at = 0
        for digest, size in pairs:
            if not isinstance(digest, str) or type(size) is not int or at + size > len(rest):
                return {}
            found[digest] = rest[at : at + size]
            at += size
    except (ValueError, TypeError):
        return {}
    return found if at == len(rest) else {}
