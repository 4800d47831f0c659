"""The base of every generated resource group class. Mirrored into ``clerk_sync``."""

from __future__ import annotations

from ._base_client import AsyncAPIClient

__all__ = ["AsyncResource"]


class AsyncResource:
    """A resource group (``clerk.users``, ...): methods that send through the client."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncAPIClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"
