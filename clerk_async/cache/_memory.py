"""The in-process store (the default): a bounded LRU, nothing shared. Mirrored into ``clerk_sync``.

Its methods are coroutines only so that every store has the same shape; none of them waits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from clerk_async._cache.entry import Entry
from clerk_async._cache.kinds import Kind, member_organizations
from clerk_async._cache.near import NearCache

__all__ = ["DEFAULT_MAX_ENTRIES", "AsyncMemoryStore", "Decide"]

#: Decides a key's new entry from its current one (``None``: leave it as it is).
Decide = Callable[[Entry[Any] | None], Entry[Any] | None]
DEFAULT_MAX_ENTRIES = 10_000


class AsyncMemoryStore:
    """Users, organizations and memberships in this process, the least recently used dropped
    beyond ``max_entries``."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise ValueError(f"max_entries must be a positive int, not {max_entries!r}")
        self.near = NearCache(max_entries)
        self.errors = 0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryStore(max_entries={self.near.max_entries}, entries={len(self.near)})"

    async def load(self, keys: Sequence[str]) -> list[Entry[Any] | None]:
        return [self.near.get(key) for key in keys]

    async def update(
        self, decisions: Sequence[tuple[str, Decide]], *, replay: bool = False
    ) -> list[Entry[Any] | None]:
        """Apply each decision to its key atomically; the entry each key holds afterwards."""
        finals: list[Entry[Any] | None] = []
        with self._lock:
            for key, decide in decisions:
                current = self.near.get(key)
                new = decide(current)
                if new is not None:
                    self.near.put(key, new)
                finals.append(current if new is None else new)
        return finals

    async def member_keys(self, organization_id: str | None) -> list[str]:
        """The memberships keys of the organization's cached members (every one for ``None``)."""
        prefix = Kind.MEMBERSHIPS.key("")
        return [
            key
            for key, entry in self.near.items()
            if key.startswith(prefix)
            and (organization_id is None or organization_id in member_organizations(entry.value))
        ]

    async def aclose(self) -> None:
        self.near.clear()
