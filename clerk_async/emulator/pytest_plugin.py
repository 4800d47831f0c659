"""pytest fixtures for testing code that talks to Clerk, against the local emulator.

Installed as the ``clerk_emulator`` pytest plugin (entry point ``pytest11``), so with the package
installed the fixtures are simply there::

    async def test_signup(clerk_emulator):
        async with clerk_emulator.client() as clerk:
            user = await clerk.users.create(email_address=["ada@example.com"])
        assert clerk_emulator.state.users.find(user.id) is not None

One server runs per test session (in a background thread, so sync and async tests share it); the
``clerk_emulator`` fixture resets its state, faults and rate limit before each test. To change the
defaults, override ``clerk_emulator_options`` in your ``conftest.py`` (at any scope: a
function-scoped override changes them for the tests it reaches)::

    @pytest.fixture
    def clerk_emulator_options():
        return {"rate_limit": "100/10s", "secret_key": "sk_test_local"}

Keys are the :class:`~clerk_async.emulator.ClerkEmulator` arguments; ``rate_limit`` defaults to
off here so that a fast suite never meets a 429 it did not ask for. ``rate_limit`` and ``faults``
are applied to the running server before each test; the others shape the server itself, so each
distinct set of them starts (once per session) a server of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # imported by the fixtures, so that loading the plugin stays cheap
    from clerk_async.emulator.runner import ClerkEmulator

__all__ = ["clerk_emulator", "clerk_emulator_options", "clerk_emulator_server"]

#: Options applied to a running server before each test; the rest need a server of their own.
_PER_TEST = ("rate_limit", "faults")


class _Servers:
    """The session's running emulators, one per distinct set of server-shaping options."""

    def __init__(self) -> None:
        self._running: dict[tuple[tuple[str, Any], ...], ClerkEmulator] = {}

    def get(self, options: dict[str, Any]) -> ClerkEmulator:
        from clerk_async.emulator.runner import ClerkEmulator

        shaping = {k: v for k, v in options.items() if k not in _PER_TEST}
        key = tuple(sorted((k, repr(v)) for k, v in shaping.items()))
        emulator = self._running.get(key)
        if emulator is None:
            emulator = ClerkEmulator(**shaping, rate_limit=None).start_in_thread()
            self._running[key] = emulator
        return emulator

    def stop(self) -> None:
        for emulator in self._running.values():
            emulator.stop_thread()
        self._running.clear()


@pytest.fixture(scope="session")
def clerk_emulator_options() -> dict[str, Any]:
    """Arguments of the :class:`ClerkEmulator`; override (at any scope) to change them."""
    return {"rate_limit": None}


@pytest.fixture(scope="session")
def _clerk_emulator_servers() -> Iterator[_Servers]:
    servers = _Servers()
    yield servers
    servers.stop()


@pytest.fixture(scope="session")
def clerk_emulator_server(_clerk_emulator_servers: _Servers) -> ClerkEmulator:
    """The session-wide emulator of the default options, as left by the previous test."""
    return _clerk_emulator_servers.get({})


@pytest.fixture
def clerk_emulator(
    _clerk_emulator_servers: _Servers, clerk_emulator_options: dict[str, Any]
) -> ClerkEmulator:
    """The emulator with empty state, the configured rate limit and faults, fresh for this test."""
    emulator = _clerk_emulator_servers.get(clerk_emulator_options)
    emulator.rate_limit = clerk_emulator_options.get("rate_limit")
    emulator.faults = clerk_emulator_options.get("faults")
    emulator.user_limit = clerk_emulator_options.get("user_limit")
    emulator.emulator.request_log = None  # a test that wants one starts its own
    emulator.reset()
    return emulator
