from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from clerk_async import BackoffStrategy, Clerk, RetryConfig
from tests.support.emulator import ClerkEmulator
from tests.support.server import SECRET_KEY, ScriptedServer

#: Short waits so retry tests stay fast; four attempts in all.
FAST_RETRY = RetryConfig("backoff", BackoffStrategy(10, 40, 2.0, 10_000), True, max_retries=3)


@pytest.fixture
async def client(server: ScriptedServer) -> AsyncIterator[Clerk]:
    async with Clerk(
        bearer_auth=SECRET_KEY, server_url=server.url, retry_config=FAST_RETRY
    ) as clerk:
        yield clerk


@pytest.fixture
async def clerk(clerk_emulator: ClerkEmulator) -> AsyncIterator[Clerk]:
    """A client of the local Clerk emulator (fresh state for each test)."""
    async with Clerk(
        bearer_auth=clerk_emulator.secret_key,
        server_url=clerk_emulator.url,
        retry_config=FAST_RETRY,
    ) as client:
        yield client
