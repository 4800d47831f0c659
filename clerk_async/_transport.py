"""The aiohttp transport: bytes in, fully read bytes out. The only module that imports aiohttp.

An aiohttp session belongs to one event loop, so a transport keeps one session of its own per loop:
a client shared by threads that each run a loop gives each its own pool, and one loop's session is
never closed under another. ``aclose()`` closes them. A client that is never closed still leaves no
"Unclosed client session" behind: a suspended async generator registered with the loop closes the
session when the loop shuts down (``asyncio.run`` calls ``shutdown_asyncgens``), and what is still
open when the transport is collected, or when the program exits, is closed there.

A session passed in by the user is used as is (never closed here, whatever its settings:
``raise_for_status`` is overridden per request so that errors stay Clerk's typed errors).
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import AsyncGenerator
from functools import lru_cache
from typing import Any

import aiohttp
from yarl import URL

from clerk_async._http import Request, Response, transport_error
from clerk_async.errors import APIConnectionError, APITimeoutError

__all__ = ["AsyncTransport", "HTTPClient", "sleep"]

#: How the base client waits (for a rate-limit slot); ``time.sleep`` in ``clerk_sync``.
sleep = asyncio.sleep

#: What ``Clerk(http_client=...)`` accepts in ``clerk_async``.
HTTPClient = aiohttp.ClientSession

TRANSPORT_NAME = "aiohttp"
TRANSPORT_VERSION = aiohttp.__version__
#: Connections kept per client and event loop (aiohttp's default); ``max_connections=`` sets it.
POOL_SIZE = 100

_Opened = tuple[aiohttp.ClientSession, AsyncGenerator[None, None]]


@lru_cache(maxsize=64)
def _client_timeout(seconds: float) -> aiohttp.ClientTimeout:
    # Waiting for a pooled connection and connecting end before the whole request's deadline, so
    # that a timeout there says "not sent" (ConnectionTimeoutError), never "sent". The margin is
    # absolute as well as relative: the connect timer starts a few loop turns after the total one,
    # and on a busy loop 1 % of a short timeout is less than those turns take.
    return aiohttp.ClientTimeout(total=seconds, connect=seconds - min(0.05, seconds * 0.25))


def check_http_client(client: object) -> aiohttp.ClientSession | None:
    """``Clerk(http_client=...)``: an open ``aiohttp.ClientSession``, or ``None``."""
    if client is None:
        return None
    if not isinstance(client, aiohttp.ClientSession):
        hint = " (clerk_sync.Clerk takes a urllib3.PoolManager)" if _is_urllib3(client) else ""
        raise TypeError(
            f"http_client must be an aiohttp.ClientSession, not {type(client).__name__}{hint}"
        )
    if client.closed:
        raise ValueError("http_client: this aiohttp.ClientSession is already closed")
    return client


def _is_urllib3(client: object) -> bool:
    return type(client).__module__.startswith("urllib3")


class AsyncTransport:
    __slots__ = ("__weakref__", "_current", "_external", "_limit", "_lock", "_own")

    def __init__(
        self, session: aiohttp.ClientSession | None = None, max_connections: int = POOL_SIZE
    ) -> None:
        self._external = check_http_client(session)
        self._limit = max_connections
        #: loop -> this transport's own session on it (and the generator that closes it).
        self._own: dict[asyncio.AbstractEventLoop, _Opened] = {}
        #: The last (loop, session) used: the common case costs one identity check.
        self._current: tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession] | None = None
        self._lock = threading.Lock()
        weakref.finalize(self, _close_now, self._own)

    async def send(self, request: Request, timeout: float) -> Response:
        session = self._external
        if session is None:
            loop = asyncio.get_running_loop()
            current = self._current
            session = current[1] if current is not None and current[0] is loop else None
            if session is None or session.closed:
                session = await self._session_for(loop)
        elif session.closed:
            raise ValueError("http_client: the aiohttp.ClientSession passed to Clerk is closed")
        failure: APIConnectionError
        try:
            async with session.request(
                request.method,
                URL(request.url, encoded=True),
                headers=request.headers,
                data=request.body,
                timeout=_client_timeout(timeout),
                allow_redirects=False,
                raise_for_status=False,
            ) as response:
                body = await response.read()
                return Response(response.status, response.headers, body)
        except aiohttp.ConnectionTimeoutError as exc:
            failure = transport_error(APITimeoutError, request, exc, sent=False)
        except asyncio.TimeoutError as exc:
            failure = transport_error(APITimeoutError, request, exc, sent=True)
        except aiohttp.ClientConnectorError as exc:
            failure = transport_error(APIConnectionError, request, exc, sent=False)
        except (aiohttp.ClientError, OSError) as exc:
            failure = transport_error(APIConnectionError, request, exc, sent=True)
        # Raised here, outside the handler, so that nothing chains aiohttp's exception (which
        # holds the request headers, the secret key among them).
        raise failure

    async def _session_for(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession:
        """This transport's session on ``loop``, opened on first use there."""
        with self._lock:
            opened = self._own.get(loop)
            if opened is not None and not opened[0].closed:
                self._current = (loop, opened[0])
                return opened[0]
            for other, (session, _closer) in list(self._own.items()):
                if other.is_closed():  # that loop ended: its session can only be dropped
                    _force_close(session)
                    del self._own[other]
            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._limit),
                cookie_jar=aiohttp.DummyCookieJar(),
            )
            # aiohttp would resend an idempotent request once on a dropped keep-alive; the
            # retry policy decides about every attempt instead.
            session._retry_connection = False
            closer = _close_when_finalized(session)
            self._own[loop] = (session, closer)
            self._current = (loop, session)
        await closer.__anext__()
        return session

    async def aclose(self) -> None:
        with self._lock:
            opened = dict(self._own)
            self._own.clear()
            self._current = None
        running = asyncio.get_running_loop()
        for loop, (session, closer) in opened.items():
            if loop is running:
                await closer.aclose()
            elif not loop.is_closed() and loop.is_running():
                asyncio.run_coroutine_threadsafe(session.close(), loop)
            else:
                _force_close(session)


async def _close_when_finalized(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        if not session.closed:
            await session.close()


def _force_close(session: aiohttp.ClientSession) -> None:
    """Close a session without its event loop (it ended, or is not running): its connections are
    dropped, and it counts as closed, so aiohttp warns of nothing."""
    connector: Any = session.connector
    if connector is not None and not connector.closed:
        connector._close()


def _close_now(own: dict[asyncio.AbstractEventLoop, _Opened]) -> None:
    """At collection of the transport, or at exit: close whatever it still has open."""
    for session, _closer in list(own.values()):
        if not session.closed:
            _force_close(session)
    own.clear()
