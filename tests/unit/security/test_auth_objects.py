"""v2 payloads read as Clerk's JS backend reads them; what ``to_auth()`` gives."""

from __future__ import annotations

from typing import Any

import pytest

from clerk_async._security.auth import org_permissions
from clerk_async.security import (
    APIKeyMachineAuthObject,
    AuthStatus,
    M2MMachineAuthObject,
    OAuthMachineAuthObject,
    RequestState,
    SessionAuthObjectV1,
    SessionAuthObjectV2,
    SignedOutAuthObject,
    TokenType,
)
from tests.support.tokens import session_claims, sign

from .conftest import Authenticate

PERMISSIONS_54 = ",".join(f"permission_{i}" for i in range(54))

# From clerk/javascript packages/shared/src/__tests__/jwtPayloadParser.spec.ts (the authority).
VECTORS: list[tuple[str, str, str, list[str]]] = [
    ("o:impersonation", "read,manage", "3", ["org:impersonation:read", "org:impersonation:manage"]),
    (
        "o:repositories,o:projects",
        "read,create,update,delete,revoke",
        "7,21",
        [
            "org:repositories:read",
            "org:repositories:create",
            "org:repositories:update",
            "org:projects:read",
            "org:projects:update",
            "org:projects:revoke",
        ],
    ),
    (
        "o:repositories,o:impersonation,o:billing",
        "manage,read,update",
        "6,0,3",
        [
            "org:repositories:read",
            "org:repositories:update",
            "org:billing:manage",
            "org:billing:read",
        ],
    ),
    ("o:f", PERMISSIONS_54, "9007199254740993", ["org:f:permission_0", "org:f:permission_53"]),
    (
        "o:f",
        PERMISSIONS_54,
        "9007199254740995",
        ["org:f:permission_0", "org:f:permission_1", "org:f:permission_53"],
    ),
    ("o:f", PERMISSIONS_54, "18014398509481984", []),  # bit 54: past the last permission
    ("o:f", "read,manage", "1invalid", []),
    ("o:f", "read,manage", "-1", []),  # Clerk's Python SDK grants "read" here
    ("o:f", "read,manage", "1.5", []),
    ("o:f", "read,manage", "", []),
    ("o:f", "", "3", []),
    # Masks pair with the organization-scoped features in order (user features skipped).
    (
        "u:gold,o:repositories",
        "read,create,update",
        "7",
        ["org:repositories:read", "org:repositories:create", "org:repositories:update"],
    ),
    ("u:gold,o:repositories", "read,create,update", "0,7", []),  # Clerk's Python SDK: all three
    ("uo:both,o:one", "read", "1,1", ["org:both:read", "org:one:read"]),
    ("o:a,o:b", "read", "1,x", ["org:a:read"]),  # a bad mask grants nothing, the others stand
    ("o:a,broken", "read", "1,1", []),  # a malformed feature list grants nothing at all
]


@pytest.mark.parametrize(("fea", "per", "fpm", "expected"), VECTORS)
def test_org_permissions(fea: str, per: str, fpm: str, expected: list[str]) -> None:
    assert org_permissions(fea, per, fpm) == expected


@pytest.mark.parametrize("value", [None, 3, ["o:a"]])
def test_org_permissions_of_odd_types_grant_nothing(value: Any) -> None:
    assert org_permissions(value, "read", "1") == []
    assert org_permissions("o:a", value, "1") == []
    assert org_permissions("o:a", "read", value) == []


def test_a_v2_token_gives_a_v2_auth_object(authenticate: Authenticate) -> None:
    claims = session_claims(
        o={"id": "org_9", "rol": "admin", "slg": "acme", "per": "read,manage", "fpm": "3"},
        fea="o:articles",
        act={"sub": "user_support", "iss": "https://dashboard.clerk.com"},
    )
    state = authenticate({"Authorization": sign(claims)})
    auth = state.to_auth()
    assert isinstance(auth, SessionAuthObjectV2)
    assert auth.user_id == "user_2abc" and auth.sub == "user_2abc"
    assert auth.session_id == "sess_2abc" and auth.sid == "sess_2abc"
    assert auth.org_id == "org_9"
    assert auth.org_slug == "acme"
    assert auth.org_role == "org:admin"  # with its prefix, as v1 tokens and Clerk JS have it
    assert auth.org_permissions == ["org:articles:read", "org:articles:manage"]
    assert auth.actor == {"sub": "user_support", "iss": "https://dashboard.clerk.com"}
    assert auth.session_status == "active"
    assert auth.factor_verification_age == [0, -1]
    assert auth.is_authenticated
    assert auth.token_type is TokenType.SESSION_TOKEN
    # The payload carries the same, as Clerk's Python SDK adds them.
    assert state.payload is not None
    assert state.payload["org_role"] == "org:admin"
    assert state.payload["org_permissions"] == auth.org_permissions
    assert state.token_type is TokenType.SESSION_TOKEN


def test_every_field_of_a_v2_auth_object_comes_from_its_own_claim(
    authenticate: Authenticate,
) -> None:
    """Each field from the claim it names (values all distinct, so two fields swapped show)."""
    claims = session_claims(
        email="ada@example.com",
        fea="o:articles,u:gold",
        pla="u:pro,o:team",
        act={"sub": "user_support"},
    )
    state = authenticate({"Authorization": sign(claims)})
    assert state.payload is not None
    expected = SessionAuthObjectV2(
        exp=claims["exp"],
        iat=claims["iat"],
        iss=claims["iss"],
        sid="sess_2abc",
        sub="user_2abc",
        v=2,
        jti=claims["jti"],
        role="authenticated",
        fva=[0, -1],
        nbf=claims["nbf"],
        email="ada@example.com",
        azp=claims["azp"],
        org_id="org_2abc",
        org_slug="acme",
        org_role="org:admin",
        org_permissions=["org:articles:read", "org:articles:manage"],
        actor={"sub": "user_support"},
        session_status="active",
        features=["org:articles", "user:gold"],
        plans=["user:pro", "org:team"],
        claims=state.payload,
    )
    auth = state.to_auth()
    assert isinstance(auth, SessionAuthObjectV2)
    for name in expected.__dataclass_fields__:
        assert getattr(auth, name) == getattr(expected, name), name


def test_an_org_without_permission_claims_has_none(authenticate: Authenticate) -> None:
    claims = session_claims(o={"id": "org_9", "rol": "member", "slg": "s"}, fea=None)
    auth = authenticate({"Authorization": sign(claims)}).to_auth()
    assert isinstance(auth, SessionAuthObjectV2)
    assert auth.org_role == "org:member"
    assert auth.org_permissions == []


def test_no_org(authenticate: Authenticate) -> None:
    auth = authenticate({"Authorization": sign(session_claims(o=None))}).to_auth()
    assert isinstance(auth, SessionAuthObjectV2)
    assert auth.org_id is None and auth.org_role is None and auth.org_permissions is None


def test_a_pending_session_is_signed_out_by_to_auth(authenticate: Authenticate) -> None:
    state = authenticate({"Authorization": sign(session_claims(sts="pending"))})
    assert state.is_signed_in  # the token is valid...
    auth = state.to_auth()  # ...but the session has a task left
    assert isinstance(auth, SignedOutAuthObject)
    assert not auth.is_authenticated
    assert auth.user_id is None and auth.session_status == "pending"
    kept = state.to_auth(treat_pending_as_signed_out=False)
    assert isinstance(kept, SessionAuthObjectV2) and kept.user_id == "user_2abc"


def test_a_v1_token_gives_a_v1_auth_object(authenticate: Authenticate) -> None:
    claims = session_claims(
        v=None, o=None, fea=None, org_id="org_1", org_role="org:admin", org_slug="one",
        org_permissions=["org:a:read"], act={"sub": "user_x"},
    )  # fmt: skip
    auth = authenticate({"Authorization": sign(claims)}).to_auth()
    assert isinstance(auth, SessionAuthObjectV1)
    assert (auth.user_id, auth.session_id, auth.org_id) == ("user_2abc", "sess_2abc", "org_1")
    assert auth.org_role == "org:admin" and auth.org_permissions == ["org:a:read"]
    assert auth.actor == {"sub": "user_x"} and auth.claims is not None


def test_to_auth_of_a_signed_out_state_raises_value_error() -> None:
    from clerk_async.security import AuthErrorReason

    state = RequestState(AuthStatus.SIGNED_OUT, AuthErrorReason.SESSION_TOKEN_MISSING)
    with pytest.raises(ValueError, match="session-token-missing"):
        state.to_auth()
    assert not state.is_signed_in and not state.is_authenticated


def test_machine_auth_objects_from_clerks_answers() -> None:
    api_key = RequestState(
        AuthStatus.SIGNED_IN,
        token="ak_123",
        payload={
            "id": "ak_1",
            "subject": "org_1",
            "name": "ci",
            "scopes": ["read"],
            "claims": {"a": 1},
        },
    )
    auth = api_key.to_auth()
    assert isinstance(auth, APIKeyMachineAuthObject)
    assert (auth.org_id, auth.user_id, auth.scopes, auth.claims) == (
        "org_1",
        None,
        ["read"],
        {"a": 1},
    )
    oauth = RequestState(
        AuthStatus.SIGNED_IN,
        token="oat_1",
        payload={"id": "oat_1", "subject": "user_1", "client_id": "c", "scopes": ["email"]},
    ).to_auth()
    assert isinstance(oauth, OAuthMachineAuthObject)
    assert (oauth.user_id, oauth.client_id, oauth.scopes) == ("user_1", "c", ["email"])
    m2m = RequestState(
        AuthStatus.SIGNED_IN, token="mt_1", payload={"id": "mt_1", "subject": "mch_1", "scopes": []}
    ).to_auth()
    assert isinstance(m2m, M2MMachineAuthObject)
    assert m2m.machine_id == "mch_1" and m2m.token_type is TokenType.MACHINE_TOKEN_V2


def test_an_m2m_jwt_payload_gives_an_m2m_auth_object() -> None:
    state = RequestState(
        AuthStatus.SIGNED_IN,
        token="eyJ...",
        payload={"jti": "mt_9", "sub": "mch_9", "exp": 1, "aud": ["read", "write"], "team": "x"},
        token_type=TokenType.MACHINE_TOKEN_V2,
    )
    auth = state.to_auth()
    assert isinstance(auth, M2MMachineAuthObject)
    assert (auth.id, auth.machine_id, auth.scopes) == ("mt_9", "mch_9", ["read", "write"])
    assert auth.claims == {"team": "x"}


def test_repr_never_shows_the_token() -> None:
    token = sign()
    state = RequestState(AuthStatus.SIGNED_IN, token=token, payload={"sub": "user_1"})
    assert token not in repr(state)
