"""Which rate limiter a run waits on: the client's own (``Clerk(rate_limit=...)``), or one made
for the run from ``migrate(rate_limit=...)``; both are the client's :class:`RateLimiter`.

``"auto"`` means the instance's limit, told by the key: 1,000 requests per 10 s for ``sk_live_``,
100 per 10 s otherwise (Clerk's documented limits).

The limiter's state goes into the journal as the run goes (:func:`save_pacing`), and the next run
on that journal starts from it (:func:`carry_over`): Clerk still counts the sends of a run killed
a moment ago, so the resumed run keeps to the killed run's pace, and to its 429 pause, instead of
starting afresh. A limiter shared through Redis (``--redis-url``) needs neither: its state outlives
the run in Redis, where the resumed run (and every other process of the instance) finds it.
"""

from __future__ import annotations

import time

from clerk_async import Clerk, _ratelimit
from clerk_async._ratelimit import RateLimit, RateLimiter, resolve_rate_limit

from .journal import Journal

__all__ = ["SAVE_EVERY", "carry_over", "resolve_limiter", "save_pacing"]

#: Seconds between two saves of the limiter's state while a run goes on.
SAVE_EVERY = 0.5


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


def save_pacing(journal: Journal, limiter: object, *, busy: bool, now: float | None = None) -> None:
    """Keep ``limiter``'s state in ``journal`` as wall-clock moments. ``busy``: the run goes on
    sending at its pace, for up to :data:`SAVE_EVERY` seconds before the next save (or a kill)."""
    if not isinstance(limiter, _ratelimit.RateLimiter):  # none, or shared: Redis keeps it
        return
    wall = time.time() if now is None else now
    next_send, pause = limiter.ahead()
    if busy:
        next_send = max(next_send, SAVE_EVERY)
    journal.save_pacing(wall + next_send, wall + pause)


def carry_over(journal: Journal, limiter: object, *, now: float | None = None) -> None:
    """Hold ``limiter`` back as the journal's last run left its own."""
    saved = journal.pacing()
    if not isinstance(limiter, _ratelimit.RateLimiter) or saved is None:
        return
    wall = time.time() if now is None else now
    next_send_at, paused_until = saved
    limiter.hold_back(next_send_at - wall, paused_until - wall)
