"""Retry policy: which failures are retried, how long to wait, when to give up. Pure and shared.

Clerk has no idempotency keys, so a request that may have reached the server is retried only when
repeating it cannot duplicate anything: GET/HEAD/PUT/DELETE on timeouts, connection errors and
502/503/504; any method on 429 (Clerk did not process it) and on a connection that never opened.
The base clients hand these callables to tenacity's ``AsyncRetrying`` / ``Retrying``.
"""

from __future__ import annotations

import logging
import math
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Literal

from .errors import APIConnectionError, APITimeoutError, RateLimitError, SDKError

if TYPE_CHECKING:
    from tenacity import RetryCallState

__all__ = [
    "DEFAULT_RETRY_CONFIG",
    "MAX_RETRY_AFTER_S",
    "BackoffStrategy",
    "RetryConfig",
    "RetryPolicy",
    "parse_retry_after",
    "should_retry",
]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRYABLE_STATUSES = frozenset({502, 503, 504})
#: A longer ``Retry-After`` is not waited for: the error is raised with ``retry_after`` set.
MAX_RETRY_AFTER_S = 60.0
#: ``float()`` would also take "1e3", "1_000", "+5", "inf" and other scripts' digits.
_DELTA_SECONDS = re.compile(r"[0-9]{1,20}(?:\.[0-9]{1,9})?", re.ASCII)


@dataclass(frozen=True)
class BackoffStrategy:
    """Exponential backoff, all times in milliseconds (the seed's shape)."""

    initial_interval: int
    max_interval: int
    exponent: float
    max_elapsed_time: int

    def __post_init__(self) -> None:
        for name in ("initial_interval", "max_interval", "max_elapsed_time"):
            if getattr(self, name) < 0:
                raise ValueError(f"BackoffStrategy.{name} must be >= 0")
        if self.exponent < 1:
            raise ValueError("BackoffStrategy.exponent must be >= 1")


@dataclass(frozen=True)
class RetryConfig:
    """How to retry: ``RetryConfig("backoff", BackoffStrategy(...), retry_connection_errors)``.

    ``max_retries`` caps the number of retries (``None``: only ``max_elapsed_time`` limits them).
    ``strategy="none"`` disables retries, as does passing ``retries=None`` to a call.
    """

    strategy: Literal["backoff", "none"]
    backoff: BackoffStrategy | None = None
    retry_connection_errors: bool = True
    max_retries: int | None = 3

    def __post_init__(self) -> None:
        if self.strategy not in ("backoff", "none"):
            raise ValueError(
                f"RetryConfig.strategy must be 'backoff' or 'none', not {self.strategy!r}"
            )
        if self.strategy == "backoff" and self.backoff is None:
            raise ValueError("RetryConfig('backoff', ...) needs a BackoffStrategy")
        if self.max_retries is not None and self.max_retries < 0:
            raise ValueError("RetryConfig.max_retries must be >= 0")

    @property
    def enabled(self) -> bool:
        return self.strategy == "backoff" and self.max_retries != 0


#: Up to 3 retries within 60 s, starting at 0.5 s and doubling up to 8 s.
DEFAULT_RETRY_CONFIG = RetryConfig(
    "backoff", BackoffStrategy(500, 8_000, 2.0, 60_000), retry_connection_errors=True
)


def should_retry(method: str, error: BaseException, config: RetryConfig) -> bool:
    """True when repeating ``method`` after ``error`` cannot create a duplicate."""
    if isinstance(error, RateLimitError):
        return True
    if isinstance(error, SDKError):
        return error.status_code in RETRYABLE_STATUSES and method in IDEMPOTENT_METHODS
    if isinstance(error, APIConnectionError):
        return config.retry_connection_errors and (
            not error.request_sent or method in IDEMPOTENT_METHODS
        )
    return False


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds (ASCII digits, a fraction
    tolerated) or an HTTP date; ``None`` for anything else (then backoff applies)."""
    if not value:
        return None
    value = value.strip()
    if _DELTA_SECONDS.fullmatch(value):
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)  # a date in the past: no wait


def backoff_delay(
    backoff: BackoffStrategy, retry_number: int, uniform: Callable[[], float]
) -> float:
    """Seconds before retry ``retry_number`` (1-based): exponential, capped, with equal jitter."""
    ceiling = min(
        backoff.initial_interval * backoff.exponent ** (retry_number - 1), backoff.max_interval
    )
    return (ceiling / 2 + ceiling / 2 * uniform()) / 1000


def rate_limited_delay(
    backoff: BackoffStrategy, retry_after: float, uniform: Callable[[], float]
) -> float:
    """Seconds to wait after Clerk asked for ``retry_after``: never less than the first backoff
    step (``Retry-After: 0`` or a past date is no reason to hammer), and spread over up to half
    the wait again (at least a second), so that many callers turned away at once do not all come
    back in the same instant."""
    floor = backoff.initial_interval / 1000
    spread = max(1.0, retry_after / 2)
    return max(retry_after, floor) + spread * uniform()


class RetryPolicy:
    """The tenacity callables (``retry``, ``wait``, ``stop``, ``before_sleep``) for one request.

    Waits for 429 (Clerk turned the request away unprocessed) count against the time budget,
    ``max_elapsed_time``, not against ``max_retries``: a burst over the rate limit is waited out.
    """

    __slots__ = (
        "_backoff",
        "_config",
        "_deadline",
        "_failures",
        "_logger",
        "_method",
        "_uniform",
        "_url",
    )

    def __init__(
        self,
        config: RetryConfig,
        *,
        method: str,
        url: str,
        started: float,
        logger: logging.Logger | None,
        uniform: Callable[[], float] = random.random,
    ) -> None:
        assert config.backoff is not None
        self._config = config
        self._backoff = config.backoff
        self._method = method
        self._url = url
        self._deadline = started + config.backoff.max_elapsed_time / 1000
        self._logger = logger
        self._uniform = uniform
        self._failures = 0  # failures other than 429, which max_retries counts

    def should_retry(self, error: BaseException) -> bool:
        return should_retry(self._method, error, self._config)

    def retry(self, state: RetryCallState) -> bool:
        """tenacity asks this first after each attempt, then ``wait``, then ``stop``."""
        outcome = state.outcome
        if outcome is None or not outcome.failed:
            return False
        error = _exception(state)
        if not self.should_retry(error):
            return False
        if not isinstance(error, RateLimitError):
            self._failures += 1
        return True

    def wait(self, state: RetryCallState) -> float:
        error = _exception(state)
        retry_after = error.retry_after if isinstance(error, SDKError) else None
        if retry_after is not None:
            return rate_limited_delay(self._backoff, retry_after, self._uniform)
        return backoff_delay(self._backoff, state.attempt_number, self._uniform)

    def stop(self, state: RetryCallState) -> bool:
        error = _exception(state)
        max_retries = self._config.max_retries
        if max_retries is not None and self._failures > max_retries:
            return True
        if isinstance(error, SDKError) and (error.retry_after or 0.0) > MAX_RETRY_AFTER_S:
            return True
        return time.monotonic() + state.upcoming_sleep > self._deadline

    def before_sleep(self, state: RetryCallState) -> None:
        logger = self._logger
        if logger is not None and logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "retrying %s %s after %s in %.2f s (retry %d)",
                self._method,
                self._url,
                describe_failure(_exception(state)),
                state.upcoming_sleep,
                state.attempt_number,
            )


def describe_failure(error: BaseException) -> str:
    if isinstance(error, SDKError):
        return f"status {error.status_code}"
    if isinstance(error, APITimeoutError):
        return "timeout"
    if isinstance(error, APIConnectionError):
        return "connection error" if error.request_sent else "connect failure"
    return type(error).__name__


def _exception(state: RetryCallState) -> BaseException:
    outcome = state.outcome
    assert outcome is not None
    error = outcome.exception()
    assert error is not None
    return error
