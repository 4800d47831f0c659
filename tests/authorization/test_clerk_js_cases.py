"""Clerk JS's own test cases for ``has()``, its payload parser and its auth objects, as data.

Restated from clerk/javascript (``packages/shared/src/__tests__/authorization.spec.ts`` and
``jwtPayloadParser.spec.ts``, ``packages/backend/src/tokens/__tests__/authObjects.test.ts``,
``packages/clerk-js/src/core/resources/__tests__/Session.test.ts``), each run through our
``to_auth()`` from the claims a token would carry. Where Clerk JS answers ``False`` to an argument
its types reject (``role=123``, ``reverification="invalid-value"``), we raise instead: those cases
are in ``ARGUMENT_ERRORS``.
"""

from __future__ import annotations

from typing import Any

import pytest

from clerk_async.security import (
    AuthObject,
    AuthStatus,
    RequestState,
    SessionAuthObjectV1,
    SessionAuthObjectV2,
    TokenType,
)

PERMISSIONS_54 = ",".join(f"permission_{i}" for i in range(54))


def auth_of(**claims: Any) -> AuthObject:
    payload = {"sub": "user_123", "sid": "sess_123", **claims}
    state = RequestState(AuthStatus.SIGNED_IN, None, "token", payload, TokenType.SESSION_TOKEN)
    return state.to_auth()


def v1(
    org_id: object = "org_123",
    org_role: object = "org:admin",
    org_permissions: object = ("org:read",),
    fea: object = "",
    pla: object = "",
    fva: object = (0, 0),
) -> AuthObject:
    """A v1 token with these claims (the options of Clerk JS's ``createCheckAuthorization``)."""
    return auth_of(
        org_id=org_id,
        org_role=org_role,
        org_permissions=list(org_permissions)
        if isinstance(org_permissions, tuple)
        else org_permissions,
        fea=fea,
        pla=pla,
        fva=list(fva) if isinstance(fva, tuple) else fva,
    )


def v2(**claims: Any) -> AuthObject:
    return auth_of(v=2, **claims)


# (what Clerk JS's test says, the auth object, [(has() arguments, Clerk JS's answer)])
CASES: list[tuple[str, AuthObject, list[tuple[dict[str, Any], bool]]]] = [
    (
        "features in every scope spelling",
        v1(org_role="admin", fea="o:reservations,u:dashboard", pla="free_user,plus_user"),
        [
            ({"feature": "o:reservations"}, True),
            ({"feature": "org:reservations"}, True),
            ({"feature": "organization:reservations"}, True),
            ({"feature": "reservations"}, True),
            ({"feature": "u:dashboard"}, True),
            ({"feature": "user:dashboard"}, True),
            ({"feature": "dashboard"}, True),
            ({"feature": "lol:dashboard"}, False),
            ({"plan": "free_user"}, False),  # the plans claim has no scopes: malformed
        ],
    ),
    ("a role claim that is not a string", v1(org_role=123), [({"role": "org:admin"}, False)]),
    (
        "a permissions claim that is not a list",
        v1(org_permissions={}),
        [({"permission": "org:sys_profile:delete"}, False)],
    ),
    ("a features claim that is not a string", v1(fea={}), [({"feature": "org:premium"}, False)]),
    ("a plans claim that is not a string", v1(pla={}), [({"plan": "u:plus"}, False)]),
    ("nothing asked", v1(fea="o:premium", pla="u:plus"), [({}, False)]),
    (
        "an organization check without an organization",
        v1(org_id=None, org_role=None, org_permissions=None),
        [
            ({"permission": "org:sys_profile:delete", "reverification": "strict"}, False),
            ({"role": "org:admin", "reverification": "strict"}, False),
        ],
    ),
    (
        "no fva claim",
        v1(org_permissions=("org:sys_profile:delete",), fva=None),
        [({"permission": "org:sys_profile:delete", "reverification": "strict"}, False)],
    ),
    ("fva of strings", v1(fva=("0", "0")), [({"reverification": "strict_mfa"}, False)]),
    ("a negative age other than -1", v1(fva=(-0.5, 0)), [({"reverification": "strict"}, False)]),
    (
        "organization and billing both asked",
        v1(org_permissions=("org:sys_memberships:read",), fea="o:reservations", pla="u:plus"),
        [
            ({"permission": "org:sys_profile:delete", "feature": "org:reservations"}, False),
            ({"permission": "org:sys_memberships:read", "feature": "org:reservations"}, True),
            ({"role": "org:admin", "permission": "org:sys_profile:delete"}, False),
            ({"role": "org:admin", "permission": "org:sys_memberships:read"}, True),
            ({"role": "org:member", "permission": "org:sys_memberships:read"}, False),
            ({"feature": "org:reservations", "plan": "u:plus"}, True),
            ({"feature": "org:reservations", "plan": "u:free"}, False),
            ({"feature": "org:missing", "plan": "u:plus"}, False),
            ({"role": "org:admin", "feature": "org:missing"}, False),
            ({"role": "org:admin", "plan": "u:free"}, False),
            ({"role": "org:admin", "feature": "org:reservations"}, True),
            (
                {
                    "permission": "org:sys_memberships:read",
                    "feature": "org:reservations",
                    "reverification": "strict",
                },
                True,
            ),
            ({"permission": "org:sys_memberships:read", "reverification": "strict"}, True),
        ],
    ),
    (
        "an empty features claim",
        v1(fea=""),
        [
            ({"feature": "org:premium"}, False),
            ({"feature": "org:premium", "reverification": "strict"}, False),
        ],
    ),
    (
        "no second factor: multi-factor falls back to the first",
        v1(org_permissions=("org:sys_memberships:read",), fva=(0, -1)),
        [({"permission": "org:sys_memberships:read", "reverification": "strict_mfa"}, True)],
    ),
    (
        "no factor at all",
        v1(org_permissions=("org:sys_memberships:read",), fva=(-1, -1)),
        [({"permission": "org:sys_memberships:read", "reverification": "strict"}, False)],
    ),
    # authObjects.test.ts
    (
        "v1 token without an organization",
        auth_of(act={"sub": "actor"}),
        [
            ({"role": "org:admin"}, False),
            ({"role": "admin"}, False),
            ({"permission": "org:f1:read"}, False),
            ({"permission": "f1:read"}, False),
            ({"feature": "org:reservations"}, False),
        ],
    ),
    *[
        (
            f"v1 token with the role {role!r}",
            auth_of(
                org_id="orgId",
                org_role=role,
                org_slug="orgSlug",
                org_permissions=["org:f1:read", "org:f2:manage"],
            ),
            [
                ({"role": "org:admin"}, True),
                ({"role": "admin"}, True),
                ({"permission": "org:f1:read"}, True),
                ({"permission": "f1:read"}, True),
                ({"permission": "org:f1"}, False),
                ({"permission": "org:f2:manage"}, True),
                ({"permission": "org:f2"}, False),
                ({"feature": "org:reservations"}, False),
            ],
        )
        for role in ("org:admin", "admin")
    ],
    (
        "v2 token with an organization",
        v2(
            fea="o:reservations,o:impersonation",
            o={"id": "orgId", "rol": "admin", "slg": "orgSlug", "per": "read,manage", "fpm": "3"},
        ),
        [
            ({"role": "org:admin"}, True),
            ({"role": "admin"}, True),
            ({"permission": "org:reservations:read"}, True),
            ({"permission": "reservations:read"}, True),
            ({"permission": "org:reservations"}, False),
            ({"permission": "org:reservations:manage"}, True),
            ({"permission": "org:impersonation:read"}, False),
            ({"permission": "org:impersonation:manage"}, False),
            ({"feature": "org:reservations"}, True),
            ({"feature": "org:impersonation"}, True),
        ],
    ),
    (
        "v2 token whose role already has the prefix",
        v2(fea="o:reservations", o={"id": "orgId", "rol": "org:admin", "per": "read", "fpm": "1"}),
        [({"role": "org:admin"}, True), ({"role": "admin"}, True)],
    ),
    (
        "v2 token with scoped features and plans",
        v2(
            fea="o:reservations,u:dashboard,uo:support-chat,o:impersonation",
            o={
                "id": "orgId",
                "rol": "member",
                "slg": "orgSlug",
                "per": "read,manage",
                "fpm": "2,3",
            },
            pla="u:pro,o:business",
        ),
        [
            ({"permission": "org:reservations:read"}, False),
            ({"permission": "org:reservations:manage"}, True),
            ({"permission": "org:support-chat:read"}, True),
            ({"permission": "org:support-chat:manage"}, True),
            ({"permission": "u:dashboard:manage"}, False),
            ({"permission": "u:dashboard:read"}, False),
            ({"feature": "org:reservations"}, True),
            ({"feature": "user:reservations"}, False),
            ({"feature": "org:impersonation"}, True),
            ({"feature": "user:impersonation"}, False),
            ({"feature": "org:dashboard"}, False),
            ({"feature": "user:dashboard"}, True),
            ({"feature": "org:support-chat"}, True),
            ({"feature": "user:support-chat"}, True),
            ({"plan": "org:business"}, True),
            ({"plan": "user:business"}, False),
            ({"plan": "org:pro"}, False),
            ({"plan": "user:pro"}, True),
            ({"feature": "reservations"}, True),
            ({"feature": "dashboard"}, True),
            ({"feature": "pro"}, False),
            ({"feature": "impersonation"}, True),
            ({"plan": "pro"}, True),
            ({"plan": "business"}, True),
        ],
    ),
    # jwtPayloadParser.spec.ts: masks beyond 2**53 are decoded exactly
    *[
        (
            f"the mask {mask}",
            v2(
                fea="o:feature",
                o={"id": "org_id", "rol": "admin", "per": PERMISSIONS_54, "fpm": mask},
            ),
            [
                ({"permission": f"org:feature:permission_{i}"}, i in granted)
                for i in (0, 1, 2, 4, 53)
            ],
        )
        for mask, granted in [
            ("9007199254740993", {0, 53}),
            ("9007199254740995", {0, 1, 53}),
            ("18014398509481984", set()),
            ("1", {0}),
            ("3", {0, 1}),
            ("7", {0, 1, 2}),
            ("21", {0, 2, 4}),
            ("1invalid", set()),
            ("-1", set()),
            ("1.5", set()),
        ]
    ],
    (
        "masks stay aligned past a feature without permissions",
        v2(
            fea="o:repositories,o:impersonation,o:billing",
            o={"id": "org_id", "rol": "admin", "per": "manage,read,update", "fpm": "6,0,3"},
        ),
        [
            ({"permission": "org:impersonation:manage"}, False),
            ({"permission": "org:billing:manage"}, True),
        ],
    ),
]

# Session.test.ts (clerk-js): fva against a rule; (fva, rule, Clerk JS's answer).
REVERIFICATION: list[tuple[list[Any] | None, Any, bool]] = [
    ([0, 0], {"level": "multi_factor", "afterMinutes": 10}, True),
    ([0, 10], {"level": "multi_factor", "afterMinutes": 10}, False),
    ([10, 0], {"level": "multi_factor", "afterMinutes": 10}, False),
    ([0, 11], {"level": "multi_factor", "afterMinutes": 10}, False),
    ([0, -1], {"level": "multi_factor", "afterMinutes": 10}, True),
    ([11, -1], "strict", False),
    ([0, -1], "strict_mfa", True),
    ([11, -1], {"level": "multi_factor", "afterMinutes": 10}, False),
    (None, {"level": "multi_factor", "afterMinutes": 10}, False),
    (None, {"level": "first_factor", "afterMinutes": 10}, False),
    (None, "strict", False),
    ([-1, 0], {"level": "multi_factor", "afterMinutes": 10}, False),
    ([-1, 0], {"level": "first_factor", "afterMinutes": 10}, False),
    ([-1, 0], "strict", True),
]

# Arguments Clerk JS's types reject: Clerk JS answers False, we raise.
ARGUMENT_ERRORS: list[tuple[dict[str, Any], type[Exception]]] = [
    ({"role": 123}, TypeError),
    ({"permission": 123}, TypeError),
    ({"feature": ["org:a"]}, TypeError),
    ({"plan": b"u:plus"}, TypeError),
    ({"reverification": "invalid-value"}, ValueError),
    ({"reverification": 123}, TypeError),
    ({"reverification": {"level": "any level", "afterMinutes": 10}}, ValueError),
    ({"reverification": {"level": "multiFactor", "afterMinutes": 10}}, ValueError),
    ({"reverification": {"level": "first_factor", "afterMinutes": "10"}}, TypeError),
    ({"reverification": {"level": "multi_factor"}}, ValueError),
    ({"reverification": {"level": "multi_factor", "afterMinutes": 0}}, ValueError),
    ({"reverification": {"level": "multi_factor", "afterMinutes": -1}}, ValueError),
]


@pytest.mark.parametrize(("name", "auth", "checks"), CASES, ids=[case[0] for case in CASES])
def test_clerk_js_cases(
    name: str, auth: AuthObject, checks: list[tuple[dict[str, Any], bool]]
) -> None:
    assert [auth.has(**check) for check, _ in checks] == [expected for _, expected in checks]


@pytest.mark.parametrize(("fva", "rule", "expected"), REVERIFICATION)
def test_clerk_js_reverification_cases(fva: list[Any] | None, rule: Any, expected: bool) -> None:
    assert v1(org_id=None, fva=fva).has(reverification=rule) is expected


@pytest.mark.parametrize(("check", "error"), ARGUMENT_ERRORS)
def test_arguments_clerk_js_types_reject_raise(
    check: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        v1().has(**check)


def test_v2_without_an_organization_reads_like_v1() -> None:
    """jwtPayloadParser.spec.ts: no ``o``, no organization fields, as a v1 token without one."""
    with_v2 = v2(fea="u:impersonation,u:memberships")
    with_v1 = auth_of()
    assert isinstance(with_v2, SessionAuthObjectV2) and isinstance(with_v1, SessionAuthObjectV1)
    for auth in (with_v2, with_v1):
        assert (auth.org_id, auth.org_role, auth.org_slug, auth.org_permissions) == (None,) * 4


def test_v2_organization_reads_like_its_v1_equivalent() -> None:
    org = {"id": "org_xxxxxxx", "rol": "admin", "slg": "org_test", "per": "read,manage", "fpm": "3"}
    with_v2 = v2(fea="o:impersonation", o=org)
    with_v1 = auth_of(
        org_id="org_xxxxxxx",
        org_role="org:admin",
        org_slug="org_test",
        org_permissions=["org:impersonation:read", "org:impersonation:manage"],
    )
    fields = ("user_id", "session_id", "org_id", "org_role", "org_slug", "org_permissions")
    assert [getattr(with_v2, name) for name in fields] == [
        getattr(with_v1, name) for name in fields
    ]


# (fea, per, fpm, the permissions granted without their "org:" prefix)
PERMISSION_VECTORS = [
    ("o:impersonation,o:memberships", "read,manage", "1,3",
     "impersonation:read memberships:read memberships:manage"),
    ("o:impersonation,o:memberships,o:feature3", "read,manage", "1,3,0",
     "impersonation:read memberships:read memberships:manage"),
    ("uo:impersonation,o:memberships,uo:feature3", "read,manage", "1,3,1",
     "impersonation:read memberships:read memberships:manage feature3:read"),
    ("ou:memberships,u:impersonation", "read,manage", "3,0",
     "memberships:read memberships:manage"),
    ("o:billing,o:email,o:fraud,o:instance,o:staging_plans", "manage,read", "3,3,3,3,1",
     "billing:manage billing:read email:manage email:read fraud:manage fraud:read "
     "instance:manage instance:read staging_plans:manage"),
    ("o:repositories,o:projects,o:webhooks,o:impersonation", "read,manage", "1,2,3,0",
     "repositories:read projects:manage webhooks:read webhooks:manage"),
    ("o:repositories,uo:projects,u:goldprofileborder", "read,create,update,delete,revoke",
     "7,21,0", "repositories:read repositories:create repositories:update projects:read "
     "projects:update projects:revoke"),
    ("u:impersonation,u:memberships,u:feature3", None, None, ""),
]  # fmt: skip


@pytest.mark.parametrize(("fea", "per", "fpm", "expected"), PERMISSION_VECTORS)
def test_clerk_js_permission_vectors(
    fea: str, per: str | None, fpm: str | None, expected: str
) -> None:
    org = {"id": "org_id", "rol": "admin", "slg": "org_slug", "per": per, "fpm": fpm}
    auth = v2(fea=fea, o={key: value for key, value in org.items() if value is not None})
    assert isinstance(auth, SessionAuthObjectV2)
    assert auth.org_permissions == ["org:" + name for name in expected.split()]
    assert auth.org_role == "org:admin"
