"""``Clerk``: configuration, lifecycle and the resource groups. Mirrored into ``clerk_sync``."""

from __future__ import annotations

import logging
from types import TracebackType
from typing import TYPE_CHECKING

from clerk_async._config import ClientConfig, KeySource, positive_int, user_agent
from clerk_async._ratelimit import RateLimit
from clerk_async._ratelimit_settings import RateLimitSettings
from clerk_async._retry import RetryConfig

from ._request_auth import AsyncRequestAuthentication
from ._transport import POOL_SIZE, TRANSPORT_NAME, TRANSPORT_VERSION, AsyncTransport, HTTPClient
from .resources import AsyncResourceGroups

if TYPE_CHECKING:
    from .cache._cache import AsyncCache

__all__ = ["Clerk"]


class Clerk(AsyncResourceGroups, AsyncRequestAuthentication):
    """A client for the Clerk Backend API.

    Every argument is optional: the secret key comes from ``CLERK_SECRET_KEY`` when ``bearer_auth``
    is not given (a missing key is reported at the first call), and the server from
    ``CLERK_API_URL`` when neither ``server_url`` nor ``server_idx`` is. Use the client as a context
    manager or close it when done; one that is never closed still releases its connections when
    the program ends. An ``http_client`` you pass in is yours: it is never closed here.

    ``bearer_auth`` may also be a zero-argument callable returning the key, called per request
    (a key that rotates). ``rate_limit`` ("auto", "1000/10s", ...) keeps the client under Clerk's
    limits (a ``clerk_async.ratelimit.RedisRateLimit``: together with every process that uses the
    same Redis); ``max_connections`` sizes the connection pool the client opens itself. ``cache``
    (``True``, or a ``clerk_async.cache.Cache``) serves users, organizations and memberships
    from a cache that webhooks keep fresh (``clerk.cache.apply(event)``).
    """

    def __init__(
        self,
        bearer_auth: str | KeySource | None = None,
        server_url: str | None = None,
        server_idx: int | None = None,
        timeout_ms: int | None = None,
        retry_config: RetryConfig | None = None,
        api_version: str | None = None,
        debug_logger: logging.Logger | None = None,
        http_client: HTTPClient | None = None,
        *,
        rate_limit: RateLimit | RateLimitSettings | str | None = None,
        max_connections: int = POOL_SIZE,
        cache: AsyncCache | bool | None = None,
    ) -> None:
        config = ClientConfig(
            bearer_auth=bearer_auth,
            server_url=server_url,
            server_idx=server_idx,
            timeout_ms=timeout_ms,
            retry_config=retry_config,
            api_version=api_version,
            debug_logger=debug_logger,
            rate_limit=rate_limit,
            user_agent=user_agent(__package__ or "", TRANSPORT_NAME, TRANSPORT_VERSION),
        )
        pool_size = positive_int(max_connections, "max_connections")
        super().__init__(config, AsyncTransport(http_client, pool_size))
        self._owns_cache = False
        if cache is not None and cache is not False:
            from .cache._cache import client_cache

            self._cache, self._owns_cache = client_cache(cache)

    async def __aenter__(self) -> Clerk:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections this client opened (and the cache it made for ``cache=True``)."""
        await self._transport.aclose()
        if self._owns_cache and self._cache is not None:
            await self._cache.aclose()
        if self._limits is not None:
            await self._limits.aclose()

    def __repr__(self) -> str:
        return f"Clerk(server_url={self._config.server_url!r})"
