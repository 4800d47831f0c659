"""Cancelling requests at random moments, as an application's web framework or timeouts do, and
checking that each one ends (``clerk_async`` only: a thread is not cancelled)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

__all__ = ["HANG_S", "end_cancelled_at_random_moments"]

#: A hang detector, not a speed bound: a cancelled request that has not ended by then never will.
HANG_S = 30.0


async def end_cancelled_at_random_moments(
    request: Callable[[], Awaitable[None]], tasks: int, chance: random.Random, within: float
) -> None:
    """Run ``request`` in ``tasks`` tasks and cancel each at a random moment of the first
    ``within`` seconds. Every task must end; one cancelled while it ran must end cancelled (not go
    on as if nothing happened); one that ended before must have succeeded."""
    loop = asyncio.get_running_loop()
    runs = [asyncio.ensure_future(request()) for _ in range(tasks)]
    started = loop.time()
    cancelled = []
    for run, moment in zip(runs, sorted(chance.uniform(0, within) for _ in runs), strict=True):
        await asyncio.sleep(max(0.0, started + moment - loop.time()))
        if run.cancel():
            cancelled.append(run)
    _, pending = await asyncio.wait(runs, timeout=HANG_S)
    for run in pending:
        run.cancel()  # one more try, so that the failing test leaves nothing running
    assert not pending, f"{len(pending)} of {tasks} cancelled requests never ended"
    went_on = sum(1 for run in cancelled if not run.cancelled())
    assert not went_on, f"{went_on} of {len(cancelled)} cancelled requests went on"
    for run in runs:
        if not run.cancelled():
            run.result()  # raises what the request raised
