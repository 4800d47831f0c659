"""The README's rules table, our column, on the very inputs its right-hand column was measured
with (Clerk's official SDK 7.0.0, networkless with ``jwt_key``: what it does there is a
measurement of a third party, written in the README, not something this suite asserts)."""

from __future__ import annotations

import time
from collections.abc import Callable

from clerk_async.security import AuthErrorReason
from clerk_async.security import TokenVerificationErrorReason as Reason
from tests.support.tokens import CATEGORY_M2M, pem_of, rsa_key, session_claims, sign

from .conftest import Authenticate, Verify

ReasonOf = Callable[..., Reason]
PEM = pem_of(rsa_key())


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_machine_jwts_do_not_sign_in_as_a_session(authenticate: Authenticate) -> None:
    now = int(time.time())
    m2m = sign({"sub": "mch_1", "iat": now, "exp": now + 60}, cat=CATEGORY_M2M)
    for token in (m2m, sign(typ="at+jwt")):
        state = authenticate(_bearer(token))
        assert not state.is_signed_in
        assert state.reason is AuthErrorReason.TOKEN_TYPE_NOT_SUPPORTED


def test_the_claim_rules(verify: Verify, reason_of: ReasonOf) -> None:
    assert reason_of(sign(session_claims(exp=None))) is Reason.TOKEN_INVALID  # exp required
    assert reason_of(sign(session_claims(sub=None))) is Reason.TOKEN_INVALID  # sub required
    assert reason_of(sign(session_claims(exp="9999999999"))) is Reason.TOKEN_INVALID
    future = session_claims(iat=int(time.time()) + 30, nbf=None)
    assert reason_of(sign(future)) is Reason.TOKEN_IAT_IN_THE_FUTURE
    assert verify(sign(session_claims(aud="https://api.example.com")))["sub"] == "user_2abc"
    assert verify(sign(), authorized_parties=[])["sub"] == "user_2abc"  # no check


def test_the_encoding_and_size_rules(reason_of: ReasonOf) -> None:
    assert reason_of(sign() + "==") is Reason.TOKEN_INVALID
    assert reason_of(sign(session_claims(padding="x" * (8 * 1024 * 1024)))) is Reason.TOKEN_INVALID


def test_the_header_and_cookie_reading(authenticate: Authenticate) -> None:
    # "Basic ..." is not a session token: the cookie is read, and without __client_uat it signs out.
    basic = authenticate({"Authorization": "Basic dXNlcjpwYXNz", "cookie": f"__session={sign()}"})
    assert basic.reason is AuthErrorReason.SESSION_TOKEN_WITHOUT_CLIENT_UAT
    other_app = authenticate({"cookie": f"__session_otherapp={sign()}"})
    assert other_app.reason is AuthErrorReason.SESSION_TOKEN_MISSING


def test_the_v2_organization_claims(authenticate: Authenticate) -> None:
    claims = session_claims(o={"id": "org_1", "rol": "admin", "per": "read,manage", "fpm": "-1"})
    state = authenticate(_bearer(sign(claims)))
    assert state.payload is not None
    assert state.payload["org_role"] == "org:admin"
    assert state.payload["org_permissions"] == []  # a malformed mask grants nothing
    pending = authenticate(_bearer(sign(session_claims(sts="pending"))))
    assert pending.is_signed_in and not pending.to_auth().is_authenticated
    assert pending.to_auth(treat_pending_as_signed_out=False).is_authenticated
    acting = authenticate(_bearer(sign(session_claims(act={"sub": "user_admin"}))))
    assert getattr(acting.to_auth(), "actor", None) == {"sub": "user_admin"}


def test_a_pem_pasted_with_literal_backslash_n_verifies(verify: Verify) -> None:
    assert verify(sign(), jwt_key=PEM.strip().replace("\n", "\\n"))["sub"] == "user_2abc"
