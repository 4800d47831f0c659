"""Clerk-style rate limiting: one token bucket per instance.

Clerk allows 100 requests per 10 seconds on a development instance and 1,000 per 10 seconds on a
production one; over the limit it answers 429 with ``Retry-After`` in whole seconds. The bucket
starts full and refills continuously, so a burst of the whole allowance goes through at once.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DEVELOPMENT", "PRODUCTION", "RateLimit", "TokenBucket", "parse_rate_limit"]

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d*(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")


@dataclass(frozen=True)
class RateLimit:
    """``requests`` per ``period`` seconds."""

    requests: int
    period: float = 10.0

    def __post_init__(self) -> None:
        if self.requests < 1 or self.period <= 0:
            raise ValueError("a rate limit needs at least 1 request per a positive period")

    def __str__(self) -> str:
        return f"{self.requests}/{self.period:g}s"


DEVELOPMENT = RateLimit(100, 10.0)
PRODUCTION = RateLimit(1000, 10.0)


def parse_rate_limit(text: str | RateLimit | None) -> RateLimit | None:
    """``"100/10s"``, ``"1000/10s"``, ``"5/s"``, ``"60/1m"``; ``"off"`` (or None) disables it."""
    if text is None or isinstance(text, RateLimit):
        return text
    if text.strip().lower() in ("off", "none", "0", ""):
        return None
    match = _SPEC.match(text)
    if match is None:
        raise ValueError(f"rate limit must look like 100/10s or be 'off', not {text!r}")
    count, amount, unit = match.groups()
    period = (float(amount) if amount else 1.0) * _UNITS[unit or "s"]
    return RateLimit(int(count), period)


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
