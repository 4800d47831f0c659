"""Organization permissions, roles and role sets through the real client, with Clerk's rules."""

from __future__ import annotations

import pytest

from clerk_async import (
    BadRequestError,
    Clerk,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    UnprocessableEntityError,
)
from clerk_async.models import Role

SYSTEM = {
    "org:sys_profile:manage",
    "org:sys_profile:delete",
    "org:sys_memberships:read",
    "org:sys_memberships:manage",
    "org:sys_domains:read",
    "org:sys_domains:manage",
    "org:sys_billing:read",
    "org:sys_billing:manage",
    "org:sys_entconns:manage",
}


async def _role(clerk: Clerk, key: str) -> Role:
    (found,) = [r async for r in clerk.paginate(clerk.organization_roles.list) if r.key == key]
    return found


async def _permission_ids(clerk: Clerk, *keys: str) -> list[str]:
    ids = {p.key: p.id for p in await clerk.organization_permissions.list(limit=100)}
    return [ids[key] for key in keys]


async def test_clerks_system_roles_and_permissions_exist_from_the_start(clerk: Clerk) -> None:
    permissions = await clerk.organization_permissions.list(limit=100)
    admin, member = await _role(clerk, "org:admin"), await _role(clerk, "org:member")
    (role_set,) = await clerk.role_sets.list()
    settings = await clerk.instance_settings.get_organization_settings()

    assert {p.key for p in permissions} == SYSTEM
    assert {p.type for p in permissions} == {"system"}
    assert {p.key for p in admin.permissions} == SYSTEM
    assert {p.key for p in member.permissions} == {
        "org:sys_memberships:read",
        "org:sys_billing:read",
    }
    assert (admin.is_creator_eligible, member.is_creator_eligible) == (True, False)
    assert (role_set.key, role_set.type) == ("role_set:default", "initial")
    assert [r.key for r in role_set.roles] == ["org:admin", "org:member"]
    assert role_set.creator_role is not None and role_set.creator_role.key == "org:admin"
    assert role_set.default_role is not None and role_set.default_role.key == "org:member"
    assert (settings.creator_role, settings.max_allowed_memberships) == ("org:admin", 5)


async def test_custom_permissions_and_their_key_rules(clerk: Clerk) -> None:
    created = await clerk.organization_permissions.create(
        name="Create invoices", key="org:invoices:create", description="Bill people"
    )
    assert (created.type, created.key, created.description) == (
        "user",
        "org:invoices:create",
        "Bill people",
    )
    for key, code in (
        ("org:sys_invoices:create", "form_param_value_invalid"),
        ("invoices:create", "form_param_format_invalid"),
        ("org:invoices", "form_param_format_invalid"),
        ("org:Invoices:create", "form_param_format_invalid"),
        ("org:invoices:create", "form_identifier_exists"),
    ):
        with pytest.raises(UnprocessableEntityError) as refused:
            await clerk.organization_permissions.create(name="X", key=key)
        assert (refused.value.code, refused.value.errors[0].meta) == (code, {"param_name": "key"})

    renamed = await clerk.organization_permissions.update(
        created.id, name="Issue invoices", key="org:invoices:issue"
    )
    assert (renamed.name, renamed.key) == ("Issue invoices", "org:invoices:issue")
    assert (await clerk.organization_permissions.get(created.id)).key == "org:invoices:issue"
    found = await clerk.organization_permissions.list(query="issue")
    assert [p.id for p in found] == [created.id]

    (system_id,) = await _permission_ids(clerk, "org:sys_profile:manage")
    with pytest.raises(PermissionDeniedError) as frozen:
        await clerk.organization_permissions.update(system_id, name="Mine now")
    assert frozen.value.code == "organization_system_permission_not_modifiable"
    with pytest.raises(PermissionDeniedError):
        await clerk.organization_permissions.delete(system_id)

    role = await clerk.organization_roles.create(
        name="Billing", key="org:billing", permissions=[created.id]
    )
    deleted = await clerk.organization_permissions.delete(created.id)
    assert (deleted.id, deleted.deleted) == (created.id, True)
    assert (await clerk.organization_roles.get(role.id)).permissions == []
    with pytest.raises(NotFoundError):
        await clerk.organization_permissions.get(created.id)


async def test_custom_roles_assign_and_remove_permissions(clerk: Clerk) -> None:
    read = await clerk.organization_permissions.create(name="Read", key="org:reports:read")
    role = await clerk.organization_roles.create(
        name="Analyst", key="org:analyst", description="Reads reports", permissions=[read.id]
    )
    assert (role.key, role.name, role.description) == ("org:analyst", "Analyst", "Reads reports")
    assert [p.key for p in role.permissions] == ["org:reports:read"]
    assert role.is_creator_eligible is False

    for kwargs, error, code in (
        ({"key": "analyst"}, UnprocessableEntityError, "form_param_format_invalid"),
        ({"key": "org:analyst"}, UnprocessableEntityError, "form_identifier_exists"),
        ({"key": "org:x", "permissions": ["perm_nope"]}, NotFoundError, "resource_not_found"),
    ):
        with pytest.raises(error) as refused:
            await clerk.organization_roles.create(name="X", **kwargs)
        assert refused.value.code == code

    manage_ids = await _permission_ids(clerk, "org:sys_memberships:manage")
    assigned = await clerk.organization_roles.assign_permission(role.id, manage_ids[0])
    assert [p.key for p in assigned.permissions] == [
        "org:reports:read",
        "org:sys_memberships:manage",
    ]
    with pytest.raises(ConflictError) as twice:
        await clerk.organization_roles.assign_permission(role.id, manage_ids[0])
    assert twice.value.code == "organization_role_permission_association_exists"
    removed = await clerk.organization_roles.remove_permission(role.id, read.id)
    assert [p.key for p in removed.permissions] == ["org:sys_memberships:manage"]
    with pytest.raises(NotFoundError):
        await clerk.organization_roles.remove_permission(role.id, read.id)

    replaced = await clerk.organization_roles.update(
        role.id, name="Report reader", permissions=[read.id]
    )
    assert (replaced.name, [p.key for p in replaced.permissions]) == (
        "Report reader",
        ["org:reports:read"],
    )
    by_name = await clerk.organization_roles.list(query="report", order_by="name")
    assert [r.key for r in by_name] == ["org:analyst"]
    newest_first = await clerk.organization_roles.list()
    assert [r.key for r in newest_first] == ["org:analyst", "org:member", "org:admin"]


async def test_at_most_ten_custom_roles(clerk: Clerk) -> None:
    for index in range(10):
        await clerk.organization_roles.create(name=f"Role {index}", key=f"org:role_{index}")
    with pytest.raises(PermissionDeniedError) as full:
        await clerk.organization_roles.create(name="One more", key="org:one_more")
    assert full.value.code == "organization_instance_roles_quota_exceeded"


async def test_a_member_role_must_be_in_the_organizations_role_set(clerk: Clerk) -> None:
    owner, user = await clerk.users.create(), await clerk.users.create()
    org = await clerk.organizations.create(name="Acme", created_by=owner.id)
    read = await clerk.organization_permissions.create(name="Read", key="org:reports:read")
    await clerk.organization_roles.create(name="Analyst", key="org:analyst", permissions=[read.id])

    for role in ("org:analyst", "org:nobody", "admin"):
        with pytest.raises(NotFoundError) as unknown:
            await clerk.organization_memberships.create(org.id, user_id=user.id, role=role)
        assert unknown.value.code == "resource_not_found"
        assert unknown.value.errors[0].meta == {"param_name": "role"}
    assert org.role_set_key == "role_set:default"

    await clerk.role_sets.add_roles("role_set:default", role_keys=["org:analyst"])
    member = await clerk.organization_memberships.create(
        org.id, user_id=user.id, role="org:analyst"
    )
    assert (member.role, member.role_name, member.permissions) == (
        "org:analyst",
        "Analyst",
        ["org:reports:read"],
    )
    with pytest.raises(NotFoundError):
        await clerk.organization_memberships.update(org.id, user.id, role="org:nobody")
    invitation = await clerk.organization_invitations.create(
        org.id, email_address="new@example.com", role="org:analyst"
    )
    assert (invitation.role, invitation.role_name) == ("org:analyst", "Analyst")


async def test_a_renamed_role_follows_into_memberships(clerk: Clerk) -> None:
    owner, user = await clerk.users.create(), await clerk.users.create()
    org = await clerk.organizations.create(name="Acme", created_by=owner.id)
    role = await clerk.organization_roles.create(
        name="Viewer", key="org:viewer", include_in_initial_role_set=True
    )
    await clerk.organization_memberships.create(org.id, user_id=user.id, role="org:viewer")

    await clerk.organization_roles.update(role.id, key="org:watcher", name="Watcher")

    members = {m.role for m in await clerk.organization_memberships.list(org.id)}
    assert members == {"org:admin", "org:watcher"}
    watcher = await clerk.users.get_organization_memberships(user.id)
    assert [(m.role, m.role_name) for m in watcher] == [("org:watcher", "Watcher")]


async def test_a_role_in_use_cannot_be_deleted(clerk: Clerk) -> None:
    owner, user = await clerk.users.create(), await clerk.users.create()
    org = await clerk.organizations.create(name="Acme", created_by=owner.id)
    admin, member = await _role(clerk, "org:admin"), await _role(clerk, "org:member")
    viewer = await clerk.organization_roles.create(
        name="Viewer", key="org:viewer", include_in_initial_role_set=True
    )
    guest = await clerk.organization_roles.create(
        name="Guest", key="org:guest", include_in_initial_role_set=True
    )
    await clerk.organization_memberships.create(org.id, user_id=user.id, role="org:viewer")
    invitation = await clerk.organization_invitations.create(
        org.id, email_address="guest@example.com", role="org:guest"
    )

    for role_id, code in (
        (admin.id, "organization_role_default_creator_role"),
        (member.id, "organization_role_domain_default_role"),
        (viewer.id, "organization_role_assigned_members"),
        (guest.id, "organization_role_exists_in_invitations"),
    ):
        with pytest.raises(UnprocessableEntityError) as refused:
            await clerk.organization_roles.delete(role_id)
        assert refused.value.code == code

    await clerk.organization_memberships.delete(org.id, user.id)
    await clerk.organization_invitations.revoke(org.id, invitation.id)
    for role in (viewer, guest):
        deleted = await clerk.organization_roles.delete(role.id)
        assert (deleted.id, deleted.deleted) == (role.id, True)
    role_set = await clerk.role_sets.get("role_set:default")
    assert [r.key for r in role_set.roles] == ["org:admin", "org:member"]
    with pytest.raises(NotFoundError):
        await clerk.organization_roles.get(viewer.id)


async def test_the_creator_role_keeps_what_a_creator_needs(clerk: Clerk) -> None:
    admin = await _role(clerk, "org:admin")
    (manage,) = await _permission_ids(clerk, "org:sys_memberships:manage")
    with pytest.raises(UnprocessableEntityError) as refused:
        await clerk.organization_roles.remove_permission(admin.id, manage)
    assert refused.value.code == "organization_missing_creator_role_permissions"
    with pytest.raises(UnprocessableEntityError):
        await clerk.organization_roles.update(admin.id, permissions=[])

    member = await _role(clerk, "org:member")
    with pytest.raises(UnprocessableEntityError) as unfit:
        await clerk.instance_settings.update_organization_settings(creator_role_id=member.id)
    assert unfit.value.code == "organization_missing_creator_role_permissions"


async def test_role_sets_decide_roles_and_the_creators_role(clerk: Clerk) -> None:
    owner, user = await clerk.users.create(), await clerk.users.create()
    needed = await _permission_ids(
        clerk, "org:sys_memberships:manage", "org:sys_memberships:read", "org:sys_profile:delete"
    )
    owner_role = await clerk.organization_roles.create(
        name="Owner", key="org:owner", permissions=needed
    )
    await clerk.organization_roles.create(name="Viewer", key="org:viewer")

    with pytest.raises(UnprocessableEntityError) as unfit:
        await clerk.role_sets.create(
            name="Team",
            roles=["org:owner", "org:viewer"],
            default_role_key="org:viewer",
            creator_role_key="org:viewer",
        )
    assert unfit.value.code == "organization_missing_creator_role_permissions"
    with pytest.raises(UnprocessableEntityError):
        await clerk.role_sets.create(
            name="Team",
            roles=["org:owner"],
            default_role_key="org:viewer",
            creator_role_key="org:owner",
        )
    team = await clerk.role_sets.create(
        name="Team plan",
        roles=["org:owner", "org:viewer"],
        default_role_key="org:viewer",
        creator_role_key="org:owner",
    )
    assert (team.key, team.type) == ("role_set:team_plan", "custom")

    org = await clerk.organizations.create(name="Acme", created_by=owner.id, role_set_key=team.key)
    assert org.role_set_key == "role_set:team_plan"
    (creator,) = await clerk.organization_memberships.list(org.id)
    assert creator.role == "org:owner"
    with pytest.raises(NotFoundError):  # admin is not in this organization's role set
        await clerk.organization_memberships.create(org.id, user_id=user.id, role="org:admin")
    await clerk.organization_memberships.create(org.id, user_id=user.id, role="org:viewer")

    initial = await clerk.role_sets.update(team.key, type="initial")
    assert initial.type == "initial"
    assert (await clerk.role_sets.get("role_set:default")).type == "custom"
    later = await clerk.organizations.create(name="Later", created_by=user.id)
    assert later.role_set_key == team.key
    assert owner_role.id in {r.id for r in initial.roles}


async def test_replacing_a_role_set_or_a_role_moves_the_members(clerk: Clerk) -> None:
    owner, user = await clerk.users.create(), await clerk.users.create()
    await clerk.organization_roles.create(
        name="Viewer", key="org:viewer", include_in_initial_role_set=True
    )
    org = await clerk.organizations.create(name="Acme", created_by=owner.id)
    await clerk.organization_memberships.create(org.id, user_id=user.id, role="org:viewer")
    slim = await clerk.role_sets.create(
        name="Slim",
        key="role_set:slim",
        roles=["org:admin", "org:member"],
        default_role_key="org:member",
        creator_role_key="org:admin",
    )

    with pytest.raises(UnprocessableEntityError) as unmapped:
        await clerk.role_sets.replace("role_set:default", dest_role_set_key=slim.key)
    assert unmapped.value.errors[0].meta == {"param_name": "reassignment_mappings"}
    with pytest.raises(UnprocessableEntityError):  # the new set lacks a member's role
        await clerk.organizations.update(org.id, role_set_key=slim.key)

    moved = await clerk.role_sets.replace(
        "role_set:default",
        dest_role_set_key=slim.key,
        reassignment_mappings={"org:viewer": "org:member"},
    )
    assert moved.deleted
    assert (await clerk.organizations.get(org.id)).role_set_key == slim.key
    roles = {
        m.public_user_data.user_id: m.role
        for m in await clerk.organization_memberships.list(org.id)
        if m.public_user_data
    }
    assert roles == {owner.id: "org:admin", user.id: "org:member"}
    assert (await clerk.role_sets.get(slim.key)).type == "initial"

    swapped = await clerk.role_sets.replace_role(
        slim.key, role_key="org:member", to_role_key="org:admin"
    )
    assert [r.key for r in swapped.roles] == ["org:admin"]
    assert swapped.default_role is not None and swapped.default_role.key == "org:admin"
    assert {m.role for m in await clerk.organization_memberships.list(org.id)} == {"org:admin"}
    with pytest.raises(BadRequestError):
        await clerk.organization_memberships.create(org.id, user_id=user.id, role="org:admin")
