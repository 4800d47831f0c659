"""``Clerk(rate_limit=RedisRateLimit(...))`` as an application meets it, with a real Redis: clients
(as a fleet's processes would) book from one sequence and one pause, keyed by no secret; Clerk's
hourly invitation limits are kept in this process and in Redis; Redis killed and restarted:
requests go on under each client's own limiter, one warning, a counter, and back to Redis by
itself. What the limiters booked is asserted, never how long anything took."""

from __future__ import annotations

import functools
import logging
from typing import Any

import pytest
import redis.asyncio as redis_client

from clerk_async import Clerk, RateLimitError, RetryConfig
from clerk_async.ratelimit import MemoryRateLimit, RedisRateLimit
from clerk_async.ratelimit._redis import AsyncRedisLimiter
from tests.support.emulator import ClerkEmulator
from tests.support.flavour_async import pause, run_concurrently
from tests.support.redis_server import RedisServer
from tests.support.server import SECRET_KEY, Reply, ScriptedServer

NO_RETRIES = RetryConfig("none")
#: The emulator refuses more invitations than this; the clients below know it, or not.
INVITATIONS = "10/0.5s"


def shared(client: Clerk) -> AsyncRedisLimiter:
    limiter = client.rate_limiter
    assert isinstance(limiter, AsyncRedisLimiter)
    return limiter


def connect(emulator: ClerkEmulator, **options: Any) -> Clerk:
    return Clerk(bearer_auth=emulator.secret_key, server_url=emulator.url, **options)


def invitations(client: Clerk, name: str, count: int) -> list[Any]:
    """``count`` calls inviting ``name0@example.com``, ``name1@...``."""
    create = client.invitations.create
    return [functools.partial(create, email_address=f"{name}{n}@example.com") for n in range(count)]


async def booked(client: Clerk) -> tuple[float, float]:
    """Book a send in Redis: its slot, and the moment it was booked (Redis's clock)."""
    booking = await shared(client).book()
    assert booking is not None
    return booking


async def test_clients_of_one_key_book_from_one_sequence_in_redis(
    clerk_emulator: ClerkEmulator, redis_url: str
) -> None:
    limit = RedisRateLimit(redis_url, limit="2/1s")
    other_limit = RedisRateLimit(redis_url, limit="2/1s")
    async with (
        connect(clerk_emulator, rate_limit=limit) as first,
        connect(clerk_emulator, rate_limit=other_limit) as second,
    ):
        slot, _ = await booked(first)
        then, now = await booked(second)
        assert then - slot == pytest.approx(0.51)  # behind the other client's send, at the pace
        assert then - now > 0  # so the second client waits
        async with Clerk(
            bearer_auth="sk_test_another_instance", server_url=clerk_emulator.url, rate_limit=limit
        ) as other:
            other_slot, other_now = await booked(other)
        assert other_slot == other_now  # another instance has a budget of its own

    client = redis_client.Redis.from_url(redis_url, decode_responses=True)
    try:
        keys = sorted(str(key) for key in await client.keys("*"))
    finally:
        await client.aclose()
    assert len(keys) == 2 and all(key.startswith("clerk:ratelimit:") for key in keys)
    assert all(key.endswith(":instance") for key in keys)
    assert not any(clerk_emulator.secret_key in key or "another" in key for key in keys)


async def test_a_429_seen_by_one_client_pauses_the_other(
    server: ScriptedServer, redis_url: str
) -> None:
    server.script("GET", "/v1/users/count", Reply(429, headers={"Retry-After": "30"}))
    options: dict[str, Any] = {"bearer_auth": SECRET_KEY, "retry_config": NO_RETRIES}
    async with (
        Clerk(server_url=server.url, rate_limit=RedisRateLimit(redis_url), **options) as first,
        Clerk(server_url=server.url, rate_limit=RedisRateLimit(redis_url), **options) as second,
    ):
        with pytest.raises(RateLimitError):
            await first.users.count()
        assert 29 < await shared(second).paused_for() <= 30  # held in Redis, for everyone
        slot, now = await booked(second)
        assert slot - now > 29  # the next send of the other client waits the pause out


@pytest.mark.parametrize("store", ["memory", "redis"])
async def test_an_invitation_loop_waits_for_the_hourly_limit_instead_of_failing(
    store: str, redis_url: str
) -> None:
    with ClerkEmulator(rate_limit=None) as emulator:
        emulator.endpoint_limits = {"POST /invitations": INVITATIONS}
        hourly = {"invitations.create": INVITATIONS}  # a short period stands in for the hour
        limit: Any = (
            MemoryRateLimit("1000/1s", endpoint_limits=hourly)
            if store == "memory"
            else RedisRateLimit(redis_url, limit="1000/1s", endpoint_limits=hourly)
        )
        async with connect(emulator, rate_limit=limit, retry_config=NO_RETRIES) as clerk:
            invited = await run_concurrently(invitations(clerk, "ada", 14))
            counted = await run_concurrently([clerk.users.count] * 20)  # not held by the former

        assert [type(outcome).__name__ for outcome in invited] == ["Invitation"] * 14
        assert [type(outcome).__name__ for outcome in counted] == ["TotalCount"] * 20
        assert emulator.emulator.responses == {200: 34}

        async with connect(
            emulator,
            rate_limit=MemoryRateLimit("1000/1s", endpoint_limits={}),
            retry_config=NO_RETRIES,
        ) as unaware:
            outcomes = await run_concurrently(invitations(unaware, "bob", 14))
        refused = [outcome for outcome in outcomes if isinstance(outcome, RateLimitError)]
        assert refused  # the same loop without the hourly limit: Clerk's 429s


async def test_a_429_on_an_invitation_pauses_the_invitations_only(server: ScriptedServer) -> None:
    server.script("POST", "/v1/invitations", Reply(429, headers={"Retry-After": "600"}))
    async with Clerk(
        bearer_auth=SECRET_KEY,
        server_url=server.url,
        rate_limit="1000/10s",
        retry_config=NO_RETRIES,
    ) as clerk:
        with pytest.raises(RateLimitError):
            await clerk.invitations.create(email_address="ada@example.com")
        limiter = clerk.rate_limiter
        assert limiter is not None and limiter.paused_for() == 0  # type: ignore[attr-defined]
        limits: Any = clerk._limits
        assert limits.endpoints["CreateInvitation"].paused_for() > 599


@pytest.mark.slow  # a Redis server killed and started again
async def test_redis_killed_and_restarted_the_client_goes_on_and_comes_back(
    clerk_emulator: ClerkEmulator,
    own_redis_server: RedisServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="clerk.ratelimit")
    limit = RedisRateLimit(own_redis_server.url, limit="1000/1s", timeout=0.5)
    async with connect(clerk_emulator, rate_limit=limit, retry_config=NO_RETRIES) as clerk:
        limiter = shared(clerk)
        await clerk.users.count()
        assert (limiter.store_errors, limiter.local_bookings) == (0, 0)

        own_redis_server.kill()
        outcomes = await run_concurrently([clerk.users.count] * 30)
        assert [type(o).__name__ for o in outcomes] == ["TotalCount"] * 30  # never an error
        assert limiter.store_errors >= 1
        assert limiter.local_bookings == 30  # each paced by this client's own limiter

        own_redis_server.start()
        for _ in range(200):  # Redis is asked again after a pause (0.5 s first), by itself
            await clerk.users.count()
            if await limiter.book() is not None:
                break
            await pause(0.05)
        assert await limiter.book() is not None

    messages = [record.getMessage() for record in caplog.records]
    failed = [m for m in messages if "rate limit store redis failed" in m]
    back = [m for m in messages if "rate limit store redis answers again" in m]
    assert len(failed) == 1 and len(back) == 1, messages  # one warning, not one per request
    assert "each process keeps to its own limiter" in failed[0]


async def test_a_redis_rate_limit_is_checked_when_built(redis_url: str) -> None:
    with pytest.raises(TypeError, match="url or a client"):
        RedisRateLimit()
    with pytest.raises(ValueError, match="limit"):
        RedisRateLimit(redis_url, limit="fast")
    with pytest.raises(ValueError, match=r"'invitations\.nope'"):
        RedisRateLimit(redis_url, endpoint_limits={"invitations.nope": "1/1h"})
    with pytest.raises(ValueError, match="timeout"):
        RedisRateLimit(redis_url, timeout=0)
    password = "redis://:hunter2@127.0.0.1:1/0"
    assert "hunter2" not in repr(RedisRateLimit(password))
    async with Clerk(bearer_auth="sk_live_x", rate_limit=RedisRateLimit(redis_url)) as clerk:
        assert repr(clerk.rate_limiter) == "RedisRateLimiter(1000/10s)"  # auto: by the key
