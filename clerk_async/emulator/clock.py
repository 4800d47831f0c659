"""The emulator's clock: the wall clock, or a frozen instant, plus an offset tests move forward.

It governs what the emulator itself judges over time: when a machine token (API key, M2M or OAuth
access token) expires, when a rotated machine secret key stops working, and when a failed webhook
is retried. Tests move it with :meth:`Clock.advance` instead of sleeping; :meth:`Clock.freeze`
stops it following the wall clock, so that nothing comes due until the test says so. Signed
tokens (sessions, JWT templates, JWT-format M2M tokens) and webhook signatures keep the wall
clock, because the code under test checks them against its own.
"""

from __future__ import annotations

import math
import time

__all__ = ["Clock"]


class Clock:
    """Seconds since the epoch, as the emulator sees them (kept in nanoseconds, so that moving it
    by a whole number of milliseconds moves :meth:`now_ms` by exactly that)."""

    __slots__ = ("_frozen_ns", "_offset_ns")

    def __init__(self) -> None:
        self._offset_ns = 0
        self._frozen_ns: int | None = None

    def time_ns(self) -> int:
        base = time.time_ns() if self._frozen_ns is None else self._frozen_ns
        return base + self._offset_ns

    def time(self) -> float:
        return self.time_ns() / 1e9

    def now_ms(self) -> int:
        return self.time_ns() // 1_000_000

    @property
    def frozen(self) -> bool:
        return self._frozen_ns is not None

    @property
    def offset(self) -> float:
        """How far this clock has been moved forward, in seconds."""
        return self._offset_ns / 1e9

    def advance(self, seconds: float) -> None:
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise TypeError(f"seconds must be a number, not {type(seconds).__name__}")
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"the clock only moves forward: seconds must be >= 0, not {seconds}")
        self._offset_ns += round(seconds * 1e9)

    def freeze(self) -> None:
        """Stop following the wall clock: time moves only by :meth:`advance` from now on."""
        if self._frozen_ns is None:
            self._frozen_ns = time.time_ns()

    def reset(self) -> None:
        """Back to the wall clock, not moved."""
        self._offset_ns = 0
        self._frozen_ns = None

    def __repr__(self) -> str:
        return f"Clock(offset={self.offset}, frozen={self.frozen})"
