"""Async client for the Clerk Backend API (aiohttp + msgspec).

``clerk_async.Clerk`` (and ``AsyncPage``) is loaded on first use, so that importing the models,
errors or ``clerk_sync`` never imports aiohttp. ``clerk_async.models`` and ``clerk_async.utils``
are reachable as attributes, as in Clerk's own SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from clerk_async import _public
from clerk_async._public import *  # noqa: F403

if TYPE_CHECKING:
    from . import models, utils
    from ._base_client import AsyncPage
    from ._client import Clerk

__all__ = ["AsyncPage", "Clerk", "models", "utils", *_public.__all__]  # noqa: PLE0604


def __getattr__(name: str) -> Any:
    if name == "Clerk":
        from ._client import Clerk

        return Clerk
    if name == "AsyncPage":
        from ._base_client import AsyncPage

        return AsyncPage
    if name in ("models", "utils"):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'clerk_async' has no attribute {name!r}")
