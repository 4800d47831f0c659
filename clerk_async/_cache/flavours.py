"""The primitives whose async and sync flavours differ, side by side (as ``_security.locks``).

Mirrored code names the ``Async...`` flavour; unasync turns each into its ``Sync...`` twin. A flight
is one pending answer that any number of callers wait for; ``PerLoop`` keeps one value per running
event loop (an asyncio object belongs to the loop it was made on, and one client may serve several
loops), and the single value in the sync flavour; ``Background`` runs a loop of work beside the
application: a task, or a daemon thread; ``StoreCall`` makes a call on a shared store (Redis) that
a cancellation of the caller always ends, or simply calls it.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

__all__ = [
    "AsyncStoreCall",
    "AsyncBackground",
    "AsyncFlight",
    "AsyncPerLoop",
    "SyncStoreCall",
    "SyncBackground",
    "SyncFlight",
    "SyncPerLoop",
]

T = TypeVar("T")


class AsyncFlight:
    __slots__ = ("_event", "outcome")

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.outcome: Any = None

    def land(self, outcome: Any) -> None:
        self.outcome = outcome
        self._event.set()

    async def wait(self) -> Any:
        await self._event.wait()
        return self.outcome


class SyncFlight:
    __slots__ = ("_event", "outcome")

    def __init__(self) -> None:
        self._event = threading.Event()
        self.outcome: Any = None

    def land(self, outcome: Any) -> None:
        self.outcome = outcome
        self._event.set()

    def wait(self) -> Any:
        self._event.wait()
        return self.outcome


class AsyncPerLoop(Generic[T]):
    __slots__ = ("_factory", "_guard", "_values")

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._values: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = (
            weakref.WeakKeyDictionary()
        )
        self._guard = threading.Lock()

    def current(self) -> T:
        loop = asyncio.get_running_loop()
        with self._guard:
            value = self._values.get(loop)
            if value is None:
                value = self._values[loop] = self._factory()
            return value

    def existing(self) -> T | None:
        """The running loop's value if it was made (``None`` outside a loop)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        with self._guard:
            return self._values.get(loop)


class SyncPerLoop(Generic[T]):
    __slots__ = ("_factory", "_guard", "_value")

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._value: T | None = None
        self._guard = threading.Lock()

    def current(self) -> T:
        with self._guard:
            if self._value is None:
                self._value = self._factory()
            return self._value

    def existing(self) -> T | None:
        return self._value


class AsyncStoreCall:
    """A call on a shared store that a cancellation of its caller (a client gone, a timeout around
    a request) always ends: the caller ends cancelled, whatever the store's client did with it.

    redis-py's asyncio client bounds each command with ``asyncio.wait_for`` when it has a
    ``socket_timeout`` (the default since redis-py 8), and before Python 3.12 ``wait_for`` loses a
    cancellation that comes as the command is sent (https://github.com/python/cpython/issues/86296):
    the call goes on and returns as if nothing happened. Python 3.11 counts a task's cancellations
    (``Task.cancelling``), so a lost one is seen when the call returns (a command later) and raised
    again. Python 3.10 does not: there the call runs in a task of its own, which a cancelled caller
    cancels and waits for (it ends at once, or with its call if it lost the cancellation).
    """

    __slots__ = ()

    @staticmethod
    async def run(call: Callable[[], Awaitable[T]]) -> T:
        return await _keeping_cancellation(call)


if sys.version_info >= (3, 11):

    async def _keeping_cancellation(call: Callable[[], Awaitable[T]]) -> T:
        task = asyncio.current_task()
        if task is None:
            return await call()
        before = task.cancelling()
        try:
            result = await call()
        except Exception:
            if task.cancelling() > before:
                raise asyncio.CancelledError from None
            raise
        if task.cancelling() > before:
            raise asyncio.CancelledError
        return result

else:

    async def _keeping_cancellation(call: Callable[[], Awaitable[T]]) -> T:
        task = asyncio.ensure_future(call())
        try:
            await asyncio.wait((task,))
        except asyncio.CancelledError:
            task.cancel()
            await _stopped(task)  # nothing of the request outlives it (a client closed next)
            raise
        return task.result()

    async def _stopped(task: asyncio.Future[Any]) -> None:
        """Wait for a cancelled task to end, through further cancellations of the waiter."""
        while not task.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait((task,))
        if not task.cancelled():
            task.exception()  # retrieved, and dropped


class SyncStoreCall:
    """A call on a shared store: just the call (a thread is not cancelled)."""

    __slots__ = ()

    @staticmethod
    def run(call: Callable[[], T]) -> T:
        return call()


class AsyncBackground:
    """A task on the running loop; ``stopping`` is set by ``stop``."""

    __slots__ = ("_name", "_task", "stopping")

    def __init__(self, name: str) -> None:
        self._name = name
        self._task: asyncio.Task[None] | None = None
        self.stopping = False

    def start(self, work: Callable[[], Awaitable[None]]) -> None:
        async def run() -> None:
            await work()

        self._task = asyncio.get_running_loop().create_task(run(), name=self._name)

    async def pause(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    async def stop(self) -> None:
        self.stopping = True
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


class SyncBackground:
    """A daemon thread; ``stopping`` is set by ``stop``, which waits for the thread briefly."""

    __slots__ = ("_name", "_stop", "_thread")

    def __init__(self, name: str) -> None:
        self._name = name
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def start(self, work: Callable[[], None]) -> None:
        self._thread = threading.Thread(target=work, name=self._name, daemon=True)
        self._thread.start()

    def pause(self, seconds: float) -> None:
        self._stop.wait(seconds)

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(5.0)
