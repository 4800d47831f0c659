"""The urllib3 transport: bytes in, fully read bytes out. The sync twin of the aiohttp transport.

urllib3's timeouts bound each socket operation, not the request, so a body that trickles in
byte by byte would never time out: the body is read here chunk by chunk, each read allowed only
what is left of the request's deadline. A pool passed in by the user keeps its own headers (ours
win where both set one) and is never closed here.
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

import urllib3
from urllib3._version import __version__ as urllib3_version
from urllib3.exceptions import (
    ConnectTimeoutError,
    EmptyPoolError,
    HTTPError,
    NewConnectionError,
    TimeoutError,
)

from clerk_async._http import Request, Response, transport_error
from clerk_async.errors import APIConnectionError, APITimeoutError

__all__ = ["HTTPClient", "SyncTransport", "sleep"]

#: How the base client waits (for a rate-limit slot); ``asyncio.sleep`` in ``clerk_async``.
sleep = time.sleep

#: What ``Clerk(http_client=...)`` accepts in ``clerk_sync``.
HTTPClient = urllib3.PoolManager

TRANSPORT_NAME = "urllib3"
TRANSPORT_VERSION = urllib3_version
#: Connections kept per host; threads beyond it wait for a free one (``max_connections=``).
POOL_SIZE = 32
_CHUNK = 256 * 1024


# urllib3 retries nothing and follows no redirect: retries are decided by our policy.
_NO_RETRIES = urllib3.Retry(total=False, redirect=False)


@lru_cache(maxsize=64)
def _timeout(seconds: float) -> urllib3.Timeout:
    return urllib3.Timeout(total=seconds)


class _Deadline(TimeoutError):
    """The whole request took longer than its timeout."""


def check_http_client(client: object) -> urllib3.PoolManager | None:
    """``Clerk(http_client=...)``: a ``urllib3.PoolManager`` (or ``ProxyManager``), or ``None``."""
    if client is None or isinstance(client, urllib3.PoolManager):
        return client
    hint = ""
    if type(client).__module__.startswith("aiohttp"):
        hint = " (clerk_async.Clerk takes an aiohttp.ClientSession)"
    elif isinstance(client, urllib3.connectionpool.ConnectionPool):
        hint = " (a pool of one host cannot follow server_url: pass a PoolManager)"
    raise TypeError(f"http_client must be a urllib3.PoolManager, not {type(client).__name__}{hint}")


class SyncTransport:
    __slots__ = ("_external", "_pool")

    def __init__(self, pool: urllib3.PoolManager | None = None, max_connections: int = POOL_SIZE):
        pool = check_http_client(pool)
        self._external = pool is not None
        self._pool = pool or urllib3.PoolManager(maxsize=max_connections, block=True)

    def send(self, request: Request, timeout: float) -> Response:
        deadline = time.monotonic() + timeout
        failure: APIConnectionError
        try:
            response = self._pool.urlopen(
                request.method,
                request.url,
                body=request.body,
                headers=self._headers(request.headers),
                timeout=_timeout(timeout),
                pool_timeout=timeout,
                retries=_NO_RETRIES,
                redirect=False,
                preload_content=False,
            )
            try:
                body = _read_body(response, deadline)
            except BaseException:
                response.close()  # a half-read connection cannot be reused
                raise
            response.release_conn()
            return Response(response.status, response.headers, body)
        except (NewConnectionError, EmptyPoolError) as exc:  # nothing sent; test these first
            failure = transport_error(APIConnectionError, request, exc, sent=False)
            if isinstance(exc, EmptyPoolError):
                failure = transport_error(APITimeoutError, request, exc, sent=False)
        except ConnectTimeoutError as exc:
            failure = transport_error(APITimeoutError, request, exc, sent=False)
        except TimeoutError as exc:
            failure = transport_error(APITimeoutError, request, exc, sent=True)
        except (HTTPError, OSError) as exc:
            failure = transport_error(APIConnectionError, request, exc, sent=True)
        # Raised outside the handler: urllib3's exception is described, never chained.
        raise failure

    def _headers(self, ours: dict[str, str]) -> dict[str, str]:
        """The pool's own headers (``PoolManager(headers=...)``) under ours."""
        theirs = self._pool.headers
        if not theirs:
            return ours
        taken = {name.lower() for name in ours}
        merged = {name: value for name, value in theirs.items() if name.lower() not in taken}
        merged.update(ours)
        return merged

    def close(self) -> None:
        if not self._external:
            self._pool.clear()


def _read_body(response: Any, deadline: float) -> bytes:
    """The whole (decoded) body, each socket read limited to the time left.

    The first read is bounded by the timeout urllib3 set from the time left, and usually returns
    the whole body (then nothing more is done: this is the common, fast case).
    """
    first = response.read1(_CHUNK)
    if not first or response.length_remaining == 0:
        return first  # type: ignore[no-any-return]
    chunks: list[bytes] = [first]
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Deadline("the response was not complete within the timeout")
        connection = response.connection
        sock = getattr(connection, "sock", None)
        if sock is not None:
            sock.settimeout(left)
        chunk = response.read1(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
