"""The emulator's record of the API requests it answered (``GET /__emulator/requests``): what a
test or a benchmark reads to see when requests came in, in what order, and how each was answered."""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["MAX_ARRIVALS", "Arrival"]

#: API requests remembered in :attr:`Emulator.arrivals`.
MAX_ARRIVALS = 100_000


class Arrival(NamedTuple):
    """One API request as the emulator saw it: when it arrived (``time.monotonic()``), what it
    asked for (the raw path, without the query), and the status it was answered with."""

    at: float
    method: str
    path: str
    status: int
