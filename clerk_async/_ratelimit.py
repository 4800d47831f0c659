"""Rate limits: Clerk's, spelled ``"1000/10s"``, and the client-side limiter that keeps under one.

Clerk limits each instance (secret key) to 1,000 requests per 10 s in production and 100 per 10 s
in development, and answers 429 with ``Retry-After`` beyond that. ``Clerk(rate_limit=...)`` keeps
a client under such a limit instead of bouncing off it. Pure and shared: the waiting itself is done
by the base clients (``asyncio.sleep`` / ``time.sleep``).

The limiter paces sends evenly, one every ``period / requests`` (plus a small margin for latency
jitter), as Clerk's own migration tool paces at the per-second rate: never a burst, so never two
bursts in one window of a server stricter than its documented limit, and at most ``requests`` in
any ``period`` whether the server counts fixed or sliding windows or runs a token bucket. A limit
may allow a ``burst`` (the hourly limits of the invitation operations do: waiting 36 s between two
invitations of a form would be absurd): then up to ``burst`` sends go at once and the rest of the
budget is paced over the period, still at most ``requests`` in any ``period``. Its whole state is
two moments, the next free send slot and the end of a pause (:class:`Pacing`); the policy
(:func:`book`, the generic cell rate algorithm) is a pure function of that state, so a store shared
between processes only has to hold two numbers (``clerk_async.ratelimit.RedisRateLimit``).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

__all__ = [
    "DEVELOPMENT",
    "PRODUCTION",
    "Pacing",
    "RateLimit",
    "RateLimiter",
    "book",
    "instance_rate_limit",
    "parse_rate_limit",
    "resolve_rate_limit",
    "spacing",
]

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d*(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_OFF = ("off", "none", "0", "")
#: Sends are spaced as if the period were this much longer, so that requests whose latency
#: varies do not arrive bunched beyond the limit.
PERIOD_MARGIN = 1.02
_LONG_AGO = float("-inf")


@dataclass(frozen=True)
class RateLimit:
    """``requests`` per ``period`` seconds, of which ``burst`` may go at once (1: evenly paced)."""

    requests: int
    period: float = 10.0
    burst: int = 1

    def __post_init__(self) -> None:
        if (
            isinstance(self.requests, bool)
            or not isinstance(self.requests, int)
            or not isinstance(self.period, (int, float))
            or self.requests < 1
            or not self.period > 0
            or not self.period < float("inf")
        ):
            raise ValueError("a rate limit needs at least 1 request per a positive period")
        if (
            isinstance(self.burst, bool)
            or not isinstance(self.burst, int)
            or not 1 <= self.burst <= self.requests
        ):
            raise ValueError(
                f"a rate limit's burst must be an int from 1 to its requests, not {self.burst!r}"
            )

    def __str__(self) -> str:
        text = f"{self.requests}/{self.period:g}s"
        return text if self.burst == 1 else f"{text} (burst {self.burst})"


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


@dataclass(frozen=True, slots=True)
class Pacing:
    """A limiter's whole state: two moments on its clock."""

    #: The earliest moment the next send may go once a burst is spent (without a burst: the
    #: earliest moment of the next send); the theoretical arrival time of the cell rate algorithm.
    next_send: float = _LONG_AGO
    #: Until when every send is held back (Clerk answered 429 with ``Retry-After``).
    paused_until: float = _LONG_AGO


def spacing(limit: RateLimit) -> float:
    """Seconds between two sends under ``limit`` once its burst is spent.

    ``burst`` sends at once and one every ``spacing`` after them fit ``requests`` in any
    ``period``: ``burst + period / spacing <= requests``.
    """
    return limit.period * PERIOD_MARGIN / (limit.requests - limit.burst + 1)


def book(limit: RateLimit, state: Pacing, now: float) -> tuple[float, Pacing]:
    """The policy: the moment of the next send, booked at ``now``, and the state after it.

    Without a burst the slot is the next free one; with one, a send may go up to ``burst - 1``
    spacings ahead of the even pace (``clerk_async._ratelimit_lua`` is this function in Lua).
    """
    step = spacing(limit)
    slot = max(now, state.next_send - (limit.burst - 1) * step, state.paused_until)
    return slot, replace(state, next_send=max(state.next_send, slot) + step)


class RateLimiter:
    """Sends paced under ``limit``, shared by every caller of a client (the in-process store of
    :class:`Pacing`, applying :func:`book`).

    ``reserve()`` books the next free send slot and says how long to wait for it; ``pause()``
    (after a 429) holds every caller back until Clerk's ``Retry-After`` has passed. Thread-safe,
    so one limiter serves a client used from many threads or event loops.
    """

    __slots__ = ("_clock", "_lock", "_state", "limit")

    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._state = Pacing()

    def reserve(self) -> float:
        """Book a send; the seconds to wait before sending (0 when it may go now)."""
        with self._lock:
            now = self._clock()
            slot, self._state = book(self.limit, self._state, now)
            return slot - now

    def pause(self, seconds: float) -> None:
        """Hold every send back for ``seconds`` from now (Clerk answered 429)."""
        with self._lock:
            until = max(self._state.paused_until, self._clock() + seconds)
            self._state = replace(self._state, paused_until=until)

    def paused_for(self) -> float:
        """Seconds left of a pause (0 when none)."""
        return max(0.0, self._state.paused_until - self._clock())

    def ahead(self) -> tuple[float, float]:
        """Seconds from now to the next free send slot, and to the end of a pause (0: now)."""
        with self._lock:
            now, state = self._clock(), self._state
            return max(0.0, state.next_send - now), max(0.0, state.paused_until - now)

    def hold_back(self, next_send: float, pause: float = 0.0) -> None:
        """Hold sends back as if others had been booked up to ``next_send`` seconds from now and a
        429 paused them ``pause`` seconds: another limiter's :meth:`ahead`, carried over (a run
        resumed after a killed one, whose sends Clerk still counts)."""
        with self._lock:
            now, state = self._clock(), self._state
            self._state = Pacing(
                max(state.next_send, now + next_send), max(state.paused_until, now + pause)
            )

    def __repr__(self) -> str:
        return f"RateLimiter({self.limit})"
