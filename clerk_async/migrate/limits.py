"""Which rate limiter a run waits on: the client's own (``Clerk(rate_limit=...)``), or one made
for the run from ``migrate(rate_limit=...)``; both are the client's :class:`RateLimiter`.

``"auto"`` means the instance's limit, told by the key: 1,000 requests per 10 s for ``sk_live_``,
100 per 10 s otherwise (Clerk's documented limits).
"""

from __future__ import annotations

from clerk_async import Clerk
from clerk_async._ratelimit import RateLimit, RateLimiter, resolve_rate_limit

__all__ = ["resolve_limiter"]


def resolve_limiter(
    clerk: Clerk, rate_limit: RateLimit | str | None
) -> tuple[RateLimiter | None, float | None]:
    """The limiter the run waits on itself, and the rate per second (``None``: unlimited).

    A client with its own limiter waits (and pauses after a 429) by itself, for every attempt
    including its retries: the run then only needs the rate, to size its concurrency.
    """
    own = clerk.rate_limiter
    if own is not None:
        return None, own.limit.requests / own.limit.period
    limit = resolve_rate_limit(rate_limit, clerk._config.secret_key())
    if limit is None:
        return None, None
    return RateLimiter(limit), limit.requests / limit.period
