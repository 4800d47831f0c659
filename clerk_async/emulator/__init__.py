"""A local Clerk Backend API for tests, demos and offline development.

``ClerkEmulator`` serves an in-memory Clerk instance on ``127.0.0.1``: users, organizations,
invitations, sessions, machines, machine tokens and the rest, with Clerk's error format, rate
limiting and optional fault injection. Run it with ``python -m clerk_async.emulator``, embed it
with ``async with`` / ``with ClerkEmulator() as emu:``, or use the ``clerk_emulator`` pytest
fixture. bcrypt digests and RS256 tokens need the ``emulator`` extra
(``pip install 'clerk-client[emulator]'``).

The names below are imported on first use, so that loading the pytest plugin or
``clerk_async.emulator.samples`` does not start up the server machinery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import Emulator
    from .faults import Faults
    from .ratelimit import DEVELOPMENT, PRODUCTION, RateLimit
    from .runner import ClerkEmulator

__all__ = ["DEVELOPMENT", "PRODUCTION", "ClerkEmulator", "Emulator", "Faults", "RateLimit"]

_HOMES = {
    "ClerkEmulator": "runner",
    "DEVELOPMENT": "ratelimit",
    "Emulator": "app",
    "Faults": "faults",
    "PRODUCTION": "ratelimit",
    "RateLimit": "ratelimit",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'clerk_async.emulator' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
