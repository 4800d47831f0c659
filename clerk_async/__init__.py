"""Async client for the Clerk Backend API (aiohttp + msgspec).

``clerk_async.Clerk`` is loaded on first use, so that importing the models, errors or ``clerk_sync``
never imports aiohttp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clerk_async import _public
from clerk_async._public import *  # noqa: F403

if TYPE_CHECKING:
    from ._client import Clerk

__all__ = ["Clerk", *_public.__all__]  # noqa: PLE0604


def __getattr__(name: str) -> Any:
    if name == "Clerk":
        from ._client import Clerk

        return Clerk
    raise AttributeError(f"module 'clerk_async' has no attribute {name!r}")
