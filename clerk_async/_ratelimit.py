"""Rate limits: Clerk's, spelled ``"1000/10s"``, and the client-side limiter that keeps under one.

Clerk limits each instance (secret key) to 1,000 requests per 10 s in production and 100 per 10 s
in development, and answers 429 with ``Retry-After`` beyond that. ``Clerk(rate_limit=...)`` keeps
a client under such a limit instead of bouncing off it. Pure and shared: the waiting itself is done
by the base clients (``asyncio.sleep`` / ``time.sleep``).

The limiter is a sliding log of send times: at most ``requests`` sends in any ``period`` (plus a
small margin for latency jitter). That is exactly safe against a server that counts fixed or
sliding windows as well as one that runs a token bucket, and still uses the whole allowance.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "DEVELOPMENT",
    "PRODUCTION",
    "RateLimit",
    "RateLimiter",
    "instance_rate_limit",
    "parse_rate_limit",
    "resolve_rate_limit",
]

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d*(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_OFF = ("off", "none", "0", "")
#: Sends are spaced as if the period were this much longer, so that requests whose latency
#: varies do not arrive bunched beyond the limit.
PERIOD_MARGIN = 1.02


@dataclass(frozen=True)
class RateLimit:
    """``requests`` per ``period`` seconds."""

    requests: int
    period: float = 10.0

    def __post_init__(self) -> None:
        if (
            isinstance(self.requests, bool)
            or not isinstance(self.requests, int)
            or not isinstance(self.period, (int, float))
            or self.requests < 1
            or not self.period > 0
        ):
            raise ValueError("a rate limit needs at least 1 request per a positive period")

    def __str__(self) -> str:
        return f"{self.requests}/{self.period:g}s"


DEVELOPMENT = RateLimit(100, 10.0)
PRODUCTION = RateLimit(1000, 10.0)


def parse_rate_limit(text: str | RateLimit | None) -> RateLimit | None:
    """``"100/10s"``, ``"1000/10s"``, ``"5/s"``, ``"60/1m"``; ``"off"`` (or None) disables it."""
    if text is None or isinstance(text, RateLimit):
        return text
    if not isinstance(text, str):
        raise TypeError(f"a rate limit is a string such as '1000/10s', not {type(text).__name__}")
    if text.strip().lower() in _OFF:
        return None
    match = _SPEC.match(text)
    if match is None:
        raise ValueError(f"rate limit must look like 100/10s or be 'off', not {text!r}")
    count, amount, unit = match.groups()
    period = (float(amount) if amount else 1.0) * _UNITS[unit or "s"]
    return RateLimit(int(count), period)


def instance_rate_limit(secret_key: str) -> RateLimit:
    """Clerk's limit for the instance of ``secret_key``: production keys start ``sk_live_``."""
    return PRODUCTION if secret_key.startswith("sk_live_") else DEVELOPMENT


def resolve_rate_limit(value: object, secret_key: str | None) -> RateLimit | None:
    """The limit ``Clerk(rate_limit=value)`` means; ``"auto"`` tells the instance by its key."""
    if isinstance(value, str) and value.strip().lower() == "auto":
        return instance_rate_limit(secret_key or "")
    try:
        return parse_rate_limit(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"rate_limit: {exc} (or 'auto', or None)") from None


class RateLimiter:
    """At most ``limit.requests`` sends per ``limit.period``, shared by every caller of a client.

    ``reserve()`` books the next free send time and says how long to wait for it; ``pause()``
    (after a 429) holds every caller back until Clerk's ``Retry-After`` has passed. Thread-safe,
    so one limiter serves a client used from many threads or event loops.
    """

    __slots__ = ("_clock", "_lock", "_paused_until", "_period", "_sends", "limit")

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._period = limit.period * PERIOD_MARGIN
        self._clock = clock
        self._lock = threading.Lock()
        self._sends: deque[float] = deque(maxlen=limit.requests)
        self._paused_until = 0.0

    def reserve(self) -> float:
        """Book a send; the seconds to wait before sending (0 when it may go now)."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._paused_until)
            sends = self._sends
            if len(sends) == self.limit.requests:
                slot = max(slot, sends[0] + self._period)
            sends.append(slot)
            return slot - now

    def pause(self, seconds: float) -> None:
        """Hold every send back for ``seconds`` from now (Clerk answered 429)."""
        with self._lock:
            self._paused_until = max(self._paused_until, self._clock() + seconds)

    def paused_for(self) -> float:
        """Seconds left of a pause (0 when none)."""
        return max(0.0, self._paused_until - self._clock())

    def __repr__(self) -> str:
        return f"RateLimiter({self.limit})"
