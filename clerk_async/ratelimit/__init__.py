"""Rate limits: ``Clerk(rate_limit=...)`` keeps a client under Clerk's limits instead of bouncing
off them.

``MemoryRateLimit`` (what ``rate_limit="auto"`` means) counts each client's sends on its own;
``RedisRateLimit`` counts every process's sends in Redis, so that a fleet shares the instance's one
budget (the ``clerk-client[redis]`` extra). Both know Clerk's hourly limits of the invitation
operations (``ENDPOINT_LIMITS``). Mirrored into ``clerk_sync.ratelimit``, whose ``RedisRateLimit``
takes redis-py's blocking client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clerk_async._ratelimit import RateLimit, RateLimiter
from clerk_async._ratelimit_settings import ENDPOINT_LIMITS, MemoryRateLimit

if TYPE_CHECKING:
    from ._redis import AsyncRedisRateLimit

__all__ = ["ENDPOINT_LIMITS", "MemoryRateLimit", "RateLimit", "RateLimiter", "RedisRateLimit"]


def __getattr__(name: str) -> Any:
    if name == "RedisRateLimit":  # imported on use: the redis package is an optional extra
        try:
            from ._redis import AsyncRedisRateLimit
        except ImportError as error:
            raise ImportError(
                "RedisRateLimit needs the redis package: pip install 'clerk-client[redis]'"
            ) from error
        return AsyncRedisRateLimit
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    RedisRateLimit = AsyncRedisRateLimit
