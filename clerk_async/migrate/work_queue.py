"""The queue between a run's feeder and its workers."""

from __future__ import annotations

import collections
import enum
from typing import Generic, Literal, TypeVar

import anyio

__all__ = ["EMPTY", "WorkQueue"]

T = TypeVar("T")


class _Empty(enum.Enum):
    EMPTY = "empty"


#: What :meth:`WorkQueue.poll` answers when no item waits.
EMPTY = _Empty.EMPTY


class WorkQueue(Generic[T]):
    """The records handed to the workers, at most ``size`` waiting. Waiting only when it must (an
    anyio semaphore or memory stream yields, and costs, on every item: it shows at a thousand
    records a second). ``close(n)`` wakes ``n`` workers with ``None``, after the records queued.

    :meth:`offer` and :meth:`poll` are :meth:`put` and :meth:`get` when they need not wait,
    without a coroutine: the feeder and the workers go through them once per record."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: collections.deque[T | None] = collections.deque()
        self._getters: collections.deque[anyio.Event] = collections.deque()
        self._putters: collections.deque[anyio.Event] = collections.deque()
        self.closed = False

    def offer(self, item: T) -> bool:
        """Queue ``item`` if there is room (and nobody waits for room before it)."""
        items = self._items
        if len(items) >= self._size or self._putters:
            return False
        items.append(item)
        if self._getters:
            self._getters.popleft().set()
        return True

    async def put(self, item: T) -> None:
        while len(self._items) >= self._size:
            room = anyio.Event()
            self._putters.append(room)
            await room.wait()
        self._append(item)

    def poll(self) -> T | None | Literal[_Empty.EMPTY]:
        """The next item, or :data:`EMPTY` when none waits."""
        if not self._items:
            return EMPTY
        item = self._items.popleft()
        if self._putters:
            self._putters.popleft().set()
        return item

    async def get(self) -> T | None:
        while not self._items:
            ready = anyio.Event()
            self._getters.append(ready)
            await ready.wait()
        item = self._items.popleft()
        if self._putters:
            self._putters.popleft().set()
        return item

    def close(self, workers: int) -> None:
        self.closed = True
        for _ in range(workers):
            self._append(None)

    def _append(self, item: T | None) -> None:
        self._items.append(item)
        if self._getters:
            self._getters.popleft().set()
