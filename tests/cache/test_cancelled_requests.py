"""Requests of an application that are cancelled (a client that disconnects, a timeout around the
call) while the cache's ``RedisStore`` talks to Redis, or while they wait for a batch to fill, end
cancelled, whatever the moment, and leave no fetch behind that later reads would wait for.
``clerk_async`` only: a thread is not cancelled."""

from __future__ import annotations

import asyncio
import random

import pytest

from clerk_async import Clerk
from clerk_async.cache import Cache, RedisStore
from tests.support.cache_events import event
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


async def test_changes_kept_through_an_outage_survive_a_cancelled_catch_up(
    clerk_emulator: ClerkEmulator, own_redis_server: RedisServer
) -> None:
    """A webhook applied while Redis was away is written by the first call that finds Redis back;
    if that call is cancelled while the write waits, the change stays kept for the next call."""
    cache = Cache(RedisStore(own_redis_server.url, timeout=0.3, near_entries=0))
    async with Clerk(
        bearer_auth=clerk_emulator.secret_key, server_url=clerk_emulator.url, cache=cache
    ) as clerk:
        user = await clerk.users.create(first_name="Ada", skip_password_requirement=True)
        await clerk.users.get(user.id)  # Redis holds Ada
        record = clerk_emulator.state.users.find(user.id)
        assert record is not None
        newer = {**record.data, "first_name": "Grace", "updated_at": user.updated_at + 10}

        own_redis_server.pause(1.5)  # the webhook cannot be written: the store keeps it
        await cache.apply(event("user.updated", newer))
        assert cache.metrics().store_errors >= 1
        await asyncio.sleep(1.6)

        own_redis_server.pause(1.0, writes_only=True)  # reads answer, the catch-up's write waits
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(clerk.users.get(user.id), 0.1)
        await asyncio.sleep(1.1)

        names = []
        for _ in range(100):  # the next calls find Redis back and write the kept change
            names.append((await clerk.users.get(user.id)).first_name)
            if names[-1] == "Grace":
                break
            await asyncio.sleep(0.02)
        assert names[-1] == "Grace", names[-5:]
        await cache.aclose()
