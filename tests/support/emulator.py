"""The emulator's names for the mirrored end-to-end tests (whose ``clerk_async`` imports unasync
rewrites to ``clerk_sync``): the emulator is one server for both flavours."""

from clerk_async.emulator import ClerkEmulator, Faults

__all__ = ["ClerkEmulator", "Faults"]
