"""The in-process layer: a bounded LRU of entries, read without a lock and without I/O.

The memory store is this layer alone. In front of Redis it is the small near cache that every
worker drops keys from when any worker changes them (pub/sub); while that channel is down it is
disabled, since a change it cannot hear about would otherwise be served.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any

from .entry import Entry

__all__ = ["NearCache"]


class NearCache:
    __slots__ = ("_entries", "_lock", "enabled", "generation", "max_entries")

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.enabled = max_entries > 0
        #: Grows with every drop: a copy read from the shared store before a drop is not kept.
        self.generation = 0
        self._entries: OrderedDict[str, Entry[Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry[Any] | None:
        # Single OrderedDict operations are atomic under the GIL, so reads take no lock; a key
        # dropped between the two steps is simply not moved. (contextlib.suppress would cost more
        # than the whole lookup: this is the hot path of every cache hit.)
        entry = self._entries.get(key)
        if entry is not None:
            try:  # noqa: SIM105
                self._entries.move_to_end(key)
            except KeyError:
                pass
        return entry

    def put(self, key: str, entry: Entry[Any], since: int | None = None) -> None:
        """Keep ``entry``; with ``since`` (a ``generation`` read before the entry was), only if
        nothing was dropped meanwhile."""
        if not self.enabled:
            return
        with self._lock:
            if since is not None and since != self.generation:
                return
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def drop(self, keys: Iterable[str]) -> None:
        with self._lock:
            self.generation += 1
            for key in keys:
                self._entries.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self.generation += 1
            self._entries.clear()

    def disable(self) -> None:
        """Stop serving and forget everything (the invalidation channel is down)."""
        self.enabled = False
        self.clear()

    def enable(self) -> None:
        self.clear()  # whatever changed while disabled was not heard
        self.enabled = self.max_entries > 0

    def items(self) -> Iterator[tuple[str, Entry[Any]]]:
        with self._lock:
            snapshot = list(self._entries.items())
        return iter(snapshot)

    def __len__(self) -> int:
        return len(self._entries)
