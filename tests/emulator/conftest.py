from __future__ import annotations

from collections.abc import AsyncIterator
from importlib.metadata import entry_points

import aiohttp
import pytest

from clerk_async import Clerk
from clerk_async.emulator import ClerkEmulator

from .support import Api

# The plugin's fixtures come from its pytest11 entry point once the package is reinstalled with it;
# until then, import them here (never both: pytest would see the fixtures twice).
if not any(ep.name == "clerk_emulator" for ep in entry_points(group="pytest11")):
    from clerk_async.emulator.pytest_plugin import (  # noqa: F401
        _clerk_emulator_servers,
        clerk_emulator,
        clerk_emulator_options,
        clerk_emulator_server,
    )


@pytest.fixture
def emu(clerk_emulator: ClerkEmulator) -> ClerkEmulator:
    return clerk_emulator


@pytest.fixture
async def api(emu: ClerkEmulator) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(emu, session)


@pytest.fixture
async def clerk(emu: ClerkEmulator) -> AsyncIterator[Clerk]:
    """The real client, pointed at the emulator."""
    async with emu.client() as client:
        yield client
