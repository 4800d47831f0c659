"""The JWKS cache's state machine, on a clock the test moves (the I/O is in tests/e2e_async)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from clerk_async import BackoffStrategy, RetryConfig
from clerk_async._config import ClientConfig
from clerk_async._security.jwks_cache import (
    FAILED_LOAD_HOLD_S,
    JWKS_ATTEMPT_TIMEOUT_MS,
    JWKS_RETRY_BUDGET_MS,
    REFETCH_COOLDOWN_S,
    STALE_RETRY_S,
    TTL_S,
    JwksCache,
    jwks_fetch_limits,
)
from clerk_async.security import TokenVerificationError
from clerk_async.security import TokenVerificationErrorReason as Reason
from tests.support.tokens import FakeClock, jwk_of, rsa_key


def _keys(*kids: str) -> list[SimpleNamespace]:
    return [SimpleNamespace(**jwk_of(rsa_key(kid), kid)) for kid in kids]


def test_an_empty_cache_asks_for_a_load_not_a_refetch() -> None:
    clock = FakeClock()
    cache = JwksCache(clock)
    assert cache.lookup("k1", clock()) is None
    assert cache.next_load(clock()) is False  # a load, which the cooldown does not count


def test_the_whole_set_is_kept_for_five_minutes() -> None:
    clock = FakeClock()
    cache = JwksCache(clock)
    cache.store(_keys("k1", "k2", "k3"), refetch=False, now=clock())
    for kid in ("k1", "k2", "k3"):
        assert cache.key_or_raise(kid, clock()).key_size == 2048
    clock.advance(TTL_S - 1)
    assert cache.lookup("k3", clock()) is not None
    clock.advance(1)
    assert cache.lookup("k1", clock()) is None  # expired: a plain load again
    assert cache.next_load(clock()) is False


def test_the_cooldown_counts_refetches_not_the_first_load() -> None:
    clock = FakeClock()
    cache = JwksCache(clock)
    cache.store(_keys("k1"), refetch=False, now=clock())
    # Right after the first load a refetch is allowed (a key rotated under the same kid).
    assert cache.next_load(clock()) is True
    cache.store(_keys("k1"), refetch=True, now=clock())
    clock.advance(REFETCH_COOLDOWN_S - 1)
    assert cache.next_load(clock()) is None  # the cooldown: no fetch
    assert cache.lookup("unknown", clock()) is None
    with pytest.raises(TokenVerificationError) as caught:
        cache.key_or_raise("unknown", clock())
    assert caught.value.reason is Reason.JWK_KID_MISMATCH
    clock.advance(1)
    assert cache.next_load(clock()) is True


def test_a_failed_load_is_held_for_a_moment() -> None:
    clock = FakeClock()
    cache = JwksCache(clock)
    generation = cache.generation
    cache.fail(Reason.JWK_FAILED_TO_LOAD, refetch=False, now=clock())
    assert cache.generation == generation + 1  # a waiter sees that someone tried
    assert cache.next_load(clock()) is None
    with pytest.raises(TokenVerificationError) as caught:
        cache.key_or_raise("k1", clock())
    assert caught.value.reason is Reason.JWK_FAILED_TO_LOAD
    clock.advance(FAILED_LOAD_HOLD_S)
    assert cache.next_load(clock()) is False


def test_an_unusable_entry_keeps_its_reason() -> None:
    clock = FakeClock()
    cache = JwksCache(clock)
    ec = SimpleNamespace(kid="ec", kty="EC", alg="ES256", use="sig", crv="P-256", x="AA", y="AA")
    cache.store([*_keys("k1"), ec], refetch=False, now=clock())
    assert cache.lookup("ec", clock()) is Reason.JWK_FAILED_TO_RESOLVE


HOUR_S = 3600.0


def test_an_expired_set_stands_in_after_a_failed_load_for_the_kids_it_has() -> None:
    clock = FakeClock()
    cache = JwksCache(clock)
    cache.store(_keys("k1"), refetch=False, now=clock())
    clock.advance(TTL_S)
    assert cache.lookup("k1", clock(), stale_s=HOUR_S) is None  # expired: try a load first
    assert cache.next_load(clock(), stale_s=HOUR_S) is False

    event = cache.fail(Reason.JWK_FAILED_TO_LOAD, refetch=False, now=clock(), stale_s=HOUR_S)

    assert event == "serving-stale"
    assert cache.key_or_raise("k1", clock(), stale_s=HOUR_S).key_size == 2048
    assert cache.lookup("k2", clock(), stale_s=HOUR_S) is Reason.JWK_FAILED_TO_LOAD
    assert cache.next_load(clock(), stale_s=HOUR_S) is None  # no new attempt for a while
    clock.advance(STALE_RETRY_S)
    assert cache.lookup("k1", clock(), stale_s=HOUR_S) is None  # time for another attempt
    assert cache.next_load(clock(), stale_s=HOUR_S) is False
    assert cache.fail(Reason.JWK_FAILED_TO_LOAD, refetch=False, now=clock(), stale_s=HOUR_S) is None


def test_the_stale_window_ends_and_a_good_load_ends_the_episode() -> None:
    clock = FakeClock()
    cache = JwksCache(clock)
    cache.store(_keys("k1"), refetch=False, now=clock())
    clock.advance(TTL_S + HOUR_S - 1)
    assert cache.fail(Reason.SERVER_ERROR, refetch=False, now=clock(), stale_s=HOUR_S)
    assert cache.lookup("k1", clock(), stale_s=HOUR_S) is not None
    clock.advance(1)
    assert cache.lookup("k1", clock(), stale_s=HOUR_S) is None
    event = cache.fail(Reason.SERVER_ERROR, refetch=False, now=clock(), stale_s=HOUR_S)
    assert event == "stale-exhausted"
    with pytest.raises(TokenVerificationError) as caught:
        cache.key_or_raise("k1", clock(), stale_s=HOUR_S)
    assert caught.value.reason is Reason.SERVER_ERROR
    cache.store(_keys("k1"), refetch=False, now=clock())
    clock.advance(TTL_S)
    event = cache.fail(Reason.SERVER_ERROR, refetch=False, now=clock(), stale_s=HOUR_S)
    assert event == "serving-stale"  # a new outage, a new warning


def test_a_set_that_failed_while_fresh_is_not_stale_served_before_a_new_attempt() -> None:
    clock = FakeClock()
    cache = JwksCache(clock)
    cache.store(_keys("k1"), refetch=False, now=clock())
    cache.fail(Reason.JWK_FAILED_TO_LOAD, refetch=True, now=clock())  # a refetch for a new kid
    clock.advance(TTL_S)
    assert cache.lookup("k1", clock(), stale_s=HOUR_S) is None
    assert cache.next_load(clock(), stale_s=HOUR_S) is False


def _config(**changes: object) -> ClientConfig:
    return ClientConfig(bearer_auth="sk_test_x", user_agent="t", **changes)  # type: ignore[arg-type]


def test_a_jwks_fetch_is_bounded_whatever_the_client_allows() -> None:
    timeout_ms, retry = jwks_fetch_limits(_config())  # defaults: 30 s per attempt, 60 s retrying
    assert timeout_ms == JWKS_ATTEMPT_TIMEOUT_MS
    assert retry is not None and retry.backoff is not None
    assert retry.backoff.max_elapsed_time == JWKS_RETRY_BUDGET_MS
    assert retry.max_retries == 2
    # The worst case: the retry budget plus one last attempt, a few seconds (not 50).
    assert (JWKS_RETRY_BUDGET_MS + JWKS_ATTEMPT_TIMEOUT_MS) / 1000 <= 6
    patient = RetryConfig("backoff", BackoffStrategy(100, 200, 2.0, 300_000), max_retries=50)
    timeout_ms, retry = jwks_fetch_limits(_config(timeout_ms=600_000, retry_config=patient))
    assert timeout_ms == JWKS_ATTEMPT_TIMEOUT_MS
    assert retry is not None and retry.backoff is not None
    assert retry.backoff.max_elapsed_time == JWKS_RETRY_BUDGET_MS and retry.max_retries == 2
    # Tighter client settings stay as they are.
    timeout_ms, retry = jwks_fetch_limits(_config(timeout_ms=200, retry_config=RetryConfig("none")))
    assert (timeout_ms, retry) == (200, None)
