"""What the sync end-to-end tests need that differs by flavour (twin of ``flavour_async``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import urllib3

from clerk_async._operation import Operation
from clerk_async._pagination import Page
from clerk_sync import Clerk

from .ops import User


def own_http_client() -> urllib3.PoolManager:
    return urllib3.PoolManager()


def http_client_with_headers(headers: dict[str, str]) -> urllib3.PoolManager:
    """A user's client that sets headers of its own on every request."""
    return urllib3.PoolManager(headers=headers)


def http_client_raising_for_status() -> urllib3.PoolManager:
    """urllib3 has no such setting: an ordinary pool (the async twin sets raise_for_status)."""
    return urllib3.PoolManager()


class _RefusingPool(urllib3.PoolManager):
    # PoolManager's own signature, which its base class's does not match either.
    def urlopen(  # type: ignore[override]
        self, method: str, url: str, redirect: bool = True, **kw: Any
    ) -> urllib3.BaseHTTPResponse:
        raise urllib3.exceptions.HTTPError(f"refused by a test: {kw.get('headers')}")


def http_client_failing_with_headers() -> urllib3.PoolManager:
    """A user's pool that refuses every request, quoting the request's headers in its error
    (as HTTP libraries' errors may: they hold the request)."""
    return _RefusingPool()


def close_http_client(client: urllib3.PoolManager) -> None:
    client.clear()


def http_client_is_open(client: urllib3.PoolManager) -> bool:
    """A PoolManager has no closed state: closing it (``clear()``) drops its pools. Asked after
    a request through it, so an open one holds a pool."""
    return len(client.pools) > 0


def list_method(clerk: Clerk, op: Operation) -> Callable[..., Page[User]]:
    def list_users(**params: object) -> Page[User]:
        return clerk.send_page(op, User, query=params)

    return list_users


def run_concurrently(calls: list[Callable[[], Any]]) -> list[Any]:
    """Every call at once, each on its own thread; errors are returned."""

    def outcome(call: Callable[[], Any]) -> Any:
        try:
            return call()
        except Exception as error:
            return error

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(outcome, calls))


def pause(seconds: float) -> None:
    """Let time pass (the async twin yields to the loop meanwhile)."""
    time.sleep(seconds)
