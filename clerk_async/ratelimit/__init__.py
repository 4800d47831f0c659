"""Rate limits: ``Clerk(rate_limit=...)`` keeps a client under Clerk's limits instead of bouncing
off them.

``MemoryRateLimit`` (what ``rate_limit="auto"`` means) counts each client's sends on its own. It
knows Clerk's hourly limits of the invitation operations (``ENDPOINT_LIMITS``). Mirrored into
``clerk_sync.ratelimit``.
"""

from __future__ import annotations

from clerk_async._ratelimit import RateLimit, RateLimiter
from clerk_async._ratelimit_settings import ENDPOINT_LIMITS, MemoryRateLimit

__all__ = ["ENDPOINT_LIMITS", "MemoryRateLimit", "RateLimit", "RateLimiter"]
