"""Auth0's organizations, members and member roles, as the Management API returns them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clerk_async.emulator import ClerkEmulator
from clerk_async.migrate.mapping import map_record
from clerk_async.migrate.readers import read_roles
from clerk_async.migrate.records import (
    MappedMembership,
    MappedOrganization,
    PermissionDefinition,
    RoleDefinition,
    SourceError,
    SourceFileError,
)
from tests.migrate.org_support import held, slugs
from tests.migrate.source_kill import external_ids, import_killed_and_resumed
from tests.migrate.support import ndjson, read_all, write

ORGANIZATIONS: list[dict[str, Any]] = [  # GET /api/v2/organizations, as the API answers it
    {"id": "org_acme", "name": "acme_inc", "display_name": "Acme, Inc.",
     "branding": {"logo_url": "https://example.com/acme.png",
                  "colors": {"primary": "#0050ff", "page_background": "#ffffff"}},
     "metadata": {"plan": "enterprise"}},
    {"id": "org_globex", "name": "globex"},
]  # fmt: skip


#: Members per organization: within a development instance's default limit of 5.
PER = 5


def members_page(organization: str, members: list[dict[str, Any]]) -> dict[str, Any]:
    """One saved answer of the members call (``include_totals``), named by its organization."""
    return {"organization_id": organization, "members": members, "start": 0, "limit": 50,
            "total": len(members)}  # fmt: skip


def member(user: str, *roles: str) -> dict[str, Any]:
    found = [{"id": f"rol_{name.replace(' ', '')}", "name": name} for name in roles]
    return {"user_id": user, "email": f"{user[-3:]}@example.com", "name": user, "picture": "",
            "roles": found}  # fmt: skip


def mapped(tmp_path: Path, members: list[dict[str, Any]], **options: Any) -> list[Any]:
    orgs = write(tmp_path / "orgs.json", json.dumps(ORGANIZATIONS))
    pages = ndjson(tmp_path / "members.ndjson", members)
    found = read_all("auth0", organizations=[orgs], memberships=[pages], **options)
    return [map_record(record) for record in found]  # type: ignore[arg-type]


def test_organizations_take_display_name_slug_metadata_and_branding(tmp_path: Path) -> None:
    acme, globex = mapped(tmp_path, [])
    assert isinstance(acme, MappedOrganization) and isinstance(globex, MappedOrganization)
    assert acme.source_id == "org_acme" and acme.request.name == "Acme, Inc."
    assert acme.slug == "acme-inc"  # Auth0 names may hold "_", Clerk slugs not
    assert acme.notes == ("slug acme-inc made from the Auth0 name 'acme_inc'",)
    assert acme.request.private_metadata == {
        "plan": "enterprise", "clerk_migrate": {"source_id": "org_acme"}}  # fmt: skip
    assert acme.request.public_metadata == {"branding": ORGANIZATIONS[0]["branding"]}
    assert globex.request.name == "globex" and globex.slug == "globex" and not globex.notes


def test_members_of_saved_pages_get_their_roles_as_clerk_keys(tmp_path: Path) -> None:
    pages = [
        members_page("org_acme", [member("auth0|a", "admin"), member("auth0|b", "Billing Manager"),
                                  member("auth0|c")]),
        # the member roles call, saved with the ids it was called with
        {"organization_id": "org_globex", "user_id": "auth0|a",
         "roles": {"roles": [{"id": "rol_x", "name": "Viewer"}, {"id": "rol_y", "name": "Admin"}],
                   "start": 0, "limit": 50, "total": 2}},
        {"organization_id": "org_globex", "user_id": "google-oauth2|d"},
    ]  # fmt: skip
    outcomes = [item for item in mapped(tmp_path, pages) if isinstance(item, MappedMembership)]
    by_user = {(m.organization, m.user): m for m in outcomes}
    assert by_user["org_acme", "auth0|a"].role == "org:admin"
    assert by_user["org_acme", "auth0|b"].role == "org:billing_manager"
    assert by_user["org_acme", "auth0|c"].role == "org:member"  # no roles: Clerk's member
    both = by_user["org_globex", "auth0|a"]
    assert both.role == "org:admin"
    assert both.notes == ("also had org:viewer: Clerk gives a membership one role, org:admin",)
    unsaved = by_user["org_globex", "google-oauth2|d"]
    assert unsaved.role == "org:member" and "fields=roles" in unsaved.notes[0]


def test_role_map_names_a_role_by_name_or_id(tmp_path: Path) -> None:
    pages = [members_page("org_acme", [member("auth0|a", "Billing Manager"),
                                       member("auth0|b", "Owner")])]  # fmt: skip
    role_map = {"rol_BillingManager": "org:billing", "Owner": "org:admin"}
    found = [m for m in mapped(tmp_path, pages, role_map=role_map)
             if isinstance(m, MappedMembership)]  # fmt: skip
    assert [m.role for m in found] == ["org:billing", "org:admin"]
    with pytest.raises(SourceError, match="not a Clerk role key"):
        mapped(tmp_path, pages, role_map={"Owner": "owner"})
    with pytest.raises(SourceError, match="role_map is for the auth0 or betterauth source"):
        read_all("clerk", role_map={"Owner": "org:admin"})


def test_role_definitions_from_the_tenants_roles(tmp_path: Path) -> None:
    roles = write(tmp_path / "roles.json", json.dumps({"roles": [
        {"id": "rol_1", "name": "Billing Manager", "description": "Pays the bills"},
        {"id": "rol_2", "name": "管理者"},  # makes no key: left out
        {"id": "rol_3", "name": "Support"}], "start": 0, "limit": 50, "total": 3}))  # fmt: skip
    assert read_roles("auth0", [roles], role_map={"Support": "org:helpdesk"}) == [
        RoleDefinition(key="org:billing_manager", name="Billing Manager",
                       description="Pays the bills"),
        RoleDefinition(key="org:helpdesk", name="Support"),
    ]  # fmt: skip


def test_a_role_in_clerks_names_keeps_its_permissions(tmp_path: Path) -> None:
    """Auth0's roles carry no Clerk permissions: a definition in Clerk's names gives them, and
    wins over the Auth0 role that makes the same key, whichever file comes first."""
    tenant = write(tmp_path / "roles.json", json.dumps([
        {"id": "rol_1", "name": "Billing", "description": "Auth0's billing role"},
        {"id": "rol_2", "name": "Support", "description": "Answers tickets"}]))  # fmt: skip
    permissions = ["org:invoices:read", {"key": "org:invoices:pay", "name": "Pay"}]
    clerk_named = ndjson(tmp_path / "clerk-roles.jsonl", [
        {"key": "org:billing", "name": "Billing", "description": "Pays the invoices",
         "permissions": permissions}])  # fmt: skip
    billing = RoleDefinition(
        key="org:billing", name="Billing", description="Pays the invoices",
        permissions=(PermissionDefinition(key="org:invoices:read"),
                     PermissionDefinition(key="org:invoices:pay", name="Pay")))  # fmt: skip
    support = RoleDefinition(key="org:support", name="Support", description="Answers tickets")
    for files in ([tenant, clerk_named], [clerk_named, tenant]):
        assert sorted(read_roles("auth0", files), key=lambda role: role.key) == [billing, support]
    bad = ndjson(tmp_path / "bad.jsonl", [{"key": "org:billing", "permissions": ["pay"]}])
    with pytest.raises(SourceFileError, match=r"'pay' \(a permission of org:billing\) is not"):
        read_roles("auth0", [bad])


@pytest.mark.slow  # a run killed with SIGKILL and resumed
def test_auth0_organizations_killed_and_resumed_each_record_once(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    users = [f"auth0|{i:04d}" for i in range(30)]
    ndjson(tmp_path / "users.json", [
        {"user_id": user, "email": f"u{i}@example.com", "email_verified": True}
        for i, user in enumerate(users)])  # fmt: skip
    organizations = [{"id": f"org_{j}", "name": f"team_{j}", "display_name": f"Team {j}",
                      "metadata": {"n": str(j)}} for j in range(12)]  # fmt: skip
    write(tmp_path / "orgs.json", json.dumps(organizations))
    names = ("admin", "Member", "Billing Manager")
    pages = [members_page(f"org_{j}", [member(users[(j * 3 + i) % 30], names[i % 3])
                                       for i in range(PER)])
             for j in range(12)]  # fmt: skip
    ndjson(tmp_path / "members.ndjson", pages)
    write(tmp_path / "roles.json", json.dumps([{"id": "rol_b", "name": "Billing Manager",
                                                "description": "Pays"}]))  # fmt: skip
    report = import_killed_and_resumed(
        clerk_emulator, tmp_path,
        ["--from", "auth0", "users.json", "--organizations", "orgs.json",
         "--memberships", "members.ndjson", "--roles", "roles.json"],
        memberships=12 * PER,
    )  # fmt: skip
    assert {line["status"] for line in report} == {"created"}
    assert len(report) == 30 + 12 + 12 * PER
    assert external_ids(clerk_emulator) == dict.fromkeys(users, 1)
    assert slugs(clerk_emulator) == {f"team-{j}": 1 for j in range(12)}
    keys = ("org:admin", "org:member", "org:billing_manager")
    assert held(clerk_emulator) == {
        (f"team-{j}", users[(j * 3 + i) % 30]): [keys[i % 3]] for j in range(12) for i in range(PER)
    }
    role = next(r for r in clerk_emulator.state.org_roles.roles.values()
                if r.data["key"] == "org:billing_manager")  # fmt: skip
    assert (role.data["name"], role.data["description"]) == ("Billing Manager", "Pays")
