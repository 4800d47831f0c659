"""What the async end-to-end tests need that differs by flavour (mirrored as ``flavour_sync``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiohttp

from clerk_async import Clerk
from clerk_async._operation import Operation
from clerk_async._pagination import Page

from .ops import User


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
