"""What the sync end-to-end tests need that differs by flavour (twin of ``flavour_async``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import urllib3

from clerk_async._operation import Operation
from clerk_async._pagination import Page
from clerk_sync import Clerk

from .ops import User

T = TypeVar("T")


def own_http_client() -> urllib3.PoolManager:
    return urllib3.PoolManager()


def close_http_client(client: urllib3.PoolManager) -> None:
    client.clear()


def http_client_is_open(client: urllib3.PoolManager) -> bool:
    return True  # a PoolManager has no closed state; the test checks it still sends


def list_method(clerk: Clerk, op: Operation) -> Callable[..., Page[User]]:
    def list_users(**params: object) -> Page[User]:
        return clerk.send_page(op, User, query=params)

    return list_users


def run_concurrently(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Run every call at once, on a pool of threads, and wait for all of them."""
    with ThreadPoolExecutor(max_workers=32) as pool:
        return list(pool.map(lambda call: call(), calls))
