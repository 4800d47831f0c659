"""What the async end-to-end tests need that differs by flavour (mirrored as ``flavour_sync``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from clerk_async import Clerk
from clerk_async._operation import Operation
from clerk_async._pagination import Page

from .ops import User


def own_http_client() -> aiohttp.ClientSession:
    return aiohttp.ClientSession()


def http_client_with_headers(headers: dict[str, str]) -> aiohttp.ClientSession:
    """A user's client that sets headers of its own on every request."""
    return aiohttp.ClientSession(headers=headers)


def http_client_raising_for_status() -> aiohttp.ClientSession:
    """A user's client configured to raise on every 4xx/5xx by itself."""
    return aiohttp.ClientSession(raise_for_status=True)


def http_client_failing_with_headers() -> aiohttp.ClientSession:
    """A user's client whose tracing refuses every request, quoting the request's headers in
    its error (as HTTP libraries' errors may: they hold the request)."""

    async def refuse(
        _session: aiohttp.ClientSession, _context: object, params: aiohttp.TraceRequestStartParams
    ) -> None:
        raise aiohttp.ClientError(f"refused by a test: {dict(params.headers)}")

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(refuse)
    return aiohttp.ClientSession(trace_configs=[trace])


async def close_http_client(client: aiohttp.ClientSession) -> None:
    await client.close()


def http_client_is_open(client: aiohttp.ClientSession) -> bool:
    return not client.closed


def list_method(clerk: Clerk, op: Operation) -> Callable[..., Awaitable[Page[User]]]:
    async def list_users(**params: object) -> Page[User]:
        return await clerk.send_page(op, User, query=params)

    return list_users


async def run_concurrently(calls: list[Callable[[], Awaitable[Any]]]) -> list[Any]:
    """Every call at once (tasks here, threads in the sync twin); errors are returned."""
    return await asyncio.gather(*(call() for call in calls), return_exceptions=True)


async def pause(seconds: float) -> None:
    """Let time pass without blocking the loop (a background task may need to run)."""
    await asyncio.sleep(seconds)
