"""The urllib3 transport: bytes in, fully read bytes out. The sync twin of the aiohttp transport."""

from __future__ import annotations

from functools import lru_cache

import urllib3
from urllib3._version import __version__ as urllib3_version
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    TimeoutError,
)

from clerk_async._http import Request, Response, transport_error
from clerk_async.errors import APIConnectionError, APITimeoutError

__all__ = ["HTTPClient", "SyncTransport"]

#: What ``Clerk(http_client=...)`` accepts in ``clerk_sync``.
HTTPClient = urllib3.PoolManager

TRANSPORT_NAME = "urllib3"
TRANSPORT_VERSION = urllib3_version
#: Connections kept per host; enough for a thread pool sharing one client.
POOL_SIZE = 32


# urllib3 retries nothing and follows no redirect: retries are decided by our policy.
_NO_RETRIES = urllib3.Retry(total=False, redirect=False)


@lru_cache(maxsize=64)
def _timeout(seconds: float) -> urllib3.Timeout:
    return urllib3.Timeout(total=seconds)


class SyncTransport:
    __slots__ = ("_external", "_pool")

    def __init__(self, pool: urllib3.PoolManager | None = None) -> None:
        self._external = pool is not None
        self._pool = pool if pool is not None else urllib3.PoolManager(maxsize=POOL_SIZE)

    def send(self, request: Request, timeout: float) -> Response:
        try:
            response = self._pool.urlopen(
                request.method,
                request.url,
                body=request.body,
                headers=request.headers,
                timeout=_timeout(timeout),
                retries=_NO_RETRIES,
                redirect=False,
                preload_content=True,
            )
        except NewConnectionError as exc:  # a subclass of ConnectTimeoutError: test it first
            raise transport_error(APIConnectionError, request, exc, sent=False) from exc
        except ConnectTimeoutError as exc:
            raise transport_error(APITimeoutError, request, exc, sent=False) from exc
        except TimeoutError as exc:
            raise transport_error(APITimeoutError, request, exc, sent=True) from exc
        except (HTTPError, OSError) as exc:
            raise transport_error(APIConnectionError, request, exc, sent=True) from exc
        return Response(response.status, response.headers, response.data)

    def close(self) -> None:
        if not self._external:
            self._pool.clear()
