"""Clerk to Clerk (development to production): ``pull`` snapshots the source instance's
organizations, memberships and roles; ``import --from clerk`` brings them over with the users of the
Dashboard CSV, killed and resumed, each record once."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bcrypt
import pytest

from clerk_async.emulator import ClerkEmulator, Faults
from clerk_async.migrate.cli import main
from clerk_sync import Clerk
from tests.migrate.org_support import held, slugs
from tests.migrate.source_kill import external_ids, import_killed_and_resumed

USERS, ORGANIZATIONS, PER_ORGANIZATION = 24, 16, 5
SOURCE_KEY = "sk_test_source_instance_key_0123456789"
PASSWORD = "correct horse battery staple"
DASHBOARD_COLUMNS = ["id", "first_name", "last_name", "username", "primary_email_address",
                     "primary_phone_number", "verified_email_addresses",
                     "unverified_email_addresses", "verified_phone_numbers",
                     "unverified_phone_numbers", "totp_secret", "password_digest",
                     "password_hasher"]  # fmt: skip


@pytest.fixture
def source() -> Iterator[ClerkEmulator]:
    """The development instance: an emulator of its own beside the target."""
    emulator = ClerkEmulator(secret_key=SOURCE_KEY, rate_limit=None).start_in_thread()
    yield emulator
    emulator.stop_thread()


def populate(source: ClerkEmulator) -> tuple[list[str], dict[tuple[str, str], str]]:
    """Users, a custom role, organizations with creators and memberships; the users' ids and
    every membership's role by (slug, user id)."""
    roles: dict[tuple[str, str], str] = {}
    with Clerk(bearer_auth=SOURCE_KEY, server_url=source.url) as clerk:
        users = [clerk.users.create(email_address=[f"u{i}@example.com"],
                                    skip_password_requirement=True).id
                 for i in range(USERS)]  # fmt: skip
        permission = clerk.organization_permissions.create(
            name="Read invoices", key="org:invoices:read", description="See the invoices"
        )
        clerk.organization_roles.create(
            name="Billing", key="org:billing", description="Pays", permissions=[permission.id],
            include_in_initial_role_set=True,
        )  # fmt: skip
        for j in range(ORGANIZATIONS):
            creator = users[j % USERS]
            organization = clerk.organizations.create(
                name=f"Team {j}", slug=f"team-{j}", created_by=creator,
                public_metadata={"plan": "pro"}, private_metadata={"crm": j},
            )  # fmt: skip
            roles[(organization.slug, creator)] = "org:admin"
            for i in range(1, PER_ORGANIZATION):
                user = users[(j + i) % USERS]
                role = ("org:member", "org:billing", "org:admin")[i % 3]
                clerk.organization_memberships.create(organization.id, user_id=user, role=role)
                roles[(organization.slug, user)] = role
        clerk.organization_domains.create(clerk.organizations.list(query="team-0").data[0].id,
                                          name="team0.example.com")  # fmt: skip
    return users, roles


def dashboard_csv(path: Path, users: list[str]) -> Path:
    """The Dashboard's "Export all users" CSV of the source instance's users."""
    digest = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode()
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, DASHBOARD_COLUMNS)
        writer.writeheader()
        for i, user in enumerate(users):
            writer.writerow({"id": user, "first_name": f"U{i}", "primary_email_address":
                             f"u{i}@example.com", "verified_email_addresses": f"u{i}@example.com",
                             "totp_secret": "JBSWY3DPEHPK3PXP" if i == 0 else "",
                             "password_digest": digest, "password_hasher": "bcrypt"})  # fmt: skip
    return path


def rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def pull(source: ClerkEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> str:  # fmt: skip
    monkeypatch.setenv("CLERK_SOURCE_SECRET_KEY", SOURCE_KEY)
    code = main(["pull", "--from", "clerk", "--source-api-url", source.url,
                 "--organizations", str(tmp_path / "orgs.jsonl"),
                 "--memberships", str(tmp_path / "members.jsonl"),
                 "--roles", str(tmp_path / "roles.jsonl")])  # fmt: skip
    out = capsys.readouterr()
    assert code == 0, out
    return out.out + out.err


def test_pull_writes_what_import_from_clerk_reads(
    source: ClerkEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    users, roles = populate(source)
    printed = pull(source, tmp_path, monkeypatch, capsys)
    assert SOURCE_KEY not in printed
    assert f"pulled    {ORGANIZATIONS} organizations" in printed
    assert f"pulled    {len(roles)} memberships" in printed
    organizations = rows(tmp_path / "orgs.jsonl")
    first = next(row for row in organizations if row["slug"] == "team-0")
    assert first["created_by"] == users[0] and first["private_metadata"] == {"crm": 0}
    assert first["domains"] == [{"name": "team0.example.com", "enrollment_mode":
                                 "manual_invitation", "verified": True}]  # fmt: skip
    members = rows(tmp_path / "members.jsonl")
    assert {(row["organization_id"], row["user_id"]) for row in members} == {
        (row["id"], user) for row in organizations for (slug, user) in roles
        if slug == row["slug"]}  # fmt: skip
    role = next(row for row in rows(tmp_path / "roles.jsonl") if row["key"] == "org:billing")
    assert role["name"] == "Billing"
    assert role["permissions"] == [{"key": "org:invoices:read", "name": "Read invoices",
                                    "description": "See the invoices"}]  # fmt: skip


def test_pull_needs_the_source_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CLERK_SOURCE_SECRET_KEY", raising=False)
    assert main(["pull", "--from", "clerk", "--organizations", str(tmp_path / "o.jsonl")]) == 3
    assert "CLERK_SOURCE_SECRET_KEY" in capsys.readouterr().err


@pytest.mark.slow  # two emulators, a run killed with SIGKILL and resumed
def test_development_to_production_killed_and_resumed_each_record_once(
    source: ClerkEmulator, clerk_emulator: ClerkEmulator, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    users, roles = populate(source)
    pull(source, tmp_path, monkeypatch, capsys)
    dashboard_csv(tmp_path / "users.csv", users)
    clerk_emulator.faults = Faults(drop_after=0.05, error_rate=0.05, latency=0.005,
                                   methods=frozenset({"POST"}), seed=7)  # fmt: skip
    report = import_killed_and_resumed(
        clerk_emulator, tmp_path,
        ["--from", "clerk", str(tmp_path / "users.csv"), "--organizations",
         str(tmp_path / "orgs.jsonl"), "--memberships", str(tmp_path / "members.jsonl"),
         "--roles", str(tmp_path / "roles.jsonl")],
        memberships=len(roles),
    )  # fmt: skip
    clerk_emulator.faults = None
    assert {line["status"] for line in report} == {"created"}
    assert len(report) == USERS + ORGANIZATIONS + len(roles)
    assert external_ids(clerk_emulator) == dict.fromkeys(users, 1)  # the source ids, each once
    assert slugs(clerk_emulator) == {f"team-{j}": 1 for j in range(ORGANIZATIONS)}
    assert held(clerk_emulator) == {key: [role] for key, role in roles.items()}
    target = clerk_emulator.state
    billing = next(r for r in target.org_roles.roles.values() if r.data["key"] == "org:billing")
    assert billing.data["name"] == "Billing"
    with clerk_emulator.sync_client() as clerk:
        (team0,) = clerk.organizations.list(query="team-0").data
        assert team0.public_metadata == {"plan": "pro"}
        assert (team0.private_metadata or {})["crm"] == 0
        assert team0.created_by == next(
            r.id for r in target.users.users.values() if r.data["external_id"] == users[0]
        )  # the creator, mapped from the source's id to the imported user
        domains = clerk.organization_domains.list(team0.id).data
        assert [domain.name for domain in domains] == ["team0.example.com"]
        ada = next(r for r in target.users.users.values() if r.data["external_id"] == users[0])
        assert clerk.users.verify_password(ada.id, password=PASSWORD).verified
