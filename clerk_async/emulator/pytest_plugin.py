"""pytest fixtures for testing code that talks to Clerk, against the local emulator.

Installed as the ``clerk_emulator`` pytest plugin (entry point ``pytest11``), so with the package
installed the fixtures are simply there::

    async def test_signup(clerk_emulator):
        async with clerk_emulator.client() as clerk:
            user = await clerk.users.create(email_address=["ada@example.com"])
        assert clerk_emulator.state.users.find(user.id) is not None

One server runs per test session (in a background thread, so sync and async tests share it); the
``clerk_emulator`` fixture resets its state, faults and rate limit before each test. To change the
defaults, override ``clerk_emulator_options`` in your ``conftest.py``::

    @pytest.fixture(scope="session")
    def clerk_emulator_options():
        return {"rate_limit": "100/10s", "secret_key": "sk_test_local"}

Keys are the :class:`~clerk_async.emulator.ClerkEmulator` arguments; ``rate_limit`` defaults to
off here so that a fast suite never meets a 429 it did not ask for.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # imported by the fixtures, so that loading the plugin stays cheap
    from clerk_async.emulator.runner import ClerkEmulator

__all__ = ["clerk_emulator", "clerk_emulator_options", "clerk_emulator_server"]


@pytest.fixture(scope="session")
def clerk_emulator_options() -> dict[str, Any]:
    """Arguments of the session's :class:`ClerkEmulator`; override to change them."""
    return {"rate_limit": None}


@pytest.fixture(scope="session")
def clerk_emulator_server(clerk_emulator_options: dict[str, Any]) -> Iterator[ClerkEmulator]:
    """The session-wide emulator, as left by the previous test."""
    from clerk_async.emulator.runner import ClerkEmulator

    with ClerkEmulator(**{"rate_limit": None, **clerk_emulator_options}) as emulator:
        yield emulator


@pytest.fixture
def clerk_emulator(
    clerk_emulator_server: ClerkEmulator, clerk_emulator_options: dict[str, Any]
) -> ClerkEmulator:
    """The emulator with empty state, the configured rate limit and faults, fresh for this test."""
    emulator = clerk_emulator_server
    emulator.rate_limit = clerk_emulator_options.get("rate_limit")
    emulator.faults = clerk_emulator_options.get("faults")
    emulator.user_limit = clerk_emulator_options.get("user_limit")
    emulator.reset()
    return emulator
