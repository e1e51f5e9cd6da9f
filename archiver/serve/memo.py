"""Rendered answers kept in memory: a thread-safe LRU bounded in bytes, keyed by their ETag."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

PAGE_MEMORY = 64 * 2**20  # bytes of rendered pages one server process keeps


@dataclass(frozen=True)
class Kept:
    """A rendered answer: its bytes and media type (the ETag is the key it is kept under)."""

    body: bytes
    media_type: str


class PageMemory:
    """Least recently used answers first out, once their bytes pass `limit`; one too large is not kept."""

    def __init__(self, limit: int = PAGE_MEMORY) -> None:
        self.limit = limit
        self.size = 0
        self.hits = self.misses = 0
        self._items: OrderedDict[str, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Kept | None:
        with self._lock:
            kept = self._items.get(key)
            if kept is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return kept

    def put(self, key: str, kept: Kept) -> None:
        if len(kept.body) > self.limit // 8:  # a few huge pages must not push out everything else
            return
        with self._lock:
            old = self._items.pop(key, None)
            self.size -= len(old.body) if old else 0
            self._items[key] = kept
            self.size += len(kept.body)
            while self.size > self.limit:
                _, dropped = self._items.popitem(last=False)
                self.size -= len(dropped.body)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._items)
