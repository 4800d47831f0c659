"""Session tokens as Clerk issues them (v2): ``o`` with ``per``/``fpm``, ``fea``, ``pla``, ``fva``
and ``sts`` derived from the emulator's state, read back with Clerk JS's rules."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from clerk_async import Clerk
from clerk_async.emulator import ClerkEmulator
from clerk_async.models import Organization, Session, User

from .clerk_js_claims import org_permissions, split_by_scope
from .support import Api


async def _claims(clerk: Clerk, session_id: str) -> dict[str, Any]:
    token = (await clerk.sessions.create_token(session_id)).jwt
    assert token is not None
    return await clerk.verify_token(token)  # signed by the emulator's key, checked by the client


async def _permission(clerk: Clerk, key: str) -> str:
    return (await clerk.organization_permissions.create(name=key, key=key)).id


async def _member_session(
    clerk: Clerk, role: str, *, permissions: list[str]
) -> tuple[User, Organization, Session]:
    """A user with ``role`` (made, with these permission keys) in an active organization."""
    ids = [await _permission(clerk, key) for key in permissions]
    await clerk.organization_roles.create(
        name=role, key=role, permissions=ids, include_in_initial_role_set=True
    )
    user = await clerk.users.create()
    org = await clerk.organizations.create(name="Acme")
    await clerk.organization_memberships.create(org.id, user_id=user.id, role=role)
    session = await clerk.sessions.create(user_id=user.id, active_organization_id=org.id)
    return user, org, session


async def test_per_and_fpm_decode_to_exactly_the_roles_custom_permissions(clerk: Clerk) -> None:
    custom = ["org:invoices:create", "org:reports:read", "org:reports:export"]
    _, org, session = await _member_session(
        clerk, "org:accountant", permissions=[*custom, "org:invoices:read"]
    )
    (role,) = [r for r in await clerk.organization_roles.list() if r.key == "org:accountant"]
    (invoices_read,) = [p.id for p in role.permissions if p.key == "org:invoices:read"]
    await clerk.organization_roles.remove_permission(role.id, invoices_read)
    (sys_read,) = [
        p.id
        for p in await clerk.organization_permissions.list(limit=100)
        if p.key == "org:sys_memberships:read"
    ]
    await clerk.organization_roles.assign_permission(role.id, sys_read)  # never in tokens

    claims = await _claims(clerk, session.id)

    assert claims["v"] == 2
    assert claims["o"]["id"] == org.id and claims["o"]["slg"] == org.slug
    assert claims["o"]["rol"] == "accountant"
    assert sorted(org_permissions(claims)) == sorted(custom)
    assert claims["o"]["per"] == "create,export,read"
    assert claims["fea"] == "o:invoices,o:reports"
    assert claims["o"]["fpm"] == "1,6"
    assert "pla" not in claims  # nobody is subscribed to a plan yet


async def test_roles_without_custom_permissions_carry_no_masks(clerk: Clerk) -> None:
    user = await clerk.users.create()
    org = await clerk.organizations.create(name="Acme", created_by=user.id)
    await _permission(clerk, "org:invoices:create")  # the organization has the feature
    session = await clerk.sessions.create(user_id=user.id, active_organization_id=org.id)

    claims = await _claims(clerk, session.id)

    assert claims["o"] == {"id": org.id, "rol": "admin", "slg": org.slug}
    assert claims["fea"] == "o:invoices"
    assert org_permissions(claims) == []


async def test_plans_decide_features_and_so_permissions(clerk: Clerk, emu: ClerkEmulator) -> None:
    user, org, session = await _member_session(
        clerk, "org:accountant", permissions=["org:invoices:create", "org:reports:read"]
    )
    emu.billing.create_plan("starter", payer_type="org", features=["invoices", "seats"])
    emu.billing.create_plan("pro", payer_type="user", features=["beta"])
    emu.billing.subscribe(org.id, "starter")
    emu.billing.subscribe(user.id, "pro")

    starter = await _claims(clerk, session.id)
    emu.billing.grant_features(org.id, ["reports"])
    granted = await _claims(clerk, session.id)
    emu.billing.subscribe(org.id, None)
    back = await _claims(clerk, session.id)

    assert starter["pla"] == "u:pro,o:starter"
    assert starter["fea"] == "o:invoices,o:seats,u:beta"
    assert split_by_scope(starter["fea"]) == (["invoices", "seats"], ["beta"])
    assert org_permissions(starter) == ["org:invoices:create"]  # reports is not in the plan
    assert sorted(org_permissions(granted)) == ["org:invoices:create", "org:reports:read"]
    assert back["pla"] == "u:pro"
    assert sorted(org_permissions(back)) == ["org:invoices:create", "org:reports:read"]

    plans = await clerk.billing.list_plans(payer_type="org")
    assert [(p.slug, p.is_default) for p in plans] == [("free_org", True), ("starter", False)]
    assert [f.slug for f in plans[1].features or []] == ["invoices", "seats"]
    mine = await clerk.users.get_billing_subscription(user.id)
    ours = await clerk.organizations.get_billing_subscription(org.id)
    assert [i.plan.slug for i in mine.subscription_items if i.plan] == ["pro"]
    assert [i.plan.slug for i in ours.subscription_items if i.plan] == ["free_org"]


async def test_a_user_without_an_organization_has_user_scoped_claims_only(
    clerk: Clerk, emu: ClerkEmulator
) -> None:
    user = await clerk.users.create()
    org = await clerk.organizations.create(name="Acme", created_by=user.id)
    emu.billing.create_plan("team", payer_type="org", features=["sso"])
    emu.billing.subscribe(org.id, "team")
    emu.billing.grant_features(user.id, ["beta"])
    session = await clerk.sessions.create(user_id=user.id)

    claims = await _claims(clerk, session.id)

    assert "o" not in claims and "pla" not in claims
    assert claims["fea"] == "u:beta"


async def test_billing_controls_refuse_what_clerk_would_not_have(
    clerk: Clerk, emu: ClerkEmulator
) -> None:
    user = await clerk.users.create()
    emu.billing.create_plan("team", payer_type="org")
    with pytest.raises(ValueError, match="payer_type"):
        emu.billing.create_plan("solo", payer_type="person")
    with pytest.raises(ValueError, match="exists"):
        emu.billing.create_plan("team", payer_type="org")
    with pytest.raises(ValueError, match="slug"):
        emu.billing.create_plan("Team Plan", payer_type="org")
    with pytest.raises(ValueError, match="slug"):
        emu.billing.grant_features(user.id, ["a,b"])
    with pytest.raises(ValueError, match="for org payers"):
        emu.billing.subscribe(user.id, "team")
    with pytest.raises(LookupError):
        emu.billing.subscribe("user_nobody", "team")
    with pytest.raises(ValueError, match="payer"):
        emu.billing.subscribe("sess_1", "team")


async def test_fva_counts_minutes_since_each_factor(clerk: Clerk, emu: ClerkEmulator) -> None:
    plain = await clerk.users.create()
    guarded = await clerk.users.create(backup_codes=["a1b2c3d4e5"])
    plain_session = await clerk.sessions.create(user_id=plain.id)
    guarded_session = await clerk.sessions.create(user_id=guarded.id)

    assert (await _claims(clerk, plain_session.id))["fva"] == [0, -1]
    assert (await _claims(clerk, guarded_session.id))["fva"] == [0, 0]

    emu.sessions.verify_factors(plain_session.id, first_factor_age=45, second_factor_age=15)
    assert (await _claims(clerk, plain_session.id))["fva"] == [45, 15]
    emu.sessions.verify_factors(guarded_session.id, first_factor_age=1440)
    assert (await _claims(clerk, guarded_session.id))["fva"] == [1440, -1]

    with pytest.raises(ValueError, match="second_factor_age"):
        emu.sessions.verify_factors(plain_session.id, second_factor_age=-1)
    with pytest.raises(LookupError):
        emu.sessions.verify_factors("sess_nobody")


async def test_a_session_with_tasks_is_pending(clerk: Clerk, emu: ClerkEmulator) -> None:
    user = await clerk.users.create()
    session = await clerk.sessions.create(user_id=user.id)

    pending = emu.sessions.set_tasks(session.id, ["choose-organization"])
    fetched = await clerk.sessions.get(session.id)
    claims = await _claims(clerk, session.id)
    listed = await clerk.sessions.list(user_id=user.id)

    assert pending["status"] == fetched.status == "pending"
    assert [t.key for t in fetched.tasks or []] == ["choose-organization"]
    assert claims["sts"] == "pending"
    assert [(s.id, s.status) for s in listed] == [(session.id, "pending")]

    emu.sessions.set_tasks(session.id, [])
    assert (await _claims(clerk, session.id))["sts"] == "active"
    assert (await clerk.sessions.get(session.id)).tasks is None

    with pytest.raises(ValueError, match="task"):
        emu.sessions.set_tasks(session.id, ["make-coffee"])
    emu.sessions.set_tasks(session.id, ["setup-mfa"])
    assert (await clerk.sessions.revoke(session.id)).status == "revoked"
    with pytest.raises(ValueError, match="revoked"):
        emu.sessions.set_tasks(session.id, [])


async def test_the_controls_over_http(api: Api) -> None:
    """The same controls for a server run from the command line, under /__emulator/."""
    user = await api.user()
    org = (await api.post("/organizations", {"name": "Acme", "created_by": user["id"]})).body
    session = (
        await api.post("/sessions", {"user_id": user["id"], "active_organization_id": org["id"]})
    ).body
    origin = api.emulator.origin + "/__emulator"

    async def control(method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        async with api.session.request(
            method, origin + path, json=body, headers=api.headers
        ) as reply:
            return reply.status, await reply.json()

    feature = await control("POST", "/billing/features", {"slug": "sso", "name": "SSO"})
    plan = await control(
        "POST", "/billing/plans", {"slug": "team", "payer_type": "org", "features": ["sso"]}
    )
    payer = await control("PUT", f"/billing/payers/{org['id']}", {"plan": "team"})
    ages = await control(
        "PUT",
        f"/sessions/{session['id']}",
        {"first_factor_age": 20, "second_factor_age": 5, "tasks": ["reset-password"]},
    )
    unknown = await control("PUT", "/billing/payers/org_nobody", {"plan": "team"})
    wrong = await control("POST", "/billing/plans", {"slug": "x", "payer_type": "robot"})
    missing = await control("POST", "/billing/plans", {"payer_type": "org"})

    assert (feature[0], feature[1]["name"]) == (200, "SSO")
    assert (plan[0], [f["slug"] for f in plan[1]["features"]]) == (200, ["sso"])
    assert payer[1]["subscription_items"][0]["plan"]["slug"] == "team"
    assert (ages[0], ages[1]["status"]) == (200, "pending")
    assert [status for status, _ in (unknown, wrong, missing)] == [404, 422, 422]
    token = (await api.post(f"/sessions/{session['id']}/tokens")).body["jwt"]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert (claims["pla"], claims["fea"], claims["fva"], claims["sts"]) == (
        "o:team",
        "o:sso",
        [20, 5],
        "pending",
    )


async def test_a_deleted_active_organization_leaves_the_token_without_o(clerk: Clerk) -> None:
    user = await clerk.users.create()
    org = await clerk.organizations.create(name="Acme", created_by=user.id)
    session = await clerk.sessions.create(user_id=user.id, active_organization_id=org.id)
    await clerk.organizations.delete(org.id)

    claims = await _claims(clerk, session.id)

    assert "o" not in claims and claims["sub"] == user.id
