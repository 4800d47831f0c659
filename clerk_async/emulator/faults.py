"""Fault injection: server errors, latency, and connections dropped before or after the work.

Every knob is a fraction of the (matching) requests, drawn from a seeded ``random.Random``, so a
run with the same seed and the same request sequence fails the same requests. Dropping *after*
the write applies the request and then closes the connection without answering: the case where a
blindly retried POST creates a duplicate.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

from .errors import APIError

__all__ = ["NO_FAULTS", "NO_PLAN", "FaultInjector", "FaultPlan", "Faults", "server_error"]

_CODES = {
    500: ("internal_clerk_error", "Oops, an unexpected error occurred"),
    502: ("bad_gateway", "Bad gateway"),
    503: ("service_unavailable", "Service unavailable"),
    504: ("gateway_timeout", "Gateway timeout"),
}


@dataclass(frozen=True)
class Faults:
    """What to inject. All rates are fractions in [0, 1]; their sum must not exceed 1."""

    #: Answered with one of ``error_statuses`` before anything is applied.
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 502, 503)
    #: Seconds added before every matching response, plus up to ``latency_jitter`` more.
    latency: float = 0.0
    latency_jitter: float = 0.0
    #: The connection is closed before the request is handled: nothing applied.
    drop_before: float = 0.0
    #: The request is applied, then the connection is closed without a response.
    drop_after: float = 0.0
    #: Only these methods are affected (``None``: all).
    methods: frozenset[str] | None = None
    #: Stop after injecting this many faults (latency does not count).
    max_faults: int | None = None
    seed: int | None = 0
    _rates: float = field(init=False, repr=False, default=0.0)

    def __post_init__(self) -> None:
        rates = (self.error_rate, self.drop_before, self.drop_after)
        if any(not 0.0 <= rate <= 1.0 for rate in rates) or sum(rates) > 1.0 + 1e-9:
            raise ValueError("fault rates must be within [0, 1] and add up to at most 1")
        if self.latency < 0 or self.latency_jitter < 0:
            raise ValueError("latency must be >= 0")
        for status in self.error_statuses:
            if not 500 <= status <= 599:
                raise ValueError(f"error_statuses must be 5xx, not {status}")
        if self.methods is not None:
            object.__setattr__(self, "methods", frozenset(m.upper() for m in self.methods))
        object.__setattr__(self, "_rates", sum(rates))

    @property
    def enabled(self) -> bool:
        return self._rates > 0 or self.latency > 0 or self.latency_jitter > 0


NO_FAULTS = Faults()


@dataclass(frozen=True)
class FaultPlan:
    delay: float = 0.0
    status: int | None = None
    drop_before: bool = False
    drop_after: bool = False


NO_PLAN = FaultPlan()


class FaultInjector:
    """Draws a :class:`FaultPlan` per request from the seeded generator."""

    def __init__(self, faults: Faults = NO_FAULTS) -> None:
        self.faults = faults
        self.enabled = faults.enabled
        self.injected = 0
        self._rng = random.Random(faults.seed)
        self._lock = threading.Lock()

    def plan(self, method: str) -> FaultPlan:
        faults = self.faults
        if faults.methods is not None and method not in faults.methods:
            return NO_PLAN
        with self._lock:
            delay = faults.latency
            if faults.latency_jitter:
                delay += self._rng.random() * faults.latency_jitter
            exhausted = faults.max_faults is not None and self.injected >= faults.max_faults
            if faults._rates == 0 or exhausted:
                return FaultPlan(delay) if delay else NO_PLAN
            draw = self._rng.random()
            plan = NO_PLAN
            if draw < faults.drop_before:
                plan = FaultPlan(delay, drop_before=True)
            elif (draw := draw - faults.drop_before) < faults.error_rate:
                plan = FaultPlan(delay, status=self._rng.choice(faults.error_statuses))
            elif draw - faults.error_rate < faults.drop_after:
                plan = FaultPlan(delay, drop_after=True)
            if plan is NO_PLAN:
                return FaultPlan(delay) if delay else NO_PLAN
            self.injected += 1
            return plan


def server_error(status: int) -> APIError:
    code, message = _CODES.get(status, ("internal_clerk_error", "Server error"))
    return APIError(status, code, message, f"{message} (injected by the Clerk emulator).")
