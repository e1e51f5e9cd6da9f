"""What spans an assembled edition's parts, written last from small records: page tree, structure tree
root and Document element, ParentTree, outline, named destinations and the catalog.

Each part's objects are already in the file (pdf_writer); these objects are the ones that
point into every part, so the assembly keeps only their references (numbers and short texts)
while it writes the parts, and writes them here at the end under numbers it reserved first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from archiver.export.pdf_writer import Copier, Writer, _name

NAMES_PER_LEAF = 64  # named destinations per leaf of the name tree
Mark = tuple[int, bytes, bytes]  # bookmark level, title, destination (as written)


@dataclass
class Skeleton:
    """The numbers reserved for the spanning objects, and what they will hold."""

    writer: Writer
    catalog: int
    pages: int
    root: int  # the StructTreeRoot
    document: int  # the one Document element
    page_refs: list[int] = field(default_factory=list)
    kids: list[bytes] = field(default_factory=list)  # the Document element's kids, as written
    nums: list[tuple[int, bytes]] = field(default_factory=list)  # ParentTree key -> value, as written
    marks: list[Mark] = field(default_factory=list)
    dests: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def reserve(cls, writer: Writer) -> Skeleton:
        """Numbers for the catalog, page tree, structure tree root and Document element."""
        return cls(writer, writer.reserve(), writer.reserve(), writer.reserve(), writer.reserve())

    def write(self, front: Copier, next_key: int, labels: Any, skip: Sequence[str]) -> None:
        """Write the spanning objects; the rest of the catalog comes from the `front` document's
        (except the keys in `skip`), its structure tree root's and Document element's other entries too."""
        w, pdf = self.writer, front.pdf
        kids = b" ".join(b"%d 0 R" % n for n in self.page_refs)
        w.put(self.pages, b"<< /Type /Pages /Kids [ %s ] /Count %d >>" % (kids, len(self.page_refs)))
        tree = pdf.Root.StructTreeRoot
        elements: list[Any] = list(tree.K) if isinstance(tree.K, _array()) else [tree.K]
        (document,) = elements
        w.put(
            self.document,
            _dict(front, document, ("/K", "/P"))
            + b" /K [ %s ] /P %d 0 R >>" % (b" ".join(self.kids), self.root),
        )
        parent_tree = w.reserve()
        w.put(parent_tree, b"<< /Nums [ %s ] >>" % b" ".join(b"%d %s" % pair for pair in self.nums))
        w.put(
            self.root,
            _dict(front, tree, ("/K", "/ParentTree", "/ParentTreeNextKey"))
            + b" /K %d 0 R /ParentTree %d 0 R /ParentTreeNextKey %d >>"
            % (self.document, parent_tree, next_key),
        )
        names = w.reserve()
        given = pdf.Root.get("/Names")
        head = _dict(front, given, ("/Dests",)) if given is not None else b"<<"
        w.put(names, head + b" /Dests %d 0 R >>" % name_tree(w, self.dests))
        catalog = _dict(
            front, pdf.Root, ("/Pages", "/StructTreeRoot", "/Outlines", "/Names", "/PageLabels", *skip)
        )
        w.put(
            self.catalog,
            catalog
            + b" /Pages %d 0 R /StructTreeRoot %d 0 R /Outlines %d 0 R /Names %d 0 R /PageLabels %s >>"
            % (self.pages, self.root, outline(w, self.marks), names, front.inline(labels)),
        )


def _array() -> Any:
    import pikepdf

    return pikepdf.Array


def _dict(copier: Copier, obj: Any, skip: Sequence[str]) -> bytes:
    """The start of a dictionary with `obj`'s entries but those in `skip` (no closing >>)."""
    entries = [_name(k) + b" " + copier.inline(v) for k, v in obj.items() if k not in skip]
    return b"<< " + b" ".join(entries)


def outline(w: Writer, marks: Sequence[Mark]) -> int:
    """The outline, nested by level (an entry is the child of the last entry with a lower level),
    every entry open; returns the number of its root."""
    root = w.reserve()
    nodes: dict[int, dict[str, Any]] = {root: {"kids": [], "parent": None}}
    stack: list[tuple[int, int]] = [(0, root)]
    for level, title, dest in marks:
        while stack[-1][0] >= level:
            stack.pop()
        number = w.reserve()
        nodes[number] = {"kids": [], "parent": stack[-1][1], "title": title, "dest": dest}
        nodes[stack[-1][1]]["kids"].append(number)
        stack.append((level, number))
    counts: dict[int, int] = {}
    for number in reversed(list(nodes)):  # children come after their parents: count from the end
        counts[number] = sum(1 + counts[k] for k in nodes[number]["kids"])
    for number, node in nodes.items():
        kids = node["kids"]
        parts = [b"<<"]
        if number == root:
            parts.append(b"/Type /Outlines")
        else:
            parts.append(b"/Title %s /Dest %s /Parent %d 0 R" % (node["title"], node["dest"], node["parent"]))
            siblings = nodes[node["parent"]]["kids"]
            at = siblings.index(number)
            if at:
                parts.append(b"/Prev %d 0 R" % siblings[at - 1])
            if at + 1 < len(siblings):
                parts.append(b"/Next %d 0 R" % siblings[at + 1])
        if kids:
            parts.append(b"/First %d 0 R /Last %d 0 R /Count %d" % (kids[0], kids[-1], counts[number]))
        w.put(number, b" ".join(parts) + b" >>")
    return root


def name_tree(w: Writer, values: dict[str, bytes]) -> int:
    """A name tree of `values` (sorted by name; leaves of NAMES_PER_LEAF under one root); its number."""
    import pikepdf

    names = sorted(values)
    root = w.reserve()

    def key(name: str) -> bytes:
        return bytes(pikepdf.String(name).unparse())

    def leaf(chunk: list[str]) -> bytes:
        return b"/Names [ %s ]" % b" ".join(key(n) + b" " + values[n] for n in chunk)

    if len(names) <= NAMES_PER_LEAF:
        w.put(root, b"<< %s >>" % leaf(names))
        return root
    kids = []
    for start in range(0, len(names), NAMES_PER_LEAF):
        chunk = names[start : start + NAMES_PER_LEAF]
        number = w.reserve()
        limits = b"/Limits [ %s %s ]" % (key(chunk[0]), key(chunk[-1]))
        w.put(number, b"<< %s %s >>" % (leaf(chunk), limits))
        kids.append(number)
    w.put(root, b"<< /Kids [ %s ] >>" % b" ".join(b"%d 0 R" % k for k in kids))
    return root
