"""``has()``: Clerk JS's decisions (facts found by running it; ``tests/authorization`` checks
every one against Clerk JS itself), and the errors for arguments that are not a check."""

from __future__ import annotations

import math
from typing import Any

import pytest

from clerk_async.security import (
    APIKeyMachineAuthObject,
    AuthObject,
    M2MMachineAuthObject,
    OAuthMachineAuthObject,
    Reverification,
    SessionAuthObjectV1,
    SessionAuthObjectV2,
    SignedOutAuthObject,
)
from clerk_sync.security import Reverification as SyncReverification
from clerk_sync.security import SessionAuthObjectV2 as SyncSessionAuthObjectV2


def session(**fields: Any) -> SessionAuthObjectV2:
    fields.setdefault("sub", "user_1")
    fields.setdefault("org_id", "org_1")
    return SessionAuthObjectV2(**fields)


def test_both_packages_share_one_has() -> None:
    assert SyncSessionAuthObjectV2 is SessionAuthObjectV2
    assert SyncReverification is Reverification


@pytest.mark.parametrize(
    ("token_role", "asked", "expected"),
    [
        ("org:admin", "admin", True),
        ("org:admin", "org:admin", True),
        ("org:admin", "org:org:admin", True),  # any run of org: is one
        ("org:org:admin", "admin", True),
        ("org:", "", True),
        ("org:admin", "ADMIN", False),
        ("org:admin", "org:member", False),
        ("", "", False),  # no role in the token
        (None, "admin", False),
    ],
)
def test_roles(token_role: str | None, asked: str, expected: bool) -> None:
    assert session(org_role=token_role).has(role=asked) is expected


def test_a_role_or_permission_needs_an_active_organization() -> None:
    auth = session(org_id=None, org_role="org:admin", org_permissions=["org:a:read"])
    assert not auth.has(role="admin") and not auth.has(permission="org:a:read")


def test_permissions_are_prefixed_on_the_asking_side_only() -> None:
    auth = session(org_permissions=["org:a:read", "org:org:b:read"])
    assert auth.has(permission="a:read") and auth.has(permission="org:org:a:read")
    assert not auth.has(permission="org:org:b:read")  # asked as org:b:read


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ("a", True),  # unscoped: either list
        ("b", True),
        ("org:a", True),
        ("o:a", True),
        ("organization:a", True),
        ("user:a", False),
        ("u:b", True),
        ("org:b", False),
        ("ou:a", False),  # not a scope of a check
        ("org:a:b", True),  # only the second piece counts
        ("org:", False),  # asks for an org feature named "org"
        ("", False),
        ("c", False),
    ],
)
def test_features(asked: str, expected: bool) -> None:
    auth = session(features=["org:a", "user:b"], plans=["user:pro"])
    assert auth.has(feature=asked) is expected
    assert auth.has(plan="pro") and not auth.has(plan=asked)


def test_an_org_feature_counts_without_an_organization() -> None:
    assert session(org_id=None, features=["org:a"]).has(feature="org:a")


@pytest.mark.parametrize(
    ("fva", "rule", "expected"),
    [
        ([9, 9], "strict", True),
        ([10, 10], "strict", False),  # strictly less than 10 minutes
        ([0, 10], "strict", False),
        ([100, 9], "strict", True),  # the second factor is enough
        ([9, -1], "strict", True),  # no second factor: the first
        ([-1, 9], "strict", True),
        ([9, 9], "strict_mfa", True),
        ([9, 11], "strict_mfa", False),
        ([9, -1], "strict_mfa", True),
        ([-1, 9], "strict_mfa", False),
        ([-1, -1], "lax", False),
        ([59, 59], "moderate", True),
        ([1439, 1439], "lax", True),
        ([1440, 1440], "lax", False),
        ([4, 100], Reverification("first_factor", 5), True),
        ([4.5, 100], Reverification("first_factor", 4.75), True),
        ([5, 0], {"level": "first_factor", "afterMinutes": 5}, False),
        ([0, 0], {"level": "second_factor", "after_minutes": 1}, True),
        ([-0.5, 0], "strict", False),  # a negative age other than -1
        ([0, math.inf], "strict", False),
        ([True, 0], "strict", False),
        ([0], "strict", False),
        (None, "strict", False),
    ],
)
def test_reverification(fva: list[Any] | None, rule: Any, expected: bool) -> None:
    assert session(org_id=None, fva=fva).has(reverification=rule) is expected


def test_every_part_asked_must_pass_and_one_must_be_asked() -> None:
    auth = session(org_role="org:admin", features=["org:a"], fva=[0, 0])
    assert auth.has(role="admin", feature="a", reverification="strict")
    assert not auth.has(role="admin", feature="b")
    assert not auth.has(role="member", reverification="strict")
    assert not auth.has()
    assert not session(sub=None, org_role="org:admin").has(role="admin")


def test_v1_objects_decide_the_same_way() -> None:
    auth = SessionAuthObjectV1(
        user_id="user_1",
        org_id="org_1",
        org_role="admin",
        org_permissions=["org:a:read"],
        factor_verification_age=[0, 0],
        features=["user:a"],
        plans=["org:p"],
    )
    assert auth.has(role="org:admin", permission="a:read", feature="user:a", plan="p")
    assert auth.has(reverification="strict_mfa")


NOT_SESSIONS: list[AuthObject] = [
    SignedOutAuthObject(session_status="pending"),
    APIKeyMachineAuthObject(id="ak_1", user_id="user_1", scopes=["admin"]),
    M2MMachineAuthObject(id="mt_1", machine_id="mch_1"),
    OAuthMachineAuthObject(id="oat_1", user_id="user_1"),
]


@pytest.mark.parametrize("auth", NOT_SESSIONS, ids=lambda auth: type(auth).__name__)
def test_signed_out_and_machine_objects_grant_nothing(auth: AuthObject) -> None:
    assert not auth.has(role="admin")
    assert not auth.has(reverification="lax")
    with pytest.raises(TypeError):  # but a mistake is still one
        auth.has(role=1)  # type: ignore[arg-type]


def _first_factor(minutes: object, **more: object) -> dict[str, Any]:
    return {"reverification": {"level": "first_factor", "afterMinutes": minutes, **more}}


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"role": 1}, TypeError, "str values"),
        ({"permission": ["org:a:read"]}, TypeError, "str values"),
        ({"feature": b"a"}, TypeError, "str values"),
        ({"plan": True}, TypeError, "str values"),
        ({"reverification": "strict_2fa"}, ValueError, "unknown reverification preset"),
        ({"reverification": 10}, TypeError, "preset name"),
        ({"reverification": {"level": "strong", "afterMinutes": 1}}, ValueError, "level"),
        ({"reverification": {"level": 2, "afterMinutes": 1}}, TypeError, "level"),
        ({"reverification": {"level": "first_factor"}}, ValueError, "afterMinutes"),
        ({"reverification": {"afterMinutes": 1}}, ValueError, "needs a level"),
        (_first_factor(1, x=1), ValueError, "keys"),
        (_first_factor(1, after_minutes=1), ValueError, "both"),
        (_first_factor("10"), TypeError, "number"),
        (_first_factor(True), TypeError, "number"),
        (_first_factor(0), ValueError, "above 0"),
        (_first_factor(-5), ValueError, "above 0"),
        (_first_factor(math.nan), ValueError, "finite"),
        (_first_factor(math.inf), ValueError, "finite"),
        (_first_factor(10**400), ValueError, "finite"),
    ],
)  # fmt: skip
def test_arguments_that_are_not_a_check_raise(
    arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        session().has(**arguments)


def test_has_takes_keywords_only() -> None:
    with pytest.raises(TypeError):
        session().has("admin")  # type: ignore[call-arg]


def test_reverification_rules() -> None:
    rule = Reverification("second_factor", 10.0)
    assert rule.to_json() == {"level": "second_factor", "afterMinutes": 10}
    assert Reverification("multi_factor", 0.5).to_json()["afterMinutes"] == 0.5
    assert Reverification.of("strict") == Reverification("second_factor", 10)
    assert Reverification.of({"level": "multi_factor", "afterMinutes": 10}) == Reverification.of(
        "strict_mfa"
    )
    assert Reverification.of(rule) is rule
    with pytest.raises(TypeError):
        Reverification.of(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="level"):
        Reverification("second", 10)  # type: ignore[arg-type]
