"""What a client's requests wait on: the instance's limiter, and their operation's own. Mirrored
into ``clerk_sync``, where the waiting blocks the thread.

``Clerk(rate_limit=...)`` turns its settings into one :class:`AsyncRateLimits` per client:
:class:`AsyncMemoryRateLimits` here (each client counts its own sends), or the Redis one of
``._redis`` (every process counts in one place). A call of an operation with a limit of its own
(the hourly invitation limits) first waits for a slot of that limit, then for one of the
instance's; a 429 pauses the limit it was sent under.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from clerk_async._operation import Operation
from clerk_async._ratelimit import RateLimit, RateLimiter
from clerk_async._ratelimit_settings import MemoryRateLimit, RateLimitSettings

from .._transport import sleep  # noqa: TID252

__all__ = [
    "AsyncMemoryRateLimits",
    "AsyncRateLimits",
    "Limiter",
    "client_limits",
    "wait_for_slot",
]

#: Where a client finds the secret key its next request carries.
KeySource = Callable[[], "str | None"]


class Limiter(Protocol):
    """What ``clerk.rate_limiter`` is: a ``RateLimiter``, or a Redis one of ``RedisRateLimit``."""

    @property
    def limit(self) -> RateLimit: ...


async def wait_for_slot(limiter: RateLimiter) -> None:
    """Wait for a send slot of ``limiter``; a pause (a 429 seen meanwhile) voids the slot: book
    another. Every request of a client with ``rate_limit=`` (and of a migration) waits here."""
    while True:
        wait = limiter.reserve()
        if wait > 0:
            await sleep(wait)
        if limiter.paused_for() <= 0:
            return


class AsyncRateLimits:
    """The limiters of one client."""

    __slots__ = ()

    @property
    def limiter(self) -> Limiter:
        """The instance's limiter (``clerk.rate_limiter``)."""
        raise NotImplementedError

    async def wait(self, op: Operation) -> None:
        """Wait until a request of ``op`` may be sent."""
        raise NotImplementedError

    async def rate_limited(self, op: Operation, seconds: float) -> None:
        """Clerk answered a request of ``op`` with 429: hold its limit back ``seconds``."""
        raise NotImplementedError

    async def aclose(self) -> None:
        """Release what the limiters hold (connections)."""


class AsyncMemoryRateLimits(AsyncRateLimits):
    """Limiters in this process: what one client sends, counted by that client alone."""

    __slots__ = ("endpoints", "instance")

    def __init__(self, settings: RateLimitSettings, secret_key: str | None) -> None:
        self.instance = RateLimiter(settings.instance_limit(secret_key))
        self.endpoints = {
            operation_id: RateLimiter(limit)
            for operation_id, limit in settings.endpoint_limits.items()
        }

    @property
    def limiter(self) -> RateLimiter:
        return self.instance

    async def wait(self, op: Operation) -> None:
        endpoint = self.endpoints.get(op.operation_id)
        if endpoint is not None:
            await wait_for_slot(endpoint)
        await wait_for_slot(self.instance)

    async def rate_limited(self, op: Operation, seconds: float) -> None:
        (self.endpoints.get(op.operation_id) or self.instance).pause(seconds)


def client_limits(settings: RateLimitSettings, secret_key: KeySource) -> AsyncRateLimits:
    """The limiters ``Clerk(rate_limit=settings)`` waits on."""
    if isinstance(settings, MemoryRateLimit):
        return AsyncMemoryRateLimits(settings, secret_key())
    make = getattr(settings, "client_limits", None)
    limits = None if make is None else make(secret_key)
    if not isinstance(limits, AsyncRateLimits):
        raise TypeError(
            "rate_limit: this RedisRateLimit belongs to the other package (clerk_async or "
            "clerk_sync); build the one of the client's own package"
        )
    return limits
