"""The request engine every operation runs on: ``send`` and ``paginate``.

Mirrored into ``clerk_sync`` by ``scripts/unasync``; everything but the transport call is pure
and shared, so keep this file thin. The first attempt runs without tenacity (which costs more
than the rest of the pipeline); a retryable failure hands the remaining attempts to tenacity,
replaying the first failure so that its backoff, ``Retry-After`` and attempt count apply.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, overload

from msgspec import UNSET, UnsetType

from clerk_async._config import ClientConfig
from clerk_async._http import EncodedBody, Request, Response
from clerk_async._operation import Operation
from clerk_async._pagination import Page, PageWalk, following_query
from clerk_async._pipeline import (
    build_request,
    log_failure,
    log_response,
    resolve_retry,
    resolve_timeout,
)
from clerk_async._response import Decode, parse_response, response_decoder
from clerk_async._retry import RetryConfig, RetryPolicy, parse_retry_after, should_retry
from clerk_async._types import AsyncPageMethod
from clerk_async.errors import APIConnectionError, ClerkError

from ._transport import AsyncTransport
from .ratelimit._limits import AsyncRateLimits, Limiter, client_limits, wait_for_slot

if TYPE_CHECKING:
    from .cache._cache import AsyncCache

__all__ = ["AsyncAPIClient", "AsyncPage", "wait_for_slot"]

T = TypeVar("T")


class AsyncPage(Page[T]):
    """A page that knows how to fetch the next one with the same filters (the seed's paging):
    ``page = page.next()`` (awaited in ``clerk_async``) until it returns ``None``.
    ``clerk.paginate`` walks them all."""

    __slots__ = ("_origin",)

    def __init__(
        self,
        data: list[T],
        total_count: int | None = None,
        origin: tuple[AsyncAPIClient, Operation, Any, dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(data, total_count)
        self._origin = origin

    async def next(self) -> AsyncPage[T] | None:
        """The next page, or ``None`` after the last one."""
        if self._origin is None:
            return None
        client, op, item_type, call = self._origin
        query = following_query(op, call["query"], self)
        if query is None:
            return None
        page: AsyncPage[T] = await client.send_page(op, item_type, **{**call, "query": query})
        return page

    #: The seed's spelling.
    Next = next


class AsyncAPIClient:
    """Holds the configuration and the transport; generated resources call ``send``."""

    def __init__(self, config: ClientConfig, transport: AsyncTransport) -> None:
        self._config = config
        self._transport = transport
        self._limits: AsyncRateLimits | None = None
        self._cache: AsyncCache | None = None
        if config.rate_limit is not None:
            self._limits = client_limits(config.rate_limit, config.secret_key)

    @property
    def server_url(self) -> str:
        """The server this client sends to (``server_url=`` on a call overrides it)."""
        return self._config.server_url

    @property
    def rate_limiter(self) -> Limiter | None:
        """The instance's limiter of ``Clerk(rate_limit=...)``, shared by every call (and, with
        a ``RedisRateLimit``, by every process)."""
        limits = self._limits
        return None if limits is None else limits.limiter

    @property
    def cache(self) -> AsyncCache | None:
        """The cache of ``Clerk(cache=...)`` (``None`` without one): ``apply``, ``metrics``."""
        return self._cache

    @overload
    async def send(
        self,
        op: Operation,
        response_type: None,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: EncodedBody | None = None,
        retries: RetryConfig | UnsetType | None = UNSET,
        timeout_ms: int | None = None,
        server_url: str | None = None,
        http_headers: Mapping[str, str] | None = None,
    ) -> None: ...
    @overload
    async def send(
        self,
        op: Operation,
        response_type: type[T],
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: EncodedBody | None = None,
        retries: RetryConfig | UnsetType | None = UNSET,
        timeout_ms: int | None = None,
        server_url: str | None = None,
        http_headers: Mapping[str, str] | None = None,
    ) -> T: ...
    async def send(
        self,
        op: Operation,
        response_type: Any,
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        body: EncodedBody | None = None,
        retries: RetryConfig | UnsetType | None = UNSET,
        timeout_ms: int | None = None,
        server_url: str | None = None,
        http_headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one operation and decode its response into ``response_type``."""
        decode = None if response_type is None else response_decoder(response_type)
        cache = self._cache
        if cache is not None and server_url is None:
            call = (retries, timeout_ms, http_headers)
            return await cache.send(self, op, decode, path, query, body, call)
        return await self._call(
            op, decode, path, query, body, retries, timeout_ms, server_url, http_headers
        )

    async def send_page(
        self,
        op: Operation,
        item_type: type[T],
        *,
        path: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        retries: RetryConfig | UnsetType | None = UNSET,
        timeout_ms: int | None = None,
        server_url: str | None = None,
        http_headers: Mapping[str, str] | None = None,
    ) -> AsyncPage[T]:
        """Send one list operation and decode its page of ``item_type``."""
        decode = response_decoder(item_type, op.pagination or "array")
        cache = self._cache
        page: Page[T]
        if cache is not None and server_url is None:
            options = (retries, timeout_ms, http_headers)
            page = await cache.send(self, op, decode, path, query, None, options)
        else:
            page = await self._call(
                op, decode, path, query, None, retries, timeout_ms, server_url, http_headers
            )
        call = {
            "path": path,
            "query": query,
            "retries": retries,
            "timeout_ms": timeout_ms,
            "server_url": server_url,
            "http_headers": http_headers,
        }
        return AsyncPage(page.data, page.total_count, (self, op, item_type, call))

    async def _call(
        self,
        op: Operation,
        decode: Decode | None,
        path: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None,
        body: EncodedBody | None,
        retries: RetryConfig | UnsetType | None,
        timeout_ms: int | None,
        server_url: str | None,
        http_headers: Mapping[str, str] | None,
    ) -> Any:
        config = self._config
        request = build_request(
            config,
            op,
            path=path,
            query=query,
            body=body,
            server_url=server_url,
            http_headers=http_headers,
        )
        timeout = resolve_timeout(config, timeout_ms)
        retry = resolve_retry(config, retries)
        started = time.monotonic()
        try:
            return parse_response(request, await self._attempt(op, request, timeout), decode)
        except ClerkError as error:
            if retry is None or not should_retry(request.method, error, retry):
                raise
            first_failure = error
        policy = RetryPolicy(
            retry, method=request.method, url=request.url, started=started, logger=config.logger
        )
        return await self._retry(op, request, decode, timeout, policy, first_failure)

    async def _retry(
        self,
        op: Operation,
        request: Request,
        decode: Decode | None,
        timeout: float,
        policy: RetryPolicy,
        first_failure: ClerkError,
    ) -> Any:
        from tenacity import AsyncRetrying

        replay = [first_failure]

        async def attempt() -> Any:
            if replay:
                raise replay.pop()
            return parse_response(request, await self._attempt(op, request, timeout), decode)

        retrying = AsyncRetrying(
            retry=policy.retry,
            wait=policy.wait,
            stop=policy.stop,
            before_sleep=policy.before_sleep,
            reraise=True,
        )
        return await retrying(attempt)

    async def _attempt(self, op: Operation, request: Request, timeout: float) -> Response:
        limits = self._limits
        if limits is not None:
            await limits.wait(op)
        logger = self._config.logger
        if not logger.isEnabledFor(logging.DEBUG):
            response = await self._transport.send(request, timeout)
        else:
            started = time.perf_counter()
            try:
                response = await self._transport.send(request, timeout)
            except APIConnectionError as error:
                log_failure(logger, request, error, time.perf_counter() - started)
                raise
            log_response(logger, request, response, time.perf_counter() - started)
        if limits is not None and response.status == 429:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            await limits.rate_limited(op, 1.0 if retry_after is None else retry_after)
        return response

    async def paginate(
        self, method: AsyncPageMethod[T], /, *, page_size: int = 100, **params: Any
    ) -> AsyncIterator[T]:
        """Yield every item of a list method, one page in memory at a time.

        ``method`` is a list method such as ``clerk.users.list``; ``params`` are its filters.
        The walk stops at ``total_count`` or on a short page. It pages by cursor where the
        operation and the filters allow (``users.list`` ordered by ``created_at``), else by offset.
        """
        walk = PageWalk(method, params, page_size)
        while True:
            page = await method(**walk.arguments())
            if not isinstance(page, Page):
                raise TypeError(f"paginate() needs a list method, and {method!r} returned no Page")
            for item in page.data:
                yield item
            if not walk.advance(page):
                return
