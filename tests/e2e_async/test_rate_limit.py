"""Bursts over Clerk's rate limit: the client-side limiter, and 429s waited out within budget."""

from __future__ import annotations

import time

import pytest

from clerk_async import BackoffStrategy, Clerk, RateLimitError, RetryConfig
from tests.support.emulator import ClerkEmulator
from tests.support.flavour_async import run_concurrently
from tests.support.server import SECRET_KEY, Reply, ScriptedServer
from tests.support.shared import DEVELOPMENT, PRODUCTION

#: 429 waits come out of the 20 s budget; only 1 retry is allowed for any other fault.
PATIENT = RetryConfig("backoff", BackoffStrategy(100, 400, 2.0, 20_000), True, max_retries=1)


async def test_the_limiter_keeps_a_burst_under_the_instances_limit(
    clerk_emulator: ClerkEmulator,
) -> None:
    clerk_emulator.rate_limit = "20/1s"
    async with Clerk(
        bearer_auth=clerk_emulator.secret_key,
        server_url=clerk_emulator.url,
        rate_limit="20/1s",
        retry_config=RetryConfig("none"),
    ) as clerk:
        outcomes = await run_concurrently([clerk.users.count] * 40)

    # The emulator enforces the same limit, without retries: sent unpaced, half of the burst
    # would be refused. (How long the limiter waits: tests/unit/test_rate_limiter.py.)
    assert [type(o).__name__ for o in outcomes] == ["TotalCount"] * 40
    assert clerk_emulator.emulator.responses.get(429, 0) == 0


@pytest.mark.slow  # waits out a 10/1s limit for 50 calls: about 5 s
async def test_429_waits_do_not_use_up_the_retries(
    clerk_emulator: ClerkEmulator,
) -> None:
    clerk_emulator.rate_limit = "10/1s"
    async with Clerk(
        bearer_auth=clerk_emulator.secret_key, server_url=clerk_emulator.url, retry_config=PATIENT
    ) as clerk:
        outcomes = await run_concurrently([clerk.users.count] * 50)

    assert [type(o).__name__ for o in outcomes] == ["TotalCount"] * 50
    # 40 turned away at first, and some of them again: more than one retry each, all absorbed.
    assert clerk_emulator.emulator.responses[429] > 40


def test_auto_picks_the_limit_from_the_key() -> None:
    live = Clerk(bearer_auth="sk_live_abc", rate_limit="auto")
    test = Clerk(bearer_auth="sk_test_abc", rate_limit="auto")
    assert live.rate_limiter is not None and live.rate_limiter.limit == PRODUCTION
    assert test.rate_limiter is not None and test.rate_limiter.limit == DEVELOPMENT
    assert Clerk(bearer_auth="sk_live_abc").rate_limiter is None  # off unless asked for


async def test_a_429_pauses_every_caller_of_the_limiter(server: ScriptedServer) -> None:
    ok = Reply(200, json={"object": "total_count", "total_count": 1})
    server.script("GET", "/v1/users/count", Reply(429, headers={"Retry-After": "1"}), ok)
    async with Clerk(
        bearer_auth=SECRET_KEY,
        server_url=server.url,
        rate_limit="1000/10s",
        retry_config=RetryConfig("none"),
    ) as clerk:
        with pytest.raises(RateLimitError):
            await clerk.users.count()
        started = time.monotonic()
        await clerk.users.count()  # not sent before Retry-After has passed
        assert time.monotonic() - started >= 0.9
