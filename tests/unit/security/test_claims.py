"""The claim rules, after the signature: exp/sub required, numeric times, skew, aud, azp."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from clerk_async.security import (
    AuthenticateRequestOptions,
    TokenVerificationError,
    VerifyTokenOptions,
)
from clerk_async.security import TokenVerificationErrorReason as Reason
from tests.support.tokens import AZP, session_claims, sign

from .conftest import Authenticate, Verify

ReasonOf = Callable[..., Reason]


def _at(**offsets: float | None) -> str:
    """A token whose time claims are ``now + offset`` seconds (``None``: the claim is absent)."""
    now = time.time()
    changes: dict[str, Any] = {}
    for name, offset in offsets.items():
        changes[name] = None if offset is None else int(now + offset)
    return sign(session_claims(int(now), **changes))


@pytest.mark.parametrize("claim", ["exp", "sub"])
def test_exp_and_sub_are_required(claim: str, reason_of: ReasonOf) -> None:
    assert reason_of(sign(session_claims(**{claim: None}))) is Reason.TOKEN_INVALID


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("exp", "9999999999"),
        ("exp", True),
        ("exp", {"at": 1}),
        ("exp", None),
        ("nbf", None),
        ("nbf", "0"),
        ("iat", "0"),
        ("iat", [1]),
        ("sub", 42),
        ("sub", ""),
    ],
)
def test_time_claims_must_be_numbers_and_sub_a_string(
    claim: str, value: Any, reason_of: ReasonOf
) -> None:
    claims = session_claims()
    claims[claim] = value
    assert reason_of(sign(claims)) is Reason.TOKEN_INVALID


def test_float_times_are_numbers(verify: Verify) -> None:
    now = time.time()
    claims = session_claims(exp=now + 60.5, iat=now - 0.5, nbf=now - 10.25)
    assert verify(sign(claims))["exp"] == now + 60.5


def test_expiry_with_the_default_skew_of_five_seconds(verify: Verify, reason_of: ReasonOf) -> None:
    assert verify(_at(exp=-3))["sub"] == "user_2abc"
    assert reason_of(_at(exp=-10)) is Reason.TOKEN_EXPIRED
    assert reason_of(_at(exp=-2), clock_skew_in_ms=0) is Reason.TOKEN_EXPIRED
    assert verify(_at(exp=-50), clock_skew_in_ms=60_000)["sub"] == "user_2abc"


def test_expired_exactly_at_exp_minus_skew(reason_of: ReasonOf) -> None:
    """``exp <= now - skew`` is expired: a token whose exp is now, with no skew, is."""
    claims = session_claims(exp=int(time.time()))
    assert reason_of(sign(claims), clock_skew_in_ms=0) is Reason.TOKEN_EXPIRED


def test_not_before(verify: Verify, reason_of: ReasonOf) -> None:
    assert verify(_at(nbf=3))["sub"] == "user_2abc"
    assert reason_of(_at(nbf=30)) is Reason.TOKEN_NOT_ACTIVE_YET
    assert verify(_at(nbf=None))["sub"] == "user_2abc"


def test_issued_in_the_future_has_its_own_reason(verify: Verify, reason_of: ReasonOf) -> None:
    """Clerk's Python SDK reports this as "not active yet"; the reasons are not swapped here."""
    assert verify(_at(iat=3, nbf=None))["sub"] == "user_2abc"
    assert reason_of(_at(iat=30, nbf=None)) is Reason.TOKEN_IAT_IN_THE_FUTURE
    assert verify(_at(iat=None))["sub"] == "user_2abc"


def test_aud_is_checked_only_when_an_audience_is_configured(
    verify: Verify, reason_of: ReasonOf
) -> None:
    with_aud = sign(session_claims(aud="https://api.example.com"))
    assert verify(with_aud)["aud"] == "https://api.example.com"  # the official SDK rejects this
    assert verify(with_aud, audience="https://api.example.com")["sub"] == "user_2abc"
    assert verify(with_aud, audience=["x", "https://api.example.com"])["sub"] == "user_2abc"
    assert reason_of(with_aud, audience="https://other.example") is Reason.TOKEN_INVALID_AUDIENCE
    listed = sign(session_claims(aud=["a", "b"]))
    assert verify(listed, audience="b")["sub"] == "user_2abc"
    assert reason_of(listed, audience="c") is Reason.TOKEN_INVALID_AUDIENCE
    assert reason_of(sign(), audience="a") is Reason.TOKEN_INVALID_AUDIENCE  # no aud at all


def test_authorized_parties(verify: Verify, reason_of: ReasonOf) -> None:
    token = sign()
    assert verify(token, authorized_parties=[AZP, "https://b.example"])["azp"] == AZP
    assert (
        reason_of(token, authorized_parties=["https://b.example"])
        is Reason.TOKEN_INVALID_AUTHORIZED_PARTIES
    )
    no_azp = sign(session_claims(azp=None))
    assert reason_of(no_azp, authorized_parties=[AZP]) is Reason.TOKEN_INVALID_AUTHORIZED_PARTIES
    # An empty list (or none) means no check, not deny-all as in Clerk's Python SDK.
    assert verify(token, authorized_parties=[])["azp"] == AZP
    assert verify(no_azp, authorized_parties=[])["sub"] == "user_2abc"
    assert verify(no_azp)["sub"] == "user_2abc"


def test_iss_is_not_checked(verify: Verify) -> None:
    assert verify(sign(session_claims(iss=None)))["sub"] == "user_2abc"


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"clock_skew_in_ms": -1}, ValueError),
        ({"clock_skew_in_ms": "5000"}, ValueError),
        ({"authorized_parties": "https://app.example.com"}, TypeError),
        ({"authorized_parties": [1]}, TypeError),
        ({"audience": 3}, TypeError),
        ({"jwt_key": b"pem"}, TypeError),
        ({"secret_key": "sk_test with space"}, ValueError),
        ({"api_url": "api.clerk.com"}, ValueError),
    ],
)
def test_wrong_options_are_reported_where_they_are_written(
    options: dict[str, Any], error: type[Exception]
) -> None:
    from clerk_async.security import AuthenticateRequestOptions, VerifyTokenOptions

    with pytest.raises(error):
        VerifyTokenOptions(**options)
    with pytest.raises(error):
        AuthenticateRequestOptions(**options)


#: Clerk JS's fixtures are issued at a fixed instant; they are replayed at it with a clock.
ISSUED = 1_666_648_250


@pytest.mark.parametrize(
    ("seconds_after_issue", "reason"),
    [
        (-30, Reason.TOKEN_IAT_IN_THE_FUTURE),
        (30, None),
        (59, None),
        (66, Reason.TOKEN_EXPIRED),
    ],
)
def test_the_clock_option_decides_exp_nbf_and_iat(
    seconds_after_issue: int,
    reason: Reason | None,
    verify: Verify,
    authenticate: Authenticate,
) -> None:
    token = sign(session_claims(ISSUED, nbf=None))  # exp is 60 s after issue

    def clock() -> float:
        return ISSUED + seconds_after_issue

    state = authenticate({"Authorization": f"Bearer {token}"}, clock=clock)
    assert state.reason is reason
    if reason is None:
        assert verify(token, clock=clock)["iat"] == ISSUED
    else:
        with pytest.raises(TokenVerificationError) as caught:
            verify(token, clock=clock)
        assert caught.value.reason is reason


def test_nbf_reads_the_clock_too(reason_of: ReasonOf) -> None:
    token = sign(session_claims(ISSUED, nbf=ISSUED + 20, iat=None))
    assert reason_of(token, clock=lambda: ISSUED) is Reason.TOKEN_NOT_ACTIVE_YET
    assert reason_of(token, clock=lambda: ISSUED + 100) is Reason.TOKEN_EXPIRED


@pytest.mark.parametrize("clock", [1_666_648_250, "now"])
def test_a_clock_is_a_callable(clock: Any) -> None:
    with pytest.raises(TypeError, match="clock"):
        VerifyTokenOptions(clock=clock)
    with pytest.raises(TypeError, match="clock"):
        AuthenticateRequestOptions(clock=clock)


@pytest.mark.parametrize("reading", ["1666648250", None, float("nan"), True])
def test_a_clock_that_does_not_return_seconds_is_a_type_error(reading: Any, verify: Verify) -> None:
    with pytest.raises((TypeError, ValueError), match="clock"):
        verify(sign(), clock=lambda: reading)
