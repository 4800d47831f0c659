"""The aiohttp transport: bytes in, fully read bytes out. The only module that imports aiohttp.

A session this transport opens itself is closed by ``aclose()``; if the client is never closed (a
short script), a suspended async generator registered with the event loop closes it when the loop
shuts down (``asyncio.run`` calls ``shutdown_asyncgens``) or when the transport is collected, so no
"Unclosed client session" warning is left behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from functools import lru_cache

import aiohttp
from yarl import URL

from clerk_async._http import Request, Response, transport_error
from clerk_async.errors import APIConnectionError, APITimeoutError

__all__ = ["AsyncTransport", "HTTPClient"]

#: What ``Clerk(http_client=...)`` accepts in ``clerk_async``.
HTTPClient = aiohttp.ClientSession

TRANSPORT_NAME = "aiohttp"
TRANSPORT_VERSION = aiohttp.__version__
#: Connections kept per client (aiohttp's default); ``http_client=`` gives full control.
POOL_SIZE = 100


@lru_cache(maxsize=64)
def _client_timeout(seconds: float) -> aiohttp.ClientTimeout:
    return aiohttp.ClientTimeout(total=seconds)


class AsyncTransport:
    __slots__ = ("_closer", "_external", "_loop", "_session")

    def __init__(self, session: aiohttp.ClientSession | None = None) -> None:
        self._session = session
        self._external = session is not None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closer: AsyncGenerator[None, None] | None = None

    async def send(self, request: Request, timeout: float) -> Response:
        session = self._session
        if session is None or (not self._external and self._loop is not asyncio.get_running_loop()):
            session = await self._open_session()
        try:
            async with session.request(
                request.method,
                URL(request.url, encoded=True),
                headers=request.headers,
                data=request.body,
                timeout=_client_timeout(timeout),
                allow_redirects=False,
            ) as response:
                body = await response.read()
                return Response(response.status, response.headers, body)
        except aiohttp.ConnectionTimeoutError as exc:
            raise transport_error(APITimeoutError, request, exc, sent=False) from exc
        except asyncio.TimeoutError as exc:
            raise transport_error(APITimeoutError, request, exc, sent=True) from exc
        except aiohttp.ClientConnectorError as exc:
            raise transport_error(APIConnectionError, request, exc, sent=False) from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise transport_error(APIConnectionError, request, exc, sent=True) from exc

    async def _open_session(self) -> aiohttp.ClientSession:
        """Open this transport's own session on the running loop (again, if the loop changed)."""
        if self._session is not None and not self._session.closed:
            await self._release()
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=POOL_SIZE),
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        closer = _close_when_finalized(session)
        await closer.__anext__()
        self._session, self._loop, self._closer = session, asyncio.get_running_loop(), closer
        return session

    async def _release(self) -> None:
        closer, self._closer = self._closer, None
        session, self._session = self._session, None
        if closer is not None and self._loop is asyncio.get_running_loop():
            await closer.aclose()
        elif session is not None and self._loop is not None and not self._loop.is_closed():
            asyncio.run_coroutine_threadsafe(session.close(), self._loop)

    async def aclose(self) -> None:
        if not self._external:
            await self._release()


async def _close_when_finalized(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    try:
        yield
    finally:
        if not session.closed:
            await session.close()
