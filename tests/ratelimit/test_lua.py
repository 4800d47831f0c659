"""The policy as Redis runs it books what ``book`` books: the same limits, bursts, pauses and
arrivals, one store in a real Redis on a test's clock, the other in this process."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from clerk_async._ratelimit import RateLimit, RateLimiter
from clerk_sync.ratelimit import RedisRateLimit
from tests.support.redis_server import RedisServer

_instances = itertools.count()


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


@settings(max_examples=60)
@example(requests=10, burst_share=0.5, period=10.0, steps=[(0.0, None)] * 15 + [(0.5, 2.0)] * 3)
@given(
    requests=st.integers(1, 30),
    burst_share=st.floats(0.0, 1.0),
    period=st.floats(0.1, 100.0),
    steps=st.lists(
        st.tuples(st.one_of(st.just(0.0), st.floats(0.0, 2.0)), st.none() | st.floats(0.0, 5.0)),
        min_size=1,
        max_size=40,
    ),
)
def test_redis_books_what_the_policy_books(
    redis_server: RedisServer,
    requests: int,
    burst_share: float,
    period: float,
    steps: list[tuple[float, float | None]],
) -> None:
    limit = RateLimit(requests, period, burst=max(1, round(requests * burst_share)))
    clock = Clock()
    local = RateLimiter(limit, clock=clock)
    shared = RedisRateLimit(redis_server.url, limit=limit, endpoint_limits={}, clock=clock)
    key = f"sk_test_{next(_instances)}"  # an instance of its own: the session's Redis is shared
    limits = shared.client_limits(lambda: key)
    store = limits.limiter
    try:
        for gap, pause in steps:
            clock.now += gap * period / requests
            if pause is not None:
                local.pause(pause)
                store.pause(pause)
                assert store.paused_for() == pytest.approx(local.paused_for(), abs=1e-5)
            assert store.reserve() == pytest.approx(local.reserve(), abs=1e-5)
        assert store.store_errors == 0 and store.local_bookings == 0
    finally:
        limits.close()
