from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from clerk_async.emulator import ClerkEmulator
from tests.integrations.tokens import ClaimsTokens, EmulatorTokens

#: The property tests' short profile: each example is a real HTTP request to a real server.
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="session")
def claims_tokens() -> ClaimsTokens:
    return ClaimsTokens()


@pytest.fixture
def emulator_tokens(clerk_emulator: ClerkEmulator) -> Iterator[EmulatorTokens]:
    """Users, sessions and machine tokens of the emulator (fresh state for each test)."""
    with clerk_emulator.sync_client() as admin:
        yield EmulatorTokens(admin)
