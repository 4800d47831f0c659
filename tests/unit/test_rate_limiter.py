"""The client-side limiter, on a fake clock."""

from __future__ import annotations

import pytest

from clerk_async._ratelimit import (
    DEVELOPMENT,
    PERIOD_MARGIN,
    PRODUCTION,
    Pacing,
    RateLimit,
    RateLimiter,
    book,
    parse_rate_limit,
    resolve_rate_limit,
    spacing,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_sends_are_paced_evenly_never_in_a_burst() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimit(3, 10.0), clock=clock)

    waits = [limiter.reserve() for _ in range(7)]  # seven callers at once

    step = 10.0 * PERIOD_MARGIN / 3
    assert waits == pytest.approx([index * step for index in range(7)])
    assert spacing(RateLimit(3, 10.0)) == pytest.approx(step)


def test_the_policy_is_a_pure_function_of_two_moments() -> None:
    limit = RateLimit(100, 10.0)
    slot, state = book(limit, Pacing(), now=50.0)
    assert (slot, state) == (50.0, Pacing(next_send=50.0 + spacing(limit)))
    slot, later = book(limit, state, now=50.001)  # too soon: the next free slot
    assert slot == state.next_send
    slot, _ = book(limit, Pacing(next_send=10.0, paused_until=60.0), now=55.0)
    assert slot == 60.0  # a pause holds back every send
    slot, _ = book(limit, later, now=99.0)
    assert slot == 99.0  # idle time is no credit for a burst: one send, then the pace


def test_another_limiters_backlog_is_carried_over() -> None:
    clock = Clock()
    killed = RateLimiter(RateLimit(10, 1.0), clock=clock)
    for _ in range(5):
        killed.reserve()
    killed.pause(0.3)

    resumed = RateLimiter(RateLimit(10, 1.0), clock=clock)
    resumed.hold_back(*killed.ahead())

    assert killed.ahead() == pytest.approx((5 * 0.102, 0.3))
    assert resumed.reserve() == pytest.approx(5 * 0.102)  # after the killed run's last booking
    assert resumed.paused_for() == pytest.approx(0.3)
    resumed.hold_back(0.0, 0.0)  # never earlier than it already is
    assert resumed.ahead() == pytest.approx((6 * 0.102, 0.3))


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
