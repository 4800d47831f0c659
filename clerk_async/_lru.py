"""The one eviction policy of every cache of the package: bounded, least recently used first.

Caches of pure functions are ``functools.lru_cache``. This is the same policy for the caches
that ``lru_cache`` cannot be: those keyed by a *hash* of a secret (a webhook signing secret, a
Clerk secret key), so that no cache is keyed by the secret itself. ``lru_cache`` keys by its
arguments, and the function it caches needs the secret on a miss; a digest computed on every
call to key it instead cost a webhook verification about 25% (W8). Here the caller looks up by
hash and, on a miss, stores what it made from the secret.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Generic, TypeVar

__all__ = ["LruCache", "secret_digest"]

K = TypeVar("K")
V = TypeVar("V")


def secret_digest(secret: str) -> bytes:
    """The SHA-256 of ``secret``: the exact, non-reversible stand-in of a secret in a cache key."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).digest()


class LruCache(Generic[K, V]):
    """At most ``maxsize`` entries; a hit makes an entry the most recent, a new entry beyond the
    size evicts the least recent. Safe to share between threads."""

    __slots__ = ("_entries", "_lock", "maxsize")

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        entries = self._entries
        value = entries.get(key)
        if value is not None:
            try:  # noqa: SIM105 (contextlib.suppress costs more than the lookup)
                entries.move_to_end(key)
            except KeyError:  # evicted by another thread meanwhile: the value is still good
                pass
        return value

    def put(self, key: K, value: V) -> V:
        with self._lock:
            entries = self._entries
            entries[key] = value
            entries.move_to_end(key)
            while len(entries) > self.maxsize:
                entries.popitem(last=False)
        return value

    def ordered_keys(self) -> list[K]:
        """The keys, least recent first (for inspection and tests)."""
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
