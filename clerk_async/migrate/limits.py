"""Which rate limiter a run uses: the client's own, or one made for the run at the given limit.

``"auto"`` means the instance's limit, told by the key: 1,000 requests per 10 s for ``sk_live_``,
100 per 10 s otherwise (Clerk's documented limits).
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from clerk_async import Clerk

from .throttle import Limiter

__all__ = ["RateLimit", "SendLog", "parse_rate", "resolve_limiter"]

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d*(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
#: Sends are spaced as if the period were this much longer, against latency jitter.
PERIOD_MARGIN = 1.02


@dataclass(frozen=True)
class RateLimit:
    requests: int
    period: float

    @property
    def per_second(self) -> float:
        return self.requests / self.period

    def __str__(self) -> str:
        return f"{self.requests}/{self.period:g}s"


def parse_rate(text: str, secret_key: str | None) -> RateLimit | None:
    """``"auto"``, ``"1000/10s"``, ``"5/s"``, or ``"off"``; a clear ``ValueError`` otherwise."""
    value = text.strip().lower()
    if value == "auto":
        live = (secret_key or "").startswith("sk_live_")
        return RateLimit(1000, 10.0) if live else RateLimit(100, 10.0)
    if value in ("off", "none", "0", ""):
        return None
    match = _SPEC.match(value)
    if match is None or int(match.group(1)) < 1:
        raise ValueError(f"rate limit must look like 1000/10s, or be auto or off, not {text!r}")
    count, amount, unit = match.groups()
    period = (float(amount) if amount else 1.0) * _UNITS[unit or "s"]
    if period <= 0:
        raise ValueError(f"rate limit needs a positive period, not {text!r}")
    return RateLimit(int(count), period)


class SendLog:
    """At most ``requests`` sends in any ``period``: a sliding log of booked send times."""

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self._period = limit.period * PERIOD_MARGIN
        self._sends: deque[float] = deque(maxlen=limit.requests)
        self._paused_until = 0.0
        self._lock = threading.Lock()

    def reserve(self) -> float:
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._paused_until)
            if len(self._sends) == self.limit.requests:
                slot = max(slot, self._sends[0] + self._period)
            self._sends.append(slot)
            return slot - now

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)


def resolve_limiter(
    clerk: Clerk, rate_limit: str | Any | None
) -> tuple[Limiter | None, float | None]:
    """The limiter the run waits on and its rate per second (``None``: unlimited)."""
    if rate_limit is None:
        return None, None
    if isinstance(rate_limit, RateLimit):
        return SendLog(rate_limit), rate_limit.per_second
    if not isinstance(rate_limit, str):
        raise TypeError(
            f"rate_limit must be a string such as '1000/10s' or 'auto', not {rate_limit!r}"
        )
    limit = parse_rate(rate_limit, _secret_key(clerk))
    if limit is None:
        return None, None
    return SendLog(limit), limit.per_second


def _secret_key(clerk: Clerk) -> str | None:
    config = getattr(clerk, "_config", None)
    return getattr(config, "_secret_key", None)
