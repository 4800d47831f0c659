"""Requests of an application that are cancelled (a client that disconnects, a timeout around the
call) while they wait for a slot of ``RedisRateLimit``, while it asks Redis for one, or while they
are sent, end cancelled, whatever the moment. ``clerk_async`` only: a thread is not cancelled."""

from __future__ import annotations

import asyncio
import random

from clerk_async import Clerk
from clerk_async.ratelimit import RedisRateLimit
from tests.support.cancellation import HANG_S, end_cancelled_at_random_moments
from tests.support.emulator import ClerkEmulator
from tests.support.redis_server import RedisServer

ROUNDS = 40
TASKS = 16
#: Limited calls that each request makes, one after the other.
CALLS = 3


async def test_requests_cancelled_at_any_moment_all_end_cancelled(
    clerk_emulator: ClerkEmulator, redis_server: RedisServer
) -> None:
    limit = RedisRateLimit(redis_server.url, limit="500/1s")
    chance = random.Random(14)
    async with Clerk(
        bearer_auth=clerk_emulator.secret_key, server_url=clerk_emulator.url, rate_limit=limit
    ) as clerk:

        async def request() -> None:
            for _ in range(CALLS):
                await clerk.users.count()

        for _ in range(ROUNDS):
            redis_server.flush()  # no round waits behind the slots the last one booked
            await end_cancelled_at_random_moments(request, TASKS, chance, within=0.03)
        # The client goes on serving requests afterwards.
        assert (await asyncio.wait_for(clerk.users.count(), HANG_S)).total_count == 0
