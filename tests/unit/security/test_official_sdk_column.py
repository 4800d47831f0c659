"""The right-hand column of the README's rules table, checked against Clerk's official SDK
(``clerk_backend_api.security`` 7.0.0), networkless with ``jwt_key``. Where it changes behaviour
these tests fail, and the table must change with it."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.support.tokens import CATEGORY_M2M, pem_of, rsa_key, session_claims, sign

official = pytest.importorskip("clerk_backend_api.security")
types = pytest.importorskip("clerk_backend_api.security.types")

PEM = pem_of(rsa_key())


def _authenticate(headers: dict[str, str], **options: Any) -> Any:
    class Request:
        def __init__(self) -> None:
            self.headers = headers

    return official.authenticate_request(
        Request(), types.AuthenticateRequestOptions(jwt_key=PEM, **options)
    )


def _reason(token: str, **options: Any) -> str | None:
    try:
        official.verify_token(token, types.VerifyTokenOptions(**{"jwt_key": PEM, **options}))
    except official.TokenVerificationError as error:
        return str(error.reason.value[0])
    return None


def test_it_defaults_accepts_token_to_any_and_signs_machine_jwts_in() -> None:
    now = int(time.time())
    m2m = sign({"sub": "mch_1", "iat": now, "exp": now + 60}, cat=CATEGORY_M2M)
    assert _authenticate({"Authorization": f"Bearer {m2m}"}).is_signed_in
    assert _authenticate({"Authorization": f"Bearer {sign(typ='at+jwt')}"}).is_signed_in


def test_its_claim_rules() -> None:
    assert _reason(sign(session_claims(exp=None))) is None  # no exp verifies
    assert _reason(sign(session_claims(sub=None))) is None  # no sub verifies
    assert _reason(sign(session_claims(exp="9999999999"))) is None
    future = session_claims(iat=int(time.time()) + 30, nbf=None)
    assert _reason(sign(future)) == "token-not-active-yet"
    assert _reason(sign(session_claims(aud="https://api.example.com"))) == "token-invalid-audience"
    assert _reason(sign(), authorized_parties=[]) == "token-invalid-authorized-parties"


def test_its_encoding_and_size_rules() -> None:
    assert _reason(sign() + "==") is None
    assert _reason(sign(session_claims(padding="x" * (8 * 1024 * 1024)))) is None


def test_its_header_and_cookie_reading() -> None:
    basic = _authenticate({"Authorization": "Basic dXNlcjpwYXNz", "cookie": f"__session={sign()}"})
    assert not basic.is_signed_in  # "Basic ..." was taken as the token
    other_app = _authenticate({"cookie": f"__session_otherapp={sign()}"})
    assert other_app.is_signed_in  # another app's cookie, and no __client_uat needed


def test_its_v2_organization_claims() -> None:
    claims = session_claims(o={"id": "org_1", "rol": "admin", "per": "read,manage", "fpm": "-1"})
    state = _authenticate({"Authorization": f"Bearer {sign(claims)}"})
    assert state.payload["org_role"] == "admin"
    assert state.payload["org_permissions"] == ["org:articles:read"]  # from the mask -1
    pending = _authenticate({"Authorization": sign(session_claims(sts="pending"))})
    assert pending.is_signed_in and pending.to_auth().sub == "user_2abc"
    assert not hasattr(pending.to_auth(), "actor")
    custom = session_claims(o=None, org_id="org_custom", org_role="org:admin")
    kept = _authenticate({"Authorization": f"Bearer {sign(custom)}"}).to_auth()
    assert (kept.org_id, kept.org_role) == ("org_custom", "org:admin")  # no o: custom claims
    assert not hasattr(kept, "has") and not hasattr(kept, "features")


def test_its_pem_reading() -> None:
    assert _reason(sign(), jwt_key=PEM.strip().replace("\n", "\\n")) == "jwk-failed-to-resolve"
