"""The client-side limiter, on a fake clock."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

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


def test_a_burst_goes_at_once_then_the_rest_of_the_budget_is_paced() -> None:
    clock = Clock()
    limit = RateLimit(10, 10.0, burst=5)
    limiter = RateLimiter(limit, clock=clock)

    waits = [limiter.reserve() for _ in range(9)]  # nine callers at once

    step = 10.0 * PERIOD_MARGIN / 6  # the 5 left after the burst, and one to spare, per period
    assert spacing(limit) == pytest.approx(step)
    assert waits == pytest.approx([0.0] * 5 + [step, 2 * step, 3 * step, 4 * step])


@settings(max_examples=300)  # fast, and a burst needs enough callers at once to show
@example(requests=10, burst_share=0.5, period=10.0, steps=[(0.0, None)] * 20)
@given(
    requests=st.integers(1, 40),
    burst_share=st.floats(0.0, 1.0),
    period=st.floats(0.1, 100.0),
    steps=st.lists(
        st.tuples(st.one_of(st.just(0.0), st.floats(0.0, 2.0)), st.none() | st.floats(0.0, 5.0)),
        min_size=1,
        max_size=120,
    ),
)
def test_never_more_than_the_limit_in_any_period_whatever_the_burst_and_pauses(
    requests: int,
    burst_share: float,
    period: float,
    steps: list[tuple[float, float | None]],
) -> None:
    limit = RateLimit(requests, period, burst=max(1, round(requests * burst_share)))
    clock = Clock()
    limiter = RateLimiter(limit, clock=clock)
    sends = []
    for gap, pause in steps:  # callers arrive at any pace; now and then a 429 pauses them
        clock.now += gap * period / requests
        if pause is not None:
            limiter.pause(pause)
        sends.append(clock.now + limiter.reserve())
    sends.sort()
    for index in range(len(sends) - requests):
        assert sends[index + requests] - sends[index] >= period  # never requests + 1 in one


def test_a_burst_is_named_and_checked() -> None:
    assert str(RateLimit(100, 3600.0, burst=50)) == "100/3600s (burst 50)"
    assert str(RateLimit(100, 10.0)) == "100/10s"
    for burst in (0, 11, True, 2.0):
        with pytest.raises(ValueError, match="burst"):
            RateLimit(10, 1.0, burst=burst)  # type: ignore[arg-type]


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
