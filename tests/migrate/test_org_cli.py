"""``clerk-migrate`` with organizations, memberships and roles, in-process against the emulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clerk_async.emulator import ClerkEmulator
from clerk_async.migrate.cli import main
from clerk_async.migrate.journal import Journal
from tests.migrate.org_support import FAST, held, member, slugs, user_rows
from tests.migrate.support import ndjson, write


@pytest.fixture
def env(clerk_emulator: ClerkEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CLERK_SECRET_KEY", clerk_emulator.secret_key)
    monkeypatch.setenv("CLERK_API_URL", clerk_emulator.url)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def files(env: Path, organizations: list[dict[str, Any]],
          memberships: list[dict[str, Any]], users: int = 4) -> list[str]:  # fmt: skip
    ndjson(env / "users.jsonl", user_rows(users))
    ndjson(env / "orgs.jsonl", organizations)
    ndjson(env / "members.jsonl", memberships)
    return ["--from", "jsonl", "--organizations", "orgs.jsonl", "--memberships", "members.jsonl",
            "users.jsonl"]  # fmt: skip


def run(*args: str) -> int:
    return main(list(args))


ORGS: list[dict[str, Any]] = [
    {"id": "o1", "name": "Acme", "created_by": "u0", "max_allowed_memberships": 10},
    {"id": "o2", "name": "Globex"},
]
MEMBERS = [member("o1", f"u{i}", "org:billing" if i == 1 else "org:member") for i in range(1, 4)]
MEMBERS += [member("o2", "u0", "org:admin")]


def test_import_status_and_report_of_every_kind(
    env: Path, clerk_emulator: ClerkEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    write(env / "roles.csv", "key,name,permissions\norg:billing,Billing,org:invoices:read\n")
    args = files(env, ORGS, MEMBERS)
    assert run("import", *args, "--roles", "roles.csv", "--yes", "--rate-limit", FAST) == 0
    out = capsys.readouterr().out
    assert "orgs      2: pending 2" in out  # the plan, by kind
    assert "role      org:billing is not in Clerk (1 memberships use it)" in out
    assert "records   10: created 10" in out
    assert "members   4: created 4" in out
    assert "role      needs the permissions org:invoices:read, which Clerk lacks" in out
    assert "roles     1 created, 2 exists (of the roles memberships use)" in out
    assert held(clerk_emulator)[("acme", "u1")] == ["org:billing"]
    report = [json.loads(line) for line in (env / "migration.report.ndjson").read_text().split()]
    membership = next(line for line in report if line["kind"] == "membership")
    assert membership["external_id"] is None
    assert (membership["organization"], membership["user"]) == ("o1", "u1")
    assert [line["kind"] for line in report].count("organization") == 2
    assert run("status") == 0
    status = capsys.readouterr().out
    assert "--organizations " in status and "orgs      2: created 2" in status
    assert run("status", "--json", "--kind", "membership") == 0
    assert json.loads(capsys.readouterr().out)["created"] == 4


def test_an_organization_over_its_member_limit_stops_before_anything_is_sent(
    env: Path, clerk_emulator: ClerkEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    organizations = [{"id": "o1", "name": "Acme", "created_by": "u0"}]  # the default limit: 5
    args = files(env, organizations, [member("o1", f"u{i}") for i in range(1, 6)], users=6)
    assert run("import", *args, "--yes", "--rate-limit", FAST) == 1
    out = capsys.readouterr().out
    assert "organization o1 gets 6 members (its creator included), over the instance's " in out
    assert "nothing was sent" in out
    assert not clerk_emulator.state.users.users and not clerk_emulator.state.orgs.orgs
    with clerk_emulator.sync_client() as clerk:
        clerk.instance_settings.update_organization_settings(max_allowed_memberships=6)
    assert run("import", *args, "--yes", "--rate-limit", FAST) == 0
    assert len(held(clerk_emulator)) == 6


def test_no_create_roles_lists_the_missing_roles_and_stops(
    env: Path, clerk_emulator: ClerkEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    args = files(env, ORGS, MEMBERS)
    assert run("import", *args, "--no-create-roles", "--yes", "--rate-limit", FAST) == 1
    out = capsys.readouterr().out
    assert "role      org:billing is not in Clerk (1 memberships use it)" in out
    assert "stopped   --no-create-roles" in out
    assert len(clerk_emulator.state.users.users) == 0
    with clerk_emulator.sync_client() as clerk:
        clerk.organization_roles.create(
            name="Billing", key="org:billing", include_in_initial_role_set=True
        )
    assert run("import", *args, "--no-create-roles", "--yes", "--rate-limit", FAST) == 0


def test_a_dry_run_checks_organizations_without_a_key(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CLERK_SECRET_KEY")
    organizations = [*ORGS, {"id": "o3", "name": "Big"}, {"id": "o2", "name": "Twice"}]
    memberships = [*MEMBERS, member("o3", "ghost"), *(member("o3", f"u{i}") for i in range(4))]
    memberships += [member("o3", "u5"), member("o3", "u6")]
    args = files(env, organizations, memberships, users=7)
    assert run("import", *args, "--dry-run") == 1
    out = capsys.readouterr().out
    assert "orgs      4: pending 3, duplicate 1" in out
    assert "members   11: pending 10, invalid 1" in out
    assert "user_not_found: no user with id ghost in the input" in out
    assert "organization o3 gets 6 members" in out
    assert "Clerk's default (5), not read" in out


def test_rollback_undoes_memberships_organizations_and_users(
    env: Path, clerk_emulator: ClerkEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    with clerk_emulator.sync_client() as clerk:
        outside = clerk.organizations.create(
            name="Outside", slug="outside", private_metadata={"clerk_migrate": {"source_id": "o9"}}
        )
        keeper = clerk.users.create(external_id="u0", email_address=["u0@example.com"])
        clerk.organization_memberships.create(outside.id, user_id=keeper.id, role="org:admin")
    organizations = [*ORGS, {"id": "o9", "name": "Outside"}]
    memberships = [*MEMBERS, member("o9", "u0", "org:admin"), member("o9", "u1")]
    args = files(env, organizations, memberships)
    assert run("import", *args, "--yes", "--rate-limit", FAST) == 0
    capsys.readouterr()
    assert run("rollback", "--yes", "--rate-limit", FAST) == 0
    out = capsys.readouterr().out
    # u1's membership of Outside, then o1 and o2 (their four memberships with them), u1-u3
    assert "deleted 10, already gone 0, failed 0 (6 requests)" in out
    assert "deleted   5 memberships, 2 organizations, 3 users" in out
    assert slugs(clerk_emulator) == {"outside": 1}  # was there before: stays
    assert held(clerk_emulator) == {("outside", "u0"): ["org:admin"]}
    assert [u.id for u in clerk_emulator.state.users.users.values()] == [keeper.id]
    with Journal(env / "migration.db") as journal:
        outcomes = sorted(entry["outcome"] for entry in journal.rollback_log())
    assert outcomes == ["deleted"] * 6 + ["deleted_with_organization"] * 4


def test_export_organizations_and_memberships(env: Path, clerk_emulator: ClerkEmulator) -> None:
    args = files(env, ORGS, MEMBERS)
    assert run("import", *args, "--yes", "--rate-limit", FAST) == 0
    assert run("export", "--organizations", "orgs.ndjson", "--memberships", "m.ndjson") == 0
    exported = [json.loads(line) for line in (env / "orgs.ndjson").read_text().split()]
    assert sorted(org["slug"] for org in exported) == ["acme", "globex"]
    members = [json.loads(line) for line in (env / "m.ndjson").read_text().split()]
    assert len(members) == 5  # o1's creator, its three members, and o2's admin
    assert {m["object"] for m in members} == {"organization_membership"}
    assert run("export") == 3


def test_a_development_instances_user_cap_counts_users_only(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    organizations = [{"id": f"o{j}", "name": f"Org {j}", "max_allowed_memberships": 0}
                     for j in range(30)]  # fmt: skip
    memberships = [member(f"o{j}", f"u{i}") for j in range(30) for i in range(4)]
    args = files(env, organizations, memberships)  # 4 users, 154 records in all
    assert run("import", *args, "--yes", "--rate-limit", FAST) == 0
    out = capsys.readouterr().out
    assert "development instance" not in out  # 4 users: far below its 100
