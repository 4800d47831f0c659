"""The one primitive the two flavours do not share: the lock that makes key fetches single-flight.

The mirrored verifier writes ``async with AsyncFlightLock()``; unasync turns it into
``with SyncFlightLock()``. An ``asyncio.Lock`` belongs to the event loop it first waited on, and a
client may be used from several loops (``asyncio.run`` twice), so there is one per loop.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from types import TracebackType

__all__ = ["AsyncFlightLock", "SyncFlightLock"]


class AsyncFlightLock:
    __slots__ = ("_guard", "_locks")

    def __init__(self) -> None:
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._guard = threading.Lock()

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        with self._guard:
            lock = self._locks.get(loop)
            if lock is None:
                lock = self._locks[loop] = asyncio.Lock()
            return lock

    async def __aenter__(self) -> None:
        await self._lock().acquire()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._lock().release()


class SyncFlightLock:
    __slots__ = ("_lock",)

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        self._lock.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._lock.release()
