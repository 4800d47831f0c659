from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from clerk_async.emulator import ClerkEmulator
from tests.integrations.personas import sign_in_personas
from tests.integrations.tokens import EmulatorTokens
from tests.support.emulator_sessions import SignedIn

#: The property tests' short profile: each example is a real HTTP request to a real server.
settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="package")
def personas(clerk_emulator_server: ClerkEmulator) -> dict[str, SignedIn]:
    """The personas (``personas.PERSONAS``) signed in to the session's emulator, once for all the
    integration tests (their tokens live an hour).

    Its state is rebuilt here and emptied again before each test that asks for ``clerk_emulator``;
    the tokens stay valid all the same (they are checked against the emulator's key, which stays).
    """
    return sign_in_personas(clerk_emulator_server)


@pytest.fixture
def emulator_tokens(clerk_emulator: ClerkEmulator) -> Iterator[EmulatorTokens]:
    """Users, sessions and machine tokens of the emulator (fresh state for each test)."""
    with clerk_emulator.sync_client() as admin:
        yield EmulatorTokens(admin, clerk_emulator)
