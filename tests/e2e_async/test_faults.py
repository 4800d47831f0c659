"""What the client does about each fault the emulator injects: retried only where it is safe."""

from __future__ import annotations

import time

import pytest

from clerk_async import (
    APIConnectionError,
    AuthenticationError,
    Clerk,
    InternalServerError,
)
from tests.support.emulator import ClerkEmulator, Faults

from .conftest import FAST_RETRY


def connect(emulator: ClerkEmulator) -> Clerk:
    return Clerk(bearer_auth=emulator.secret_key, server_url=emulator.url, retry_config=FAST_RETRY)


async def test_the_client_retries_a_get_after_a_503(clerk_emulator: ClerkEmulator) -> None:
    async with connect(clerk_emulator) as clerk:
        user = await clerk.users.create(username="sturdy")
        clerk_emulator.faults = Faults(error_rate=1.0, error_statuses=(503,), max_faults=2)
        fetched = await clerk.users.get(user.id)
    assert fetched.id == user.id
    assert clerk_emulator.faults_injected == 2


async def test_the_client_does_not_retry_a_post_after_a_500(clerk_emulator: ClerkEmulator) -> None:
    clerk_emulator.faults = Faults(error_rate=1.0, error_statuses=(500,), max_faults=1)
    async with connect(clerk_emulator) as clerk:
        with pytest.raises(InternalServerError) as caught:
            await clerk.users.create(username="once")
    assert caught.value.code == "internal_clerk_error"
    assert clerk_emulator.state.users.users == {}


async def test_drop_before_applies_nothing(clerk_emulator: ClerkEmulator) -> None:
    clerk_emulator.faults = Faults(drop_before=1.0, max_faults=1)
    async with connect(clerk_emulator) as clerk:
        with pytest.raises(APIConnectionError) as caught:
            await clerk.users.create(username="dropped")
        assert caught.value.request_sent is True
        assert clerk_emulator.state.users.users == {}
        # A GET is retried, and the second attempt gets through.
        clerk_emulator.faults = Faults(drop_before=1.0, max_faults=1)
        page = await clerk.users.list()
    assert len(page) == 0
    assert clerk_emulator.faults_injected == 1


async def test_a_post_dropped_after_the_write_is_not_retried(clerk_emulator: ClerkEmulator) -> None:
    """The duplicate-user trap: the write happened, the answer never came."""
    clerk_emulator.faults = Faults(drop_after=1.0, methods=frozenset({"POST"}), max_faults=1)
    async with connect(clerk_emulator) as clerk:
        with pytest.raises(APIConnectionError) as caught:
            await clerk.users.create(email_address=["once@example.com"])
        assert caught.value.request_sent is True
        assert caught.value.method == "POST"

        found = await clerk.users.list(email_address=["once@example.com"])
    assert len(found) == 1
    assert len(clerk_emulator.state.users.users) == 1
    assert clerk_emulator.emulator.responses[0] == 1  # one dropped response, no second POST


async def test_a_get_dropped_after_is_retried(clerk_emulator: ClerkEmulator) -> None:
    async with connect(clerk_emulator) as clerk:
        user = await clerk.users.create(username="fetched")
        clerk_emulator.faults = Faults(drop_after=1.0, max_faults=1)
        fetched = await clerk.users.get(user.id)
    assert fetched.username == "fetched"


async def test_the_client_waits_out_a_429(clerk_emulator: ClerkEmulator) -> None:
    clerk_emulator.rate_limit = "3/1s"
    async with connect(clerk_emulator) as clerk:
        started = time.monotonic()
        for index in range(5):
            await clerk.users.create(username=f"patient_{index}")
        elapsed = time.monotonic() - started
    assert elapsed >= 0.9
    assert len(clerk_emulator.state.users.users) == 5
    assert clerk_emulator.emulator.responses[429] >= 1


async def test_the_client_raises_authentication_error(clerk_emulator: ClerkEmulator) -> None:
    async with Clerk(bearer_auth="sk_test_wrong", server_url=clerk_emulator.url) as clerk:
        with pytest.raises(AuthenticationError) as caught:
            await clerk.users.get("user_1")
    assert caught.value.code == "clerk_key_invalid"
    assert caught.value.clerk_trace_id
