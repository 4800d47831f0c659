"""Organizations and memberships through the real client: Clerk's creator, member-limit and
one-membership rules, and the instance's organization settings."""

from __future__ import annotations

import pytest

from clerk_async import (
    BadRequestError,
    Clerk,
    NotFoundError,
    PermissionDeniedError,
    UnprocessableEntityError,
)

from .support import Api


async def test_the_creator_becomes_an_admin_and_must_exist(clerk: Clerk) -> None:
    owner = await clerk.users.create(first_name="Olga")
    org = await clerk.organizations.create(name="Acme", created_by=owner.id)

    (membership,) = await clerk.organization_memberships.list(org.id)
    assert membership.public_user_data is not None
    assert (membership.public_user_data.user_id, membership.role) == (owner.id, "org:admin")
    assert "org:sys_memberships:manage" in (membership.permissions or [])
    with pytest.raises(BadRequestError) as missing:
        await clerk.organizations.create(name="Ghost town", created_by="user_nobody")
    assert missing.value.code == "organization_creator_not_found"
    assert [o.name for o in await clerk.organizations.list()] == ["Acme"]


async def test_one_membership_per_user_and_organization(clerk: Clerk) -> None:
    user = await clerk.users.create(email_address=["ada@example.com"])
    org = await clerk.organizations.create(name="Acme")
    await clerk.organization_memberships.create(org.id, user_id=user.id, role="org:member")

    with pytest.raises(BadRequestError) as again:
        await clerk.organization_memberships.create(org.id, user_id=user.id, role="org:admin")
    with pytest.raises(BadRequestError) as invited:
        await clerk.organization_invitations.create(
            org.id, email_address="ada@example.com", role="org:member"
        )

    assert again.value.code == invited.value.code == "already_a_member_in_organization"
    assert [m.role for m in await clerk.organization_memberships.list(org.id)] == ["org:member"]


async def test_slugs_are_unique(clerk: Clerk) -> None:
    await clerk.organizations.create(name="Acme", slug="acme")
    with pytest.raises(UnprocessableEntityError) as taken:
        await clerk.organizations.create(name="Other", slug="acme")
    assert (taken.value.code, taken.value.errors[0].meta) == (
        "form_identifier_exists",
        {"param_name": "slug"},
    )


async def test_five_members_by_default_invitations_included(clerk: Clerk) -> None:
    users = [await clerk.users.create() for _ in range(6)]
    org = await clerk.organizations.create(name="Acme", created_by=users[0].id)
    assert org.max_allowed_memberships == 5
    for user in users[1:4]:
        await clerk.organization_memberships.create(org.id, user_id=user.id, role="org:member")
    invitation = await clerk.organization_invitations.create(
        org.id, email_address="pending@example.com", role="org:member"
    )

    with pytest.raises(PermissionDeniedError) as full:
        await clerk.organization_memberships.create(org.id, user_id=users[5].id, role="org:member")
    with pytest.raises(PermissionDeniedError):
        await clerk.organization_invitations.create(
            org.id, email_address="late@example.com", role="org:member"
        )
    assert full.value.code == "organization_membership_quota_exceeded"
    assert "including outstanding invitations" in (full.value.errors[0].long_message or "")

    await clerk.organization_invitations.revoke(org.id, invitation.id)
    await clerk.organization_memberships.create(org.id, user_id=users[5].id, role="org:member")
    assert len(await clerk.organization_memberships.list(org.id)) == 5


async def test_an_organizations_own_limit_and_zero_for_none(clerk: Clerk) -> None:
    users = [await clerk.users.create() for _ in range(7)]
    small = await clerk.organizations.create(name="Small", max_allowed_memberships=1)
    big = await clerk.organizations.create(name="Big", max_allowed_memberships=0)

    await clerk.organization_memberships.create(small.id, user_id=users[0].id, role="org:admin")
    with pytest.raises(PermissionDeniedError):
        await clerk.organization_memberships.create(
            small.id, user_id=users[1].id, role="org:member"
        )
    for user in users:
        await clerk.organization_memberships.create(big.id, user_id=user.id, role="org:member")
    assert len(await clerk.organization_memberships.list(big.id, limit=20)) == 7

    raised = await clerk.organizations.update(small.id, max_allowed_memberships=2)
    assert raised.max_allowed_memberships == 2
    await clerk.organization_memberships.create(small.id, user_id=users[1].id, role="org:member")


async def test_the_instance_default_applies_to_new_organizations(clerk: Clerk) -> None:
    before = await clerk.organizations.create(name="Before")
    settings = await clerk.instance_settings.update_organization_settings(
        max_allowed_memberships=2, admin_delete_enabled=False
    )
    after = await clerk.organizations.create(name="After")

    assert (settings.max_allowed_memberships, settings.admin_delete_enabled) == (2, False)
    assert (before.max_allowed_memberships, before.admin_delete_enabled) == (5, True)
    assert (after.max_allowed_memberships, after.admin_delete_enabled) == (2, False)
    assert (await clerk.instance_settings.get_organization_settings()).max_allowed_memberships == 2


async def test_the_instance_creator_role_can_change(clerk: Clerk) -> None:
    owner = await clerk.users.create()
    keys = {p.key: p.id for p in await clerk.organization_permissions.list(limit=100)}
    chief = await clerk.organization_roles.create(
        name="Chief",
        key="org:chief",
        include_in_initial_role_set=True,
        permissions=[
            keys["org:sys_memberships:manage"],
            keys["org:sys_memberships:read"],
            keys["org:sys_profile:delete"],
        ],
    )

    settings = await clerk.instance_settings.update_organization_settings(creator_role_id=chief.id)
    org = await clerk.organizations.create(name="Acme", created_by=owner.id)

    assert settings.creator_role == "org:chief"
    assert [m.role for m in await clerk.organization_memberships.list(org.id)] == ["org:chief"]
    with pytest.raises(NotFoundError):
        await clerk.instance_settings.update_organization_settings(creator_role_id="role_nope")
    with pytest.raises(UnprocessableEntityError):
        await clerk.instance_settings.update_organization_settings(max_allowed_memberships=-1)


async def test_unknown_settings_are_refused_before_anything_else(api: Api) -> None:
    reply = await api.patch(
        "/instance/organization_settings", {"creator_role_id": "role_nope", "colour": "red"}
    )
    assert (reply.status, reply.code, reply.param) == (422, "form_param_unknown", "colour")
