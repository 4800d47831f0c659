"""Clerk-style rate limiting: one token bucket per instance.

Clerk allows 100 requests per 10 seconds on a development instance and 1,000 per 10 seconds on a
production one; over the limit it answers 429 with ``Retry-After`` in whole seconds. The bucket
starts full and refills continuously, so a burst of the whole allowance goes through at once.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from clerk_async._ratelimit import DEVELOPMENT, PRODUCTION, RateLimit, parse_rate_limit

__all__ = ["DEVELOPMENT", "PRODUCTION", "RateLimit", "TokenBucket", "parse_rate_limit"]


class TokenBucket:
    __slots__ = ("_clock", "_rate", "_tokens", "_updated", "limit")

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._rate = limit.requests / limit.period
        self._tokens = float(limit.requests)
        self._updated = clock()

    def take(self) -> float | None:
        """Spend one token; ``None`` when allowed, else the seconds until one is available."""
        now = self._clock()
        tokens = min(self.limit.requests, self._tokens + (now - self._updated) * self._rate)
        self._updated = now
        if tokens >= 1.0:
            self._tokens = tokens - 1.0
            return None
        self._tokens = tokens
        return (1.0 - tokens) / self._rate

    @staticmethod
    def retry_after(wait: float) -> str:
        """The ``Retry-After`` value: whole seconds, at least 1."""
        return str(max(1, math.ceil(wait)))
