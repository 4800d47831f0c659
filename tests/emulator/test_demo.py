"""The demo (``scripts/demo``), shrunk: an Auth0 migration with organizations killed part way and
resumed; and the files it generates."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from clerk_async.migrate import demo
from clerk_async.migrate.demo_data import (
    AUTH0_ROLES,
    BILLING_ROLE,
    generate_auth0_export,
    generate_auth0_organizations,
    generate_organizations,
    password_of,
)
from clerk_async.migrate.mapping import map_record
from clerk_async.migrate.readers import read_roles, read_source
from clerk_async.migrate.records import (
    MappedMembership,
    MappedOrganization,
    PermissionDefinition,
    RoleDefinition,
    SourceRecord,
)


@pytest.mark.slow  # the whole demo: an import killed with SIGKILL, then resumed
def test_the_demo_kills_resumes_and_finds_every_user_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = demo.main(["--users", "200", "--organizations", "30", "--memberships", "300",
                      "--rate-limit", "100/1s", "--keep", str(tmp_path)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "killed with SIGKILL after" in out and "memberships)" in out
    assert "the same command again" in out
    assert "missing: 0, more than once: 0" in out
    assert "verifies: True" in out
    assert "OK: every user is in Clerk exactly once" in out
    assert "30 organizations: 30 in Clerk, 0 more than once" in out
    assert "300 memberships: 300 in Clerk with their role, missing: 0, more than once: 0" in out
    assert "OK: every organization and membership is in Clerk exactly once, with its role" in out
    assert "the instance's default member limit raised from 5 to 50" in out
    assert "org:billing in Clerk with the permissions org:invoices:pay, org:invoices:read" in out
    assert "org:support with Auth0's description: True" in out
    lines = (tmp_path / "migration.report.ndjson").read_text().splitlines()
    report = [json.loads(line) for line in lines]
    assert len(report) == 205 + 30 + 300  # every record, whichever run settled it
    statuses = {line["status"] for line in report}
    assert statuses == {"created", "already_imported", "conflict", "invalid", "duplicate"}
    kinds = {line["kind"] for line in report if line["status"] == "created"}
    assert kinds == {"user", "organization", "membership"}


def test_the_generated_export_looks_like_auth0s(tmp_path: Path) -> None:
    export = generate_auth0_export(tmp_path, 50)
    profiles = [
        json.loads(line) for line in gzip.decompress(export.profiles.read_bytes()).splitlines()
    ]
    hashes = [json.loads(line) for line in export.hashes.read_text().splitlines()]
    assert len(profiles) == 55 and len(export.importable) == 51
    assert export.broken == {"invalid": 3, "duplicate": 1}
    database = [p for p in profiles if str(p.get("user_id", "")).startswith("auth0|")]
    assert {h["_id"]["$oid"] for h in hashes} <= {p["user_id"][6:] for p in database}
    assert all(h["passwordHash"].startswith("$2b$04$") for h in hashes)
    assert any(p["user_id"].startswith("google-oauth2|") for p in profiles if "user_id" in p)
    assert export.sample_password == password_of(export.sample_user.split("|")[1])
    (tmp_path / "again").mkdir()
    assert generate_auth0_export(tmp_path / "again", 50).importable == export.importable


def test_the_generated_organizations_fit_clerks_rules(tmp_path: Path) -> None:
    users = [f"auth0|{index:024x}" for index in range(100)]
    teams = generate_organizations(tmp_path, users, 20, 300, max_members=40)
    organizations = [json.loads(line) for line in teams.organizations.read_text().splitlines()]
    rows = teams.memberships.read_text().splitlines()
    assert rows[0] == "organization_id,user_id,role"
    assert len(organizations) == 20 and len(rows) - 1 == len(teams.expected) == 300
    for organization in organizations:  # the creator first, an admin; each user once
        members = [key for key in teams.expected if key[0] == organization["id"]]
        assert 1 <= len(members) <= organization["max_allowed_memberships"] == 40
        assert teams.expected[(organization["id"], organization["created_by"])] == "org:admin"
    assert set(teams.expected.values()) == {"org:admin", "org:member", "org:billing"}
    assert len(set(teams.slugs.values())) == 20


def test_the_generated_organizations_are_the_management_apis_answers(tmp_path: Path) -> None:
    users = [f"auth0|{index:024x}" for index in range(100)]
    teams = generate_auth0_organizations(tmp_path, users, 60, 900, max_members=40)
    pages = [json.loads(line) for line in teams.organizations.read_text().splitlines()]
    assert [(page["start"], page["limit"], page["total"]) for page in pages] == [
        (0, 50, 60), (50, 50, 60)]  # fmt: skip
    organizations = [org for page in pages for org in page["organizations"]]
    assert len(organizations) == 60 and all(org["id"].startswith("org_") for org in organizations)
    assert any("_" in org["name"] for org in organizations)  # Auth0 allows it, a slug not
    assert any("branding" in org for org in organizations)
    answers = [json.loads(line) for line in teams.members.read_text().splitlines()]
    for answer in answers:  # checkpoint pages: "next" while more follow; user_id and roles
        assert set(answer) <= {"organization_id", "members", "next"}
        assert all(set(member) == {"user_id", "roles"} for member in answer["members"])
    assert any("next" in answer for answer in answers)
    listed = [(a["organization_id"], m["user_id"]) for a in answers for m in a["members"]]
    assert len(listed) == len(set(listed)) == len(teams.expected) == 900
    assert max(Counter(org for org, _ in listed).values()) == teams.largest <= 40
    tenant = json.loads(teams.roles.read_text())
    assert [role["name"] for role in tenant] == list(AUTH0_ROLES)
    assert set(teams.expected.values()) == {"org:admin", "org:member", "org:billing", "org:support"}
    # what our Auth0 readers make of them is what the demo checks Clerk for
    records = read_source("auth0", [], organizations=[teams.organizations],
                          memberships=[teams.members])  # fmt: skip
    mapped = [map_record(item) for item in records if isinstance(item, SourceRecord)]
    slugs = {org.source_id: org.slug for org in mapped if isinstance(org, MappedOrganization)}
    roles = {(m.organization, m.user): m.role for m in mapped if isinstance(m, MappedMembership)}
    assert slugs == teams.slugs and roles == teams.expected
    billing = next(role for role in read_roles("auth0", [teams.roles, teams.clerk_roles])
                   if role.key == "org:billing")  # fmt: skip
    permissions = tuple(PermissionDefinition(key=key) for key in BILLING_ROLE["permissions"])
    assert billing == RoleDefinition(key="org:billing", name="Billing",
        description=str(BILLING_ROLE["description"]), permissions=permissions)  # fmt: skip
    (tmp_path / "again").mkdir()
    again = generate_auth0_organizations(tmp_path / "again", users, 60, 900, max_members=40)
    assert again.expected == teams.expected
