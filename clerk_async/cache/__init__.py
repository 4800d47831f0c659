"""A cache of users, organizations and memberships that webhooks keep fresh: ``Clerk(cache=...)``.

``Cache`` holds the policy; ``MemoryStore`` (the default) keeps entries in this process,
``RedisStore`` in Redis for every process and machine (the ``clerk-client[redis]`` extra).
Mirrored into ``clerk_sync.cache``, whose classes have the same names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clerk_async._cache.metrics import CacheMetrics

from ._cache import AsyncCache
from ._memory import AsyncMemoryStore

if TYPE_CHECKING:
    from ._redis import AsyncRedisStore

__all__ = ["Cache", "CacheMetrics", "MemoryStore", "RedisStore"]

Cache = AsyncCache
MemoryStore = AsyncMemoryStore


def __getattr__(name: str) -> Any:
    if name == "RedisStore":  # imported on use: the redis package is an optional extra
        try:
            from ._redis import AsyncRedisStore
        except ImportError as error:
            raise ImportError(
                "RedisStore needs the redis package: pip install 'clerk-client[redis]'"
            ) from error
        return AsyncRedisStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    RedisStore = AsyncRedisStore
