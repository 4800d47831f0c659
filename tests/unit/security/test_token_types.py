"""Token-type gating: a session check takes session tokens only, ``accepts_token`` opens more."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from clerk_async.security import (
    AuthErrorReason,
    M2MMachineAuthObject,
    OAuthMachineAuthObject,
    SessionAuthObjectV2,
    TokenType,
)
from clerk_async.security import TokenVerificationErrorReason as Reason
from tests.support.tokens import CATEGORY_M2M, rsa_key, session_claims, sign

from .conftest import Authenticate, Verify

ReasonOf = Callable[..., Reason]
TEMPLATE_CATEGORY = "cl_B7d4PD222AAA"


def _m2m_jwt(**changes: object) -> str:
    now = int(time.time())
    claims: dict[str, object] = {"jti": "mt_0123", "sub": "mch_2abc", "aud": ["read"]}
    claims.update(iat=now, exp=now + 60)
    claims.update(changes)
    return sign(claims, cat=CATEGORY_M2M)


def _oauth_jwt() -> str:
    now = int(time.time())
    claims: dict[str, object] = {"jti": "oat_1", "sub": "user_2abc", "client_id": "client_1"}
    claims.update(scope="email profile", iat=now, exp=now + 60)
    return sign(claims, typ="at+jwt", cat=None)


MACHINE_JWTS: dict[str, Callable[[], str]] = {
    "M2M category": _m2m_jwt,
    "mch_ subject": lambda: sign(session_claims(sub="mch_2abc")),
    "typ at+jwt": lambda: sign(typ="at+jwt"),
    "typ application/at+jwt": lambda: sign(typ="application/at+jwt"),
}


@pytest.mark.parametrize("kind", sorted(MACHINE_JWTS))
def test_a_session_check_rejects_machine_jwts(kind: str, authenticate: Authenticate) -> None:
    """Clerk's Python SDK signs these in as user sessions (its default accepts any type)."""
    state = authenticate({"Authorization": f"Bearer {MACHINE_JWTS[kind]()}"})
    assert state.reason is AuthErrorReason.TOKEN_TYPE_NOT_SUPPORTED


@pytest.mark.parametrize("prefix", ["ak_", "mt_", "m2m_", "oat_"])
def test_a_session_check_rejects_opaque_machine_tokens_without_a_call(
    prefix: str, authenticate: Authenticate
) -> None:
    state = authenticate({"Authorization": f"Bearer {prefix}0123456789abcdef"})
    assert state.reason is AuthErrorReason.TOKEN_TYPE_NOT_SUPPORTED


def test_a_jwt_template_token_is_not_a_session_token(authenticate: Authenticate) -> None:
    template = sign(cat=TEMPLATE_CATEGORY)
    assert authenticate({"Authorization": template}).reason is AuthErrorReason.TOKEN_TYPE_MISMATCH
    # With "any", only verify_token's own check applies (as in Clerk's JS backend).
    assert authenticate({"Authorization": template}, accepts_token="any").is_signed_in


@pytest.mark.parametrize("category", [None, "cl_B7d4PD111AAA", "cl_I7d4PD111III"])
def test_session_categories(category: str | None, authenticate: Authenticate) -> None:
    assert authenticate({"Authorization": sign(cat=category)}).is_signed_in


@pytest.mark.parametrize("accepts", [["m2m_token"], "m2m_token", ["machine_token"], "any"])
def test_jwt_m2m_tokens_verify_networkless_when_accepted(
    accepts: str | list[str], authenticate: Authenticate
) -> None:
    state = authenticate({"Authorization": f"Bearer {_m2m_jwt()}"}, accepts_token=accepts)
    assert state.is_signed_in, state.reason
    assert state.token_type is TokenType.MACHINE_TOKEN_V2
    auth = state.to_auth()
    assert isinstance(auth, M2MMachineAuthObject)
    assert (auth.machine_id, auth.id, auth.scopes) == ("mch_2abc", "mt_0123", ["read"])


def test_jwt_m2m_tokens_are_checked_like_any_jwt(authenticate: Authenticate) -> None:
    accepts = ["m2m_token"]
    expired = _m2m_jwt(exp=100, iat=50)
    assert (
        authenticate({"Authorization": expired}, accepts_token=accepts).reason
        is Reason.TOKEN_EXPIRED
    )
    forged = sign({"sub": "mch_1", "exp": 9999999999}, key=rsa_key("other"), cat=CATEGORY_M2M)
    state = authenticate({"Authorization": forged}, accepts_token=accepts)
    assert state.reason is Reason.TOKEN_INVALID_SIGNATURE
    # A session token is not an M2M token.
    session = authenticate({"Authorization": sign()}, accepts_token=accepts)
    assert session.reason is AuthErrorReason.TOKEN_TYPE_NOT_SUPPORTED


def test_jwt_oauth_tokens_verify_networkless_when_accepted(authenticate: Authenticate) -> None:
    state = authenticate({"Authorization": _oauth_jwt()}, accepts_token=["oauth_token"])
    assert state.is_signed_in, state.reason
    auth = state.to_auth()
    assert isinstance(auth, OAuthMachineAuthObject)
    assert (auth.user_id, auth.client_id, auth.scopes) == (
        "user_2abc",
        "client_1",
        ["email", "profile"],
    )


def test_a_machine_token_in_the_cookie_is_not_taken(authenticate: Authenticate) -> None:
    cookie = f"__session={_m2m_jwt()}; __client_uat=1"
    state = authenticate({"Cookie": cookie}, accepts_token="any")
    assert state.reason is AuthErrorReason.TOKEN_TYPE_NOT_SUPPORTED


def test_several_types_and_a_session(authenticate: Authenticate) -> None:
    accepts = ["session_token", "m2m_token"]
    assert isinstance(
        authenticate({"Authorization": sign()}, accepts_token=accepts).to_auth(),
        SessionAuthObjectV2,
    )
    assert authenticate({"Authorization": _m2m_jwt()}, accepts_token=accepts).is_signed_in
    assert (
        authenticate({"Authorization": "ak_123"}, accepts_token=accepts).reason
        is AuthErrorReason.TOKEN_TYPE_NOT_SUPPORTED
    )


def test_verify_token_verifies_sessions_and_template_tokens_not_machine_jwts(
    verify: Verify, reason_of: ReasonOf
) -> None:
    assert verify(sign(cat=TEMPLATE_CATEGORY))["sub"] == "user_2abc"
    for make in MACHINE_JWTS.values():
        assert reason_of(make()) is Reason.INVALID_TOKEN_TYPE


def test_without_any_key_the_reason_is_secret_key_missing(
    reason_of: ReasonOf, authenticate: Authenticate
) -> None:
    assert reason_of(sign(), jwt_key=None) is Reason.SECRET_KEY_MISSING
    assert reason_of("ak_0123", jwt_key=None) is Reason.SECRET_KEY_MISSING  # never "Bearer None"
    state = authenticate({"Authorization": sign()}, jwt_key=None)
    assert state.reason is AuthErrorReason.SECRET_KEY_MISSING
    machine = authenticate({"Authorization": "mt_0123"}, jwt_key=None, accepts_token="any")
    assert machine.reason is AuthErrorReason.SECRET_KEY_MISSING
