"""Single flight and batching, the bookkeeping half (the waiting is in ``flavours``).

Every key being fetched has one flight: the first caller to miss leads it, later callers wait for
its outcome. A leader whose key is not in the shared store either joins the open batch of its kind
or opens one; the batch's opener waits a moment for company, closes it, fetches every key in it
with one list request and lands each flight. A leader that goes away (cancelled) lands its flights
as ``ABANDONED``, and their waiters ask again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol

from .entry import Entry
from .kinds import BATCH_LIMIT, Kind

__all__ = ["ABANDONED", "Batch", "FlightTable", "Outcome", "Pending"]


class Outcome(NamedTuple):
    """A flight's result: the entry to serve (its value, or a 404), an error to raise, or neither
    (``ABANDONED``: ask again). ``stale``: the entry is served past its TTL because Clerk failed."""

    entry: Entry[Any] | None = None
    error: BaseException | None = None
    stale: bool = False


ABANDONED = Outcome()


class Flight(Protocol):
    def land(self, outcome: Any) -> None: ...


class Pending(NamedTuple):
    """A key waiting in a batch: ``seen`` is what the store held when it was looked up."""

    key: str
    ident: str
    flight: Any
    seen: Entry[Any] | None


class Batch:
    __slots__ = ("items",)

    def __init__(self, first: Pending) -> None:
        self.items = [first]


class FlightTable:
    """The flights and open batches of one event loop (or of all threads, in ``clerk_sync``)."""

    __slots__ = ("_batches", "_flights", "_lock", "_new_flight")

    def __init__(self, new_flight: Callable[[], Any]) -> None:
        self._new_flight = new_flight
        self._lock = threading.Lock()
        self._flights: dict[str, Any] = {}
        self._batches: dict[Kind, Batch] = {}

    def join(self, key: str) -> tuple[Any, bool]:
        """``(flight, leads)``: the key's flight, and whether this caller must fly it."""
        with self._lock:
            flight = self._flights.get(key)
            if flight is not None:
                return flight, False
            flight = self._flights[key] = self._new_flight()
            return flight, True

    def land(self, key: str, flight: Flight, outcome: Outcome) -> None:
        with self._lock:
            if self._flights.get(key) is flight:
                del self._flights[key]
        flight.land(outcome)

    def enlist(self, kind: Kind, pending: Pending) -> Batch | None:
        """Join the open batch of ``kind``, or open one and return it (the caller then leads it)."""
        with self._lock:
            batch = self._batches.get(kind)
            if batch is not None and len(batch.items) < BATCH_LIMIT:
                batch.items.append(pending)
                return None
            batch = self._batches[kind] = Batch(pending)
            return batch

    def close(self, kind: Kind, batch: Batch) -> list[Pending]:
        """No more keys join ``batch``; its keys."""
        with self._lock:
            if self._batches.get(kind) is batch:
                del self._batches[kind]
            return list(batch.items)
