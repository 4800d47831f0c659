"""What the async end-to-end tests need that differs by flavour (mirrored as ``flavour_sync``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import aiohttp

from clerk_async import Clerk
from clerk_async._operation import Operation
from clerk_async._pagination import Page

from .ops import User

T = TypeVar("T")


def own_http_client() -> aiohttp.ClientSession:
    return aiohttp.ClientSession()


async def close_http_client(client: aiohttp.ClientSession) -> None:
    await client.close()


def http_client_is_open(client: aiohttp.ClientSession) -> bool:
    return not client.closed


def list_method(clerk: Clerk, op: Operation) -> Callable[..., Awaitable[Page[User]]]:
    async def list_users(**params: object) -> Page[User]:
        return await clerk.send_page(op, User, query=params)

    return list_users


async def run_concurrently(calls: Sequence[Callable[[], Awaitable[T]]]) -> list[T]:
    """Start every call at once (tasks on this loop) and wait for all of them."""
    return list(await asyncio.gather(*(call() for call in calls)))
