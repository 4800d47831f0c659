"""The state of one JWKS cache: the whole key set of one instance, and when it may be fetched.

The set is kept for :data:`TTL_S` (5 minutes, as Clerk's SDKs do) from its load. A ``kid`` that is
not in a fresh set, or a signature that fails with a cached key (a key rotated under the same
``kid``), may trigger a *refetch*, at most one per :data:`REFETCH_COOLDOWN_S`; the first load and
loads after expiry do not count, so a rotation right after the first load is picked up at once.
A failed load is remembered for :data:`FAILED_LOAD_HOLD_S`, so an outage costs Clerk one attempt
per hold, not one per request. ``generation`` counts loads: a caller that waited for another's
load sees it changed and does not fetch again (single flight). Pure: the verifier does the I/O.

Stale-if-error: when the set has expired and loading it again fails (Clerk answers 5xx, times
out, ...), the last good set keeps verifying tokens for up to ``stale_s`` past its expiry
(``jwks_stale_if_error_in_ms``, one hour by default), with a new attempt at most every
:data:`STALE_RETRY_S`. It never vouches for a ``kid`` it lacks: that token gets the failure.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from clerk_async._config import ClientConfig
from clerk_async._retry import RetryConfig

from .keys import rsa_key_from_jwk
from .reasons import TokenVerificationError, TokenVerificationErrorReason

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

__all__ = [
    "FAILED_LOAD_HOLD_S",
    "JWKS_ATTEMPT_TIMEOUT_MS",
    "JWKS_RETRY_BUDGET_MS",
    "REFETCH_COOLDOWN_S",
    "STALE_RETRY_S",
    "TTL_S",
    "JwksCache",
    "StaleEvent",
    "jwks_fetch_limits",
    "log_stale_event",
]

TTL_S = 300.0
REFETCH_COOLDOWN_S = 30.0
FAILED_LOAD_HOLD_S = 1.0
#: While a stale set is served, a new load is tried at most this often.
STALE_RETRY_S = 30.0
#: A JWKS fetch waits at most this long for one answer, and retries within the budget, so a hung
#: endpoint costs a request at most about 5.5 s (attempt + budget), whatever the client's settings.
JWKS_ATTEMPT_TIMEOUT_MS = 2_500
JWKS_RETRY_BUDGET_MS = 3_000
JWKS_MAX_RETRIES = 2
Reason = TokenVerificationErrorReason
logger = logging.getLogger("clerk.security")
#: What a failed load changed: a stale set is now served, or no longer (its window ran out).
StaleEvent = Literal["serving-stale", "stale-exhausted"]


class JwksCache:
    __slots__ = (
        "_clock",
        "_keys",
        "_stale_episode",
        "failed_at",
        "failure",
        "generation",
        "last_refetch",
        "loaded_at",
    )

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._keys: dict[str, RSAPublicKey | TokenVerificationErrorReason] | None = None
        self.loaded_at = 0.0
        self.last_refetch: float | None = None
        self.failure: TokenVerificationErrorReason | None = None
        self.failed_at = 0.0
        self.generation = 0
        self._stale_episode = False

    def now(self) -> float:
        return self._clock()

    def fresh(self, now: float) -> bool:
        return self._keys is not None and now - self.loaded_at < TTL_S

    def serving_stale(self, now: float, stale_s: float) -> bool:
        """True when the expired set stands in for one that failed to load since it expired."""
        return (
            self._keys is not None
            and self.failure is not None
            and self.failed_at - self.loaded_at >= TTL_S
            and now - self.loaded_at < TTL_S + stale_s
        )

    def lookup(
        self, kid: str, now: float, *, stale_s: float = 0.0
    ) -> RSAPublicKey | TokenVerificationErrorReason | None:
        """The key of ``kid`` in a fresh set (or a stale one standing in, between attempts), or
        why that entry is unusable; ``None``: none, a load may help."""
        keys = self._keys
        if keys is None:
            return None
        if now - self.loaded_at < TTL_S:
            return keys.get(kid)
        if self.serving_stale(now, stale_s) and now - self.failed_at < STALE_RETRY_S:
            assert self.failure is not None
            return keys.get(kid, self.failure)  # a kid it lacks: the set cannot vouch for it
        return None

    def may_refetch(self, now: float) -> bool:
        return self.last_refetch is None or now - self.last_refetch >= REFETCH_COOLDOWN_S

    def next_load(self, now: float, *, stale_s: float = 0.0) -> bool | None:
        """What a caller that found no usable key should fetch: ``False`` a load, ``True`` a
        refetch of a fresh set, ``None`` nothing (cooldown, or a load failed just now)."""
        if self.fresh(now):
            return True if self.may_refetch(now) else None
        hold = STALE_RETRY_S if self.serving_stale(now, stale_s) else FAILED_LOAD_HOLD_S
        return None if self.failure is not None and now - self.failed_at < hold else False

    def store(self, keys: Iterable[Any], *, refetch: bool, now: float) -> None:
        """Replace the set with the RS256 keys of ``keys`` (JWKS entries)."""
        parsed: dict[str, RSAPublicKey | TokenVerificationErrorReason] = {}
        for jwk in keys:
            kid = getattr(jwk, "kid", None)
            if isinstance(kid, str) and kid not in parsed:
                parsed[kid] = rsa_key_from_jwk(jwk)
        self.generation += 1
        self._keys, self.loaded_at, self.failure = parsed, now, None
        self._stale_episode = False
        if refetch:
            self.last_refetch = now

    def fail(
        self,
        reason: TokenVerificationErrorReason,
        *,
        refetch: bool,
        now: float,
        stale_s: float = 0.0,
    ) -> StaleEvent | None:
        """Record a failed load; returns what it changed for the stale set, once per episode."""
        self.generation += 1
        self.failure, self.failed_at = reason, now
        if refetch:
            self.last_refetch = now
        serving = self.serving_stale(now, stale_s)
        if serving == self._stale_episode:
            return None
        self._stale_episode = serving
        return "serving-stale" if serving else "stale-exhausted"

    def stale_left(self, now: float, stale_s: float) -> float:
        """Seconds the expired set may still stand in."""
        return max(0.0, self.loaded_at + TTL_S + stale_s - now)

    def key_or_raise(self, kid: str, now: float, *, stale_s: float = 0.0) -> RSAPublicKey:
        entry = self.lookup(kid, now, stale_s=stale_s)
        if entry is None:
            if self.failure is not None and not self.fresh(now):  # no set to look in
                raise TokenVerificationError(self.failure)
            raise TokenVerificationError(Reason.JWK_KID_MISMATCH)
        if isinstance(entry, TokenVerificationErrorReason):
            raise TokenVerificationError(entry)
        return entry


def log_stale_event(event: StaleEvent, reason: TokenVerificationErrorReason, left_s: float) -> None:
    """One warning when a stale set starts standing in for a JWKS that fails to load, and one
    when it stops (then tokens are refused until a load succeeds)."""
    if event == "serving-stale":
        logger.warning(
            "the JWKS could not be refreshed (%s): verifying with the expired key set for up to "
            "%.0f s more while Clerk fails (stale-if-error)",
            reason.code,
            left_s,
        )
    else:
        logger.warning(
            "the JWKS still cannot be refreshed (%s) and the expired key set is too old to use: "
            "session tokens are refused until a refresh succeeds",
            reason.code,
        )


def jwks_fetch_limits(config: ClientConfig) -> tuple[int, RetryConfig | None]:
    """The per-attempt timeout and the retry policy of a JWKS fetch: the client's, capped."""
    timeout_ms = int(min(config.timeout_s * 1000, JWKS_ATTEMPT_TIMEOUT_MS))
    retry = config.retry_config
    if not retry.enabled or retry.backoff is None:
        return timeout_ms, None
    backoff = replace(
        retry.backoff, max_elapsed_time=min(retry.backoff.max_elapsed_time, JWKS_RETRY_BUDGET_MS)
    )
    retries = min(retry.max_retries or JWKS_MAX_RETRIES, JWKS_MAX_RETRIES)
    return timeout_ms, replace(retry, backoff=backoff, max_retries=retries)
