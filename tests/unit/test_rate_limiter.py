"""The client-side limiter, on a fake clock."""

from __future__ import annotations

import pytest

from clerk_async._ratelimit import (
    DEVELOPMENT,
    PERIOD_MARGIN,
    PRODUCTION,
    RateLimit,
    RateLimiter,
    parse_rate_limit,
    resolve_rate_limit,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_the_whole_allowance_goes_at_once_then_waits_a_period() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimit(3, 10.0), clock=clock)

    waits = [limiter.reserve() for _ in range(7)]

    period = 10.0 * PERIOD_MARGIN
    assert waits == pytest.approx([0, 0, 0, period, period, period, 2 * period])


def test_at_most_the_limit_in_any_window() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimit(5, 1.0), clock=clock)
    sends = []
    for step in range(200):
        clock.now = 100.0 + step * 0.037  # callers arriving faster than the limit
        sends.append(clock.now + limiter.reserve())
    sends.sort()
    for index in range(len(sends) - 5):
        assert sends[index + 5] - sends[index] >= 1.0  # 6 sends never fit in one second


def test_a_pause_holds_back_every_caller() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimit(100, 10.0), clock=clock)
    limiter.pause(2.5)

    assert limiter.paused_for() == 2.5
    assert limiter.reserve() == 2.5
    clock.now += 3
    assert limiter.paused_for() == 0
    assert limiter.reserve() == 0


@pytest.mark.parametrize(
    ("value", "key", "expected"),
    [
        ("auto", "sk_live_x", PRODUCTION),
        ("auto", "sk_test_x", DEVELOPMENT),
        ("auto", None, DEVELOPMENT),
        ("1000/10s", None, RateLimit(1000, 10.0)),
        (RateLimit(5, 1.0), None, RateLimit(5, 1.0)),
        (None, None, None),
        ("off", None, None),
    ],
)
def test_what_rate_limit_means(value: object, key: str | None, expected: RateLimit | None) -> None:
    assert resolve_rate_limit(value, key) == expected


@pytest.mark.parametrize(("value", "error"), [("fast", ValueError), (100, TypeError)])
def test_a_bad_rate_limit_is_named(value: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="rate_limit"):
        resolve_rate_limit(value, None)


def test_the_emulator_spells_limits_the_same_way() -> None:
    from clerk_async.emulator import ratelimit

    assert ratelimit.parse_rate_limit is parse_rate_limit
    assert ratelimit.RateLimit is RateLimit
