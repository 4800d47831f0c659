"""Requests of an application that are cancelled (a client that disconnects, a timeout around the
call) while the cache's ``RedisStore`` talks to Redis, or while they wait for a batch to fill, end
cancelled, whatever the moment, and leave no fetch behind that later reads would wait for.
``clerk_async`` only: a thread is not cancelled."""

from __future__ import annotations

import asyncio
import random

from clerk_async import Clerk
from clerk_async.cache import Cache, RedisStore
from tests.support.cancellation import HANG_S, end_cancelled_at_random_moments
from tests.support.emulator import ClerkEmulator
from tests.support.redis_server import RedisServer

ROUNDS = 40
TASKS = 16
USERS = 4


async def test_reads_and_writes_cancelled_at_any_moment_all_end_cancelled(
    clerk_emulator: ClerkEmulator, redis_server: RedisServer
) -> None:
    # No near cache: every read asks Redis.
    cache = Cache(RedisStore(redis_server.url, near_entries=0))
    chance = random.Random(14)
    async with Clerk(
        bearer_auth=clerk_emulator.secret_key, server_url=clerk_emulator.url, cache=cache
    ) as clerk:
        users = [
            (await clerk.users.create(first_name=f"Ada{n}", skip_password_requirement=True)).id
            for n in range(USERS)
        ]

        async def request() -> None:
            user_id = chance.choice(users)
            await clerk.users.get(user_id)  # the store, then Clerk and the store again
            await clerk.users.update(user_id, last_name="Lovelace")  # written through
            await clerk.users.get(user_id)

        for _ in range(ROUNDS):
            redis_server.flush()  # every round's first reads miss
            await end_cancelled_at_random_moments(request, TASKS, chance, within=0.03)
        # The client goes on serving every user afterwards: no read waits for a fetch that a
        # cancelled request left behind.
        read = asyncio.gather(*(clerk.users.get(user_id) for user_id in users))
        found = await asyncio.wait_for(read, HANG_S)
        assert [user.first_name for user in found] == [f"Ada{n}" for n in range(USERS)]
        await cache.aclose()
