"""Session claims read as Clerk JS reads them, through ``authenticate_request`` in both packages
(the rules come from running Clerk JS; ``tests/authorization`` checks them against it)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerk_async._security.session_claims import add_org_claims, read_session_claims
from clerk_async.security import (
    AuthObject,
    AuthStatus,
    RequestState,
    SessionAuthObjectV1,
    SessionAuthObjectV2,
    SignedOutAuthObject,
    TokenType,
)
from tests.support.tokens import session_claims, sign

from .conftest import Authenticate

CUSTOM_ORG = {"org_id": "org_custom", "org_role": "org:admin", "org_slug": "custom",
              "org_permissions": ["org:billing:manage"]}  # fmt: skip


def _auth(authenticate: Authenticate, **changes: Any) -> AuthObject:
    state = authenticate({"Authorization": f"Bearer {sign(session_claims(**changes))}"})
    assert state.is_signed_in, state.reason
    return state.to_auth()


def _auth_of(claims: dict[str, Any], *, pending_signed_out: bool = True) -> AuthObject:
    payload = {"sub": "user_1", "sid": "sess_1", **claims}
    state = RequestState(AuthStatus.SIGNED_IN, None, "token", payload, TokenType.SESSION_TOKEN)
    return state.to_auth(treat_pending_as_signed_out=pending_signed_out)


def test_a_v2_token_ignores_custom_org_claims(authenticate: Authenticate) -> None:
    """A v2 token takes its organization from ``o`` only: custom claims grant nothing."""
    auth = _auth(authenticate, o=None, **CUSTOM_ORG)
    assert isinstance(auth, SessionAuthObjectV2)
    assert (auth.org_id, auth.org_role, auth.org_slug, auth.org_permissions) == (None,) * 4
    assert not auth.has(role="org:admin")
    assert not auth.has(permission="org:billing:manage")


def test_a_v2_token_with_o_ignores_custom_org_claims(authenticate: Authenticate) -> None:
    auth = _auth(authenticate, **CUSTOM_ORG)
    assert isinstance(auth, SessionAuthObjectV2)
    assert (auth.org_id, auth.org_role) == ("org_2abc", "org:admin")
    assert auth.org_permissions == ["org:articles:read", "org:articles:manage"]
    assert not auth.has(permission="org:billing:manage")


@pytest.mark.parametrize(("version", "v2"), [(2, True), (2.0, True), ("2", False), (3, False)])
def test_what_counts_as_a_v2_token(authenticate: Authenticate, version: object, v2: bool) -> None:
    auth = _auth(authenticate, v=version, **CUSTOM_ORG)
    assert isinstance(auth, SessionAuthObjectV2 if v2 else SessionAuthObjectV1)
    assert auth.org_id == ("org_2abc" if v2 else "org_custom")
    assert auth.has(permission="org:billing:manage") is not v2


def test_features_and_plans_are_scoped_lists(authenticate: Authenticate) -> None:
    auth = _auth(authenticate, fea="o:a, u:b ,ou:c,uo:d,x:e", pla="u:pro")
    assert isinstance(auth, SessionAuthObjectV2)
    assert auth.features == ["org:a", "user:b", "org:c", "user:c", "org:d", "user:d"]
    assert auth.plans == ["user:pro"]
    assert auth.has(feature="a") and auth.has(feature="user:c") and auth.has(plan="pro")
    assert not auth.has(feature="e") and not auth.has(plan="org:pro")


@pytest.mark.parametrize(
    ("claim", "expected"),
    [(None, None), ("", []), (5, None), ("o:a,b", None), ("o:a,", None), ("o:", ["org:"])],
)
def test_features_claims_of_every_shape(claim: object, expected: list[str] | None) -> None:
    auth = _auth_of({"v": 1, "fea": claim, "pla": claim})
    assert isinstance(auth, SessionAuthObjectV1)
    assert auth.features == expected and auth.plans == expected


def test_session_status_and_pending_sessions() -> None:
    active = _auth_of({"v": 2, "sts": "active", "o": {"id": "org_1", "rol": "admin"}})
    assert isinstance(active, SessionAuthObjectV2) and active.session_status == "active"
    pending = {"v": 2, "sts": "pending", "o": {"id": "org_1", "rol": "admin"}}
    signed_out = _auth_of(pending)
    assert isinstance(signed_out, SignedOutAuthObject)
    assert signed_out.session_status == "pending" and not signed_out.has(role="admin")
    kept = _auth_of(pending, pending_signed_out=False)
    assert kept.is_authenticated and kept.has(role="admin")


def _mask_granting(*bits: int) -> str:
    return str(sum(1 << bit for bit in bits))


@pytest.mark.parametrize(
    ("mask", "granted"),
    [
        ("0003", ["p0", "p1"]),
        ("0" * 400 + "5", ["p0", "p2"]),
        (str((1 << 2000) + 2), ["p1"]),  # about 600 digits: only the low bits count
        ("7" + "0" * 4999 + "1", ["p0"]),  # 7 * 10**5000 + 1: beyond int()'s 4300 digits
        (" \ufeff3\u3000", ["p0", "p1"]),  # JavaScript trims U+FEFF and U+3000 ...
        ("\x1c3", []),  # ... but not U+001C or U+0085, which Python's strip() removes
        ("3\x85", []),
        ("\uff13", []),  # a fullwidth 3: not an ASCII digit
        ("-1", []),
        ("+3", []),
        ("1_0", []),
        ("3.0", []),
        ("1e2", []),
    ],
)
def test_permission_masks(mask: str, granted: list[str]) -> None:
    org = {"id": "org_1", "rol": "admin", "per": "p0,p1,p2", "fpm": mask}
    auth = _auth_of({"v": 2, "fea": "o:f", "o": org})
    assert isinstance(auth, SessionAuthObjectV2)
    assert auth.org_permissions == [f"org:f:{name}" for name in granted]


def test_masks_pair_with_organization_features_only() -> None:
    org = {"id": "org_1", "rol": "admin", "per": "read, manage ,,x", "fpm": "15,1"}
    auth = _auth_of({"v": 2, "fea": "u:gold,o:docs,x:other,o:", "o": org})
    assert isinstance(auth, SessionAuthObjectV2)
    assert auth.org_permissions == [
        "org:docs:read", "org:docs:manage", "org:docs:", "org:docs:x", "org::read",
    ]  # fmt: skip
    assert auth.has(permission="docs:") and auth.has(permission="org::read")


REFUSED: list[dict[str, Any]] = [
    {"fea": "o:a,", "o": {"id": "org_1"}},  # an item without a colon
    {"fea": "o:a,b", "o": "x"},  # any truthy o, even a string
    {"fea": 5, "o": {"id": "org_1"}},
    {"fea": ["o:a"], "o": {}},
    {"fea": "o:a", "o": {"id": "org_1", "per": ["read"], "fpm": "1"}},
    {"fea": "o:a", "o": {"id": "org_1", "per": "read", "fpm": 1}},
    {"fea": "o:a,", "o": {"id": "org_1"}, "sts": "pending"},
]


@pytest.mark.parametrize("claims", REFUSED)
@pytest.mark.parametrize("pending_signed_out", [True, False])
def test_claims_clerk_js_refuses_grant_nothing(
    claims: dict[str, Any], pending_signed_out: bool
) -> None:
    auth = _auth_of({"v": 2, "fva": [0, 0], **claims}, pending_signed_out=pending_signed_out)
    assert isinstance(auth, SignedOutAuthObject) and auth.session_status is None
    assert not auth.is_authenticated
    assert not auth.has(reverification="lax")
    assert read_session_claims({"v": 2, **claims}) is None


@pytest.mark.parametrize(
    ("claims", "feature_a"),
    [
        ({"v": 1, "fea": "o:a,", "o": {"id": "org_1"}}, False),  # v1 tokens: not parsed so
        ({"v": 2, "fea": "o:a,"}, False),  # no organization: fea is not parsed at to_auth()
        ({"v": 2, "fea": "o:a", "o": {"id": "org_1", "per": ["read"], "fpm": ""}}, True),
        ({"v": 2, "fea": "o:a", "o": 0}, True),  # an org feature counts without an organization
    ],
)
def test_claims_clerk_js_reads(claims: dict[str, Any], feature_a: bool) -> None:
    auth = _auth_of({"fva": [0, 0], **claims})
    assert auth.is_authenticated and auth.has(reverification="lax")
    assert auth.has(feature="a") is feature_a


def test_add_org_claims_copies_what_to_auth_reads() -> None:
    payload = session_claims(org_id="org_custom")
    add_org_claims(payload)
    assert payload["org_id"] == "org_2abc" and payload["org_role"] == "org:admin"
    assert payload["org_permissions"] == ["org:articles:read", "org:articles:manage"]
    refused = session_claims(fea="o:a,", org_id="org_custom")
    add_org_claims(refused)
    assert refused["org_id"] == "org_custom" and "org_role" not in refused
    v1 = {"v": 1, "o": {"id": "org_1"}}
    add_org_claims(v1)
    assert v1 == {"v": 1, "o": {"id": "org_1"}}


def test_a_request_reads_its_session_claims_once(
    authenticate: Authenticate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Verified, turned into auth objects and decided on: the claims are read once."""
    import clerk_async.security._verify as async_verify
    import clerk_sync.security._verify as sync_verify
    from clerk_async._security import auth as auth_module
    from clerk_async._security import session_claims as claims_module
    from clerk_async.security import Requirement, decide_access

    reads: list[dict[str, Any]] = []

    def counted(payload: dict[str, Any]) -> Any:
        reads.append(payload)
        return read_session_claims(payload)

    for module in (claims_module, auth_module, async_verify, sync_verify):
        monkeypatch.setattr(module, "read_session_claims", counted, raising=False)
    state = authenticate({"Authorization": f"Bearer {sign(session_claims())}"})
    first, second = state.to_auth(), state.to_auth()
    assert decide_access(state, Requirement(permission="org:articles:read")).allowed
    assert len(reads) == 1
    assert isinstance(first, SessionAuthObjectV2) and isinstance(second, SessionAuthObjectV2)
    payload = state.payload
    assert payload is not None
    assert first.org_permissions == second.org_permissions == payload["org_permissions"]
    assert first.org_permissions is not second.org_permissions  # each its own list
    assert list(dataclasses.asdict(state)) == [
        "status", "reason", "token", "payload", "token_type", "detail"
    ]  # fmt: skip
    state.payload = {**payload, "o": None}
    replaced = state.to_auth()
    assert isinstance(replaced, SessionAuthObjectV2) and replaced.org_id is None
    assert len(reads) == 2  # a replaced payload is read again


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
CLAIM_NAMES = st.sampled_from(
    ["v", "o", "fea", "pla", "fva", "sts", "sub", "sid", "act", "org_id", "org_role",
     "org_permissions", "org_slug"]
)  # fmt: skip
ORG = st.dictionaries(st.sampled_from(["id", "rol", "slg", "per", "fpm"]), JSON, max_size=5)


@settings(max_examples=300, deadline=None)
@given(
    claims=st.dictionaries(CLAIM_NAMES, JSON, max_size=8),
    org=ORG,
    version=st.sampled_from([1, 2, 2.0, "2", None]),
)
def test_any_claims_give_an_auth_object_and_answers(
    claims: dict[str, Any], org: dict[str, Any], version: object
) -> None:
    """Whatever a token holds, reading it and asking never raises."""
    payload = json.loads(json.dumps({**claims, "o": org, "v": version}))
    add_org_claims(payload)
    auth = RequestState(AuthStatus.SIGNED_IN, None, "t", payload, TokenType.SESSION_TOKEN).to_auth()
    checks: list[dict[str, Any]] = [{"role": "a"}, {"permission": "a:b"}, {"feature": "a"}]
    checks.append({"plan": "b"})
    for check in checks:
        assert isinstance(auth.has(**check), bool)
    assert isinstance(auth.has(reverification="strict_mfa"), bool)
