"""What ``Clerk(rate_limit=...)`` is told: the instance's limit, and Clerk's hourly limits of the
invitation operations (what they let through, and how long a loop waits once they are spent)."""

from __future__ import annotations

import pytest

from clerk_async._ratelimit import DEVELOPMENT, PRODUCTION, RateLimit, RateLimiter, spacing
from clerk_async._ratelimit_settings import (
    ENDPOINT_LIMITS,
    MemoryRateLimit,
    endpoint_limit,
    rate_limit_settings,
)

HOUR = 3600.0


def test_clerks_hourly_limits_are_known_by_client_method_and_operation() -> None:
    figures = {method: (limit.requests, limit.period) for method, limit in ENDPOINT_LIMITS.items()}
    assert figures == {
        "invitations.create": (100, HOUR),
        "invitations.bulk_create": (25, HOUR),
        "organization_invitations.create": (250, HOUR),
        "organization_invitations.create_bulk": (50, HOUR),
    }
    assert set(MemoryRateLimit().endpoint_limits) == {
        "CreateInvitation",
        "CreateBulkInvitations",
        "CreateOrganizationInvitation",
        "CreateOrganizationInvitationBulk",
    }


def test_an_hours_budget_half_at_once_then_paced_and_never_more_in_an_hour() -> None:
    limit = ENDPOINT_LIMITS["invitations.create"]
    now = [0.0]
    limiter = RateLimiter(limit, clock=lambda: now[0])

    waits = [limiter.reserve() for _ in range(101)]  # a loop inviting 101 people at once

    step = spacing(limit)
    assert step == pytest.approx(72.0)  # 3,600 s x 1.02 / 51
    assert waits[:50] == [0.0] * 50  # a form inviting a few people sends at once
    assert waits[50] == pytest.approx(step)  # the 51st waits 72 s
    assert waits[99] == pytest.approx(50 * step)  # the 100th: an hour after the first
    assert waits[100] == pytest.approx(51 * step)  # an hour's budget spent: the next waits more


def test_an_operations_limit_given_as_text_allows_half_its_budget_at_once() -> None:
    assert endpoint_limit("4/2s") == RateLimit(4, 2.0, burst=2)
    assert endpoint_limit("1/1h") == RateLimit(1, HOUR, burst=1)
    assert endpoint_limit(RateLimit(10, 1.0)) == RateLimit(10, 1.0)  # as given
    hourly = {"invitations.create": "4/2s", "organization_invitations.bulk_create": "2/1s"}
    settings = MemoryRateLimit("auto", endpoint_limits=hourly)
    assert settings.endpoint_limits == {
        "CreateInvitation": RateLimit(4, 2.0, burst=2),
        "CreateOrganizationInvitationBulk": RateLimit(2, 1.0, burst=1),  # the official SDK's name
    }
    assert MemoryRateLimit(endpoint_limits={}).endpoint_limits == {}


@pytest.mark.parametrize(
    ("limits", "error", "message"),
    [
        ({"invitations.nope": "1/1h"}, ValueError, "'invitations.nope' is no client method"),
        ({"invitations.create": "off"}, ValueError, "leave the operation out"),
        ({"invitations.create": "fast"}, ValueError, r"endpoint_limits\['invitations.create'\]"),
        ({"invitations.create": 5}, TypeError, r"endpoint_limits\['invitations.create'\]"),
        (["invitations.create"], TypeError, "must map client methods"),
    ],
)
def test_a_wrong_operation_limit_is_named(
    limits: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        MemoryRateLimit(endpoint_limits=limits)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "key", "expected"),
    [
        ("auto", "sk_live_x", PRODUCTION),
        (" Auto ", "sk_test_x", DEVELOPMENT),
        ("1000/10s", None, RateLimit(1000, 10.0)),
        (RateLimit(5, 1.0), None, RateLimit(5, 1.0)),
        (MemoryRateLimit("50/1s"), None, RateLimit(50, 1.0)),
    ],
)
def test_what_a_client_limiter_keeps_to(
    value: object, key: str | None, expected: RateLimit
) -> None:
    settings = rate_limit_settings(value)
    assert settings is not None
    assert settings.instance_limit(key) == expected
    assert set(settings.endpoint_limits) == set(MemoryRateLimit().endpoint_limits)


def test_no_limiter_and_wrong_ones() -> None:
    assert rate_limit_settings(None) is None
    assert rate_limit_settings("off") is None
    with pytest.raises(TypeError, match=r"rate_limit: .*RedisRateLimit"):
        rate_limit_settings(100)
    with pytest.raises(ValueError, match="rate_limit: "):
        rate_limit_settings("fast")
    with pytest.raises(ValueError, match="limit: a limiter needs a limit"):
        MemoryRateLimit("off")
    assert repr(MemoryRateLimit()) == "MemoryRateLimit('auto')"
