"""The cache's counters, readable by the application (``cache.metrics()``)."""

from __future__ import annotations

import dataclasses

__all__ = ["CacheMetrics", "Counters"]


@dataclasses.dataclass(frozen=True)
class CacheMetrics:
    """A snapshot of the counters since the cache was built.

    ``hits``: reads served without asking Clerk; ``misses``: reads that needed Clerk;
    ``coalesced``: reads that waited for another caller's request for the same key (single
    flight); ``batched``: ids fetched together with others in one list request; ``requests``:
    requests sent to Clerk by the cache; ``stale_served``: reads answered with an expired entry
    while Clerk failed; ``invalidations``: entries changed by webhooks and by the client's own
    writes; ``store_errors``: operations the shared store (Redis) failed, each answered by Clerk
    instead.
    """

    hits: int = 0
    misses: int = 0
    coalesced: int = 0
    batched: int = 0
    requests: int = 0
    stale_served: int = 0
    invalidations: int = 0
    store_errors: int = 0


class Counters:
    """The live counters (plain integers: a lost increment under threads costs nothing)."""

    __slots__ = tuple(field.name for field in dataclasses.fields(CacheMetrics))

    def __init__(self) -> None:
        for name in self.__slots__:
            setattr(self, name, 0)

    hits: int
    misses: int
    coalesced: int
    batched: int
    requests: int
    stale_served: int
    invalidations: int
    store_errors: int

    def snapshot(self) -> CacheMetrics:
        return CacheMetrics(**{name: getattr(self, name) for name in self.__slots__})
