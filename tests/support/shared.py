"""Shared (unmirrored) names the mirrored end-to-end tests use: imported from here, their
``clerk_async`` module path is not rewritten to ``clerk_sync`` by the mirror."""

from clerk_async._ratelimit import DEVELOPMENT, PRODUCTION
from clerk_async.emulator.samples import sample

__all__ = ["DEVELOPMENT", "PRODUCTION", "sample"]
