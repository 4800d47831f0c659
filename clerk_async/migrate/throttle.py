"""Every call a migration makes goes through one :class:`Throttle`: one limiter for the whole run.

The throttle waits for the run's rate limiter before each request, pauses it for everyone when
Clerk answers 429, counts requests and 429s, and keeps a running estimate of Clerk's latency, from
which the runner sizes its concurrency (latency times rate fills the bucket; more only queues).

A request that wakes up well after its send slot (the event loop was held up, by a busy machine
or a long stretch of work) books another slot once, instead of going at once with every other
late one: a stall then costs the time it took, and never crowds one second with more than the
rate.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import anyio

from clerk_async._base_client import wait_for_slot
from clerk_async._ratelimit import RateLimiter
from clerk_async.errors import RateLimitError

__all__ = ["Throttle", "concurrency_for"]

T = TypeVar("T")

#: Without a Retry-After, a 429 pauses everyone this long.
DEFAULT_PAUSE = 1.0
#: Latency assumed before the first answer (seconds).
INITIAL_LATENCY = 0.2
MIN_CONCURRENCY = 4
MAX_CONCURRENCY = 512
#: With no rate limit at all, this many requests at a time.
UNLIMITED_CONCURRENCY = 64
#: A send slot woken up later than this (seconds) is booked again, once.
LATE = 0.05


class Throttle:
    """Rate-limited, counted calls. ``limiter=None``: the client limits itself (and pauses its
    limiter after a 429), or nothing does.

    ``rate`` is the limit in requests per second (``None``: unlimited), used to size concurrency.
    """

    def __init__(self, limiter: RateLimiter | None, rate: float | None) -> None:
        self.limiter = limiter
        self.rate = rate
        self.requests = 0
        self.rate_limited = 0
        self.latency = INITIAL_LATENCY

    async def call(self, action: Callable[[], Awaitable[T]]) -> T:
        """Wait for the limiter, make the call, learn from it; a 429 pauses the limiter."""
        limiter = self.limiter
        if limiter is not None:
            await wait_in_step(limiter)
        self.requests += 1
        started = time.monotonic()
        try:
            return await action()
        except RateLimitError as error:
            self.rate_limited += 1
            if limiter is not None:
                limiter.pause(error.retry_after or DEFAULT_PAUSE)
            raise
        finally:
            self.latency = 0.9 * self.latency + 0.1 * (time.monotonic() - started)

    def concurrency(self) -> int:
        return concurrency_for(self.rate, self.latency)


async def wait_in_step(
    limiter: RateLimiter,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
) -> None:
    """:func:`wait_for_slot`, booking a new slot once when the first was missed by more than
    :data:`LATE` (so late requests are spread at the rate, not sent together)."""
    wait = limiter.reserve()
    if wait <= 0:
        if limiter.paused_for() > 0:
            await wait_for_slot(limiter)
        return
    due = clock() + wait
    await sleep(wait)
    if limiter.paused_for() > 0 or clock() - due > LATE:
        await wait_for_slot(limiter)


def concurrency_for(rate: float | None, latency: float) -> int:
    """Requests in flight that keep a bucket of ``rate`` per second busy at ``latency``.

    Twice latency times rate, plus a few, absorbs latency jitter; the limiter, not concurrency,
    keeps the run under Clerk's limit, so the excess only waits its turn.
    """
    if rate is None:
        return UNLIMITED_CONCURRENCY
    wanted = math.ceil(2 * rate * max(latency, 0.0)) + MIN_CONCURRENCY
    return max(MIN_CONCURRENCY, min(MAX_CONCURRENCY, wanted))
