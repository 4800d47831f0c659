"""Organizations and memberships into the emulator: each exactly once, with its role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clerk_async.emulator import ClerkEmulator, Faults
from clerk_async.migrate.journal import Entry, Journal
from clerk_async.migrate.plan import entry_for, preflight, to_mapped
from clerk_async.migrate.runner import migrate
from tests.migrate.org_support import (
    FAST,
    held,
    marker,
    member,
    org_input,
    slugs,
    user_id,
    user_rows,
)


async def test_users_organizations_and_memberships_in_one_run(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    organizations: list[dict[str, Any]] = [
        {"id": "o1", "name": "Acme", "created_by": "u0", "domains": ["acme.com"],
         "max_allowed_memberships": 10},
        {"id": "o2", "name": "Globex", "public_metadata": {"tier": "gold"}},
    ]  # fmt: skip
    memberships = [member("o1", f"u{i}") for i in range(1, 5)]
    memberships += [member("o2", "u0", "org:admin"), member("o2", "u1")]
    records = org_input(tmp_path, user_rows(5), organizations, memberships)
    async with clerk_emulator.client() as clerk:
        summary = await migrate(clerk, records, journal=tmp_path / "j.db", rate_limit=FAST)
    assert summary.counts["created"] == 5 + 2 + 6, summary.lines()
    assert summary.exit_code == 0
    assert held(clerk_emulator) == {
        ("acme", "u0"): ["org:admin"],  # the creator, made admin by Clerk with the organization
        **{("acme", f"u{i}"): ["org:member"] for i in range(1, 5)},
        ("globex", "u0"): ["org:admin"],
        ("globex", "u1"): ["org:member"],
    }
    acme = clerk_emulator.state.orgs.get("acme")
    assert acme.data["max_allowed_memberships"] == 10
    assert acme.data["created_by"] == user_id(clerk_emulator, "u0")
    assert marker(clerk_emulator, "acme") == {"source_id": "o1"}
    domains = [d.data["name"] for d in clerk_emulator.state.org_domains.domains.values()]
    assert domains == ["acme.com"]
    with Journal(tmp_path / "j.db") as journal:
        kinds = journal.counts_by_kind()
        assert {kind: counts["created"] for kind, counts in kinds.items()} == {
            "user": 5, "organization": 2, "membership": 6,
        }  # fmt: skip
        for row in journal.rows(kind="membership"):
            assert row.clerk_id is not None and row.clerk_id.startswith("orgmem_")


async def test_the_creators_membership_gets_the_inputs_role(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    organizations = [{"id": "o1", "name": "Acme", "created_by": "u0"}]
    records = org_input(tmp_path, user_rows(1), organizations, [member("o1", "u0")])
    clerk_emulator.emulator.arrivals.clear()
    async with clerk_emulator.client() as clerk:
        summary = await migrate(clerk, records, journal=tmp_path / "j.db", rate_limit=FAST)
    assert held(clerk_emulator) == {("acme", "u0"): ["org:member"]}
    assert summary.counts["created"] == 3
    acme = clerk_emulator.state.orgs.get("acme").id
    calls = [(method, path) for _, method, path, _ in clerk_emulator.arrivals]
    # a member since Acme was made: looked up and given its role, never sent
    assert [call for call in calls if "/memberships" in call[1]] == [
        ("GET", f"/v1/organizations/{acme}/memberships"),
        ("PATCH", f"/v1/organizations/{acme}/memberships/{user_id(clerk_emulator, 'u0')}"),
    ]


async def test_every_kind_once_under_5xx_and_dropped_responses(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    organizations = [{"id": f"o{j}", "name": f"Org {j}", "max_allowed_memberships": 0}
                     for j in range(12)]  # fmt: skip
    memberships = [member(f"o{j}", f"u{i}") for j in range(12) for i in range(j, j + 8)]
    records = org_input(tmp_path, user_rows(20), organizations, memberships)
    clerk_emulator.faults = Faults(
        error_rate=0.1, drop_after=0.1, drop_before=0.05, methods=frozenset({"POST"}), seed=16
    )
    async with clerk_emulator.client() as clerk:
        summary = await migrate(clerk, records, journal=tmp_path / "j.db", rate_limit=FAST)
    assert clerk_emulator.faults_injected > 20
    assert summary.counts["created"] == 20 + 12 + 96, summary.lines()
    assert slugs(clerk_emulator) == {f"org-{j}": 1 for j in range(12)}
    found = held(clerk_emulator)
    assert sorted(found) == sorted((f"org-{j}", f"u{i}") for j in range(12)
                                   for i in range(j, j + 8))  # fmt: skip
    assert all(roles == ["org:member"] for roles in found.values())


async def test_an_organization_already_in_clerk(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    organizations = [
        {"id": "o1", "name": "Acme"},  # in Clerk already, from an earlier import of it
        {"id": "o2", "name": "Globex"},  # its slug taken by another organization
    ]
    memberships = [
        member("o1", "u0"),  # a member already, with this role
        member("o1", "u1", "org:admin"),  # a member already, with another role
        member("o1", "u2"),
        member("o2", "u0"),
    ]
    records = org_input(tmp_path, user_rows(3), organizations, memberships)
    async with clerk_emulator.client() as clerk:
        existing = await clerk.organizations.create(
            name="Acme", slug="acme", private_metadata={"clerk_migrate": {"source_id": "o1"}}
        )
        other = await clerk.organizations.create(name="Globex Corp", slug="globex")
        earlier = {}
        for index in (0, 1):
            user = await clerk.users.create(external_id=f"u{index}",
                                            email_address=[f"u{index}@example.com"])  # fmt: skip
            earlier[index] = await clerk.organization_memberships.create(
                existing.id, user_id=user.id, role="org:member"
            )
        summary = await migrate(clerk, records, journal=tmp_path / "j.db", rate_limit=FAST)
    assert summary.exit_code == 1, summary.lines()
    with Journal(tmp_path / "j.db") as journal:
        rows = {(row.kind, row.external_id): row for row in journal.rows()}
    acme, globex = rows[("organization", "o1")], rows[("organization", "o2")]
    assert (acme.status, acme.clerk_id, acme.attempts) == ("already_imported", existing.id, 0)
    assert (globex.status, globex.code) == ("conflict", "slug_taken")
    assert globex.message is not None and other.id in globex.message
    same = rows[("membership", "o1\x1fu0")]
    assert (same.status, same.clerk_id, same.attempts) == ("already_imported", earlier[0].id, 0)
    differs = rows[("membership", "o1\x1fu1")]
    assert (differs.status, differs.code) == ("conflict", "role_differs")
    assert rows[("membership", "o1\x1fu2")].status == "created"
    blocked = rows[("membership", "o2\x1fu0")]
    assert (blocked.status, blocked.code) == ("conflict", "organization_conflict")
    assert held(clerk_emulator)[("acme", "u1")] == ["org:member"]  # left as Clerk had it
    assert slugs(clerk_emulator) == {"acme": 1, "globex": 1}


async def test_a_membership_waits_for_its_user_and_follows_its_outcome(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    users = user_rows(3)
    organizations = [{"id": "o1", "name": "Acme"}]
    memberships = [member("o1", f"u{i}") for i in range(3)]
    records = org_input(tmp_path, users, organizations, memberships)
    async with clerk_emulator.client() as clerk:
        await clerk.users.create(external_id="someone", email_address=["u1@example.com"])
        summary = await migrate(clerk, records, journal=tmp_path / "j.db", rate_limit=FAST)
    with Journal(tmp_path / "j.db") as journal:
        rows = {(row.kind, row.external_id): row for row in journal.rows()}
    assert rows[("user", "u1")].status == "conflict"
    blocked = rows[("membership", "o1\x1fu1")]
    assert (blocked.status, blocked.code) == ("conflict", "user_conflict")
    someone = user_id(clerk_emulator, "someone")
    assert blocked.message == (
        f"its user u1 is conflict: email_address u1@example.com belongs to {someone} "
        "(external_id someone)"
    )
    assert sorted(user for _, user in held(clerk_emulator)) == ["u0", "u2"]
    assert summary.exit_code == 1


async def test_a_failed_user_fails_its_memberships_and_retry_failed_takes_both(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    records = org_input(tmp_path, user_rows(2), [{"id": "o1", "name": "Acme"}],
                        [member("o1", "u0"), member("o1", "u1")])  # fmt: skip
    path = tmp_path / "j.db"
    async with clerk_emulator.client() as clerk:
        with Journal(path) as journal:
            preflight(journal, records)
            journal.begin_run("import")
            journal.mark_in_flight([1])
            journal.failed(1, "internal_clerk_error", "a 500, five times")
        summary = await migrate(clerk, records, journal=path, rate_limit=FAST)
        with Journal(path) as journal:
            failed = journal.row(4)
            assert failed is not None and (failed.status, failed.code) == ("failed", "user_failed")
            journal.begin_run("retry-failed")
            assert journal.retry_failed() == 2
        retried = await migrate(clerk, records, journal=path, rate_limit=FAST)
    assert summary.exit_code == 2
    assert retried.exit_code == 0, retried.lines()
    assert sorted(held(clerk_emulator)) == [("acme", "u0"), ("acme", "u1")]


async def test_leftovers_of_every_kind_are_looked_up_first(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    """A run killed with an organization and a membership in flight, both of which reached
    Clerk: the next run finds them and sends neither again."""
    records = org_input(tmp_path, user_rows(2), [{"id": "o1", "name": "Acme"}],
                        [member("o1", "u0"), member("o1", "u1")])  # fmt: skip
    path = tmp_path / "j.db"
    async with clerk_emulator.client() as clerk:
        with Journal(path) as journal:
            preflight(journal, records)
            journal.begin_run("import")
            u0 = await clerk.users.create(external_id="u0", email_address=["u0@example.com"])
            journal.mark_in_flight([0])
            journal.created(0, u0.id)
            journal.mark_in_flight([2])  # the organization: sent, then the run died
            acme = await clerk.organizations.create(
                name="Acme", slug="acme", private_metadata={"clerk_migrate": {"source_id": "o1"}}
            )
            journal.mark_in_flight([3])  # u0's membership: likewise
            sent = await clerk.organization_memberships.create(
                acme.id, user_id=u0.id, role="org:member"
            )
            journal.commit()
        summary = await migrate(clerk, records, journal=path, rate_limit=FAST)
    assert summary.counts["created"] == 5, summary.lines()
    assert slugs(clerk_emulator) == {"acme": 1}
    assert sorted(held(clerk_emulator)) == [("acme", "u0"), ("acme", "u1")]
    with Journal(path) as journal:
        organization, membership = journal.row(2), journal.row(3)
    assert organization is not None and organization.clerk_id == acme.id
    assert membership is not None and membership.clerk_id == sent.id


async def test_custom_roles_are_created_before_the_memberships(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    from clerk_async.migrate.records import PermissionDefinition, RoleDefinition

    memberships = [member("o1", "u0", "org:billing"), member("o1", "u1", "org:viewer")]
    records = org_input(tmp_path, user_rows(2), [{"id": "o1", "name": "Acme"}], memberships)
    billing = RoleDefinition(
        key="org:billing",
        name="Billing",
        description="Pays the bills",
        permissions=(
            PermissionDefinition(key="org:invoices:pay", name="Pay invoices"),
            PermissionDefinition(key="org:sys_memberships:read"),
        ),
    )
    async with clerk_emulator.client() as clerk:
        summary = await migrate(
            clerk, records, journal=tmp_path / "j.db", rate_limit=FAST, roles=[billing]
        )
        roles = {role.key: role for role in await clerk.organization_roles.list(limit=100)}
    assert summary.exit_code == 0, summary.lines()
    assert held(clerk_emulator) == {("acme", "u0"): ["org:billing"], ("acme", "u1"): ["org:viewer"]}
    assert roles["org:billing"].name == "Billing"
    assert sorted(p.key for p in roles["org:billing"].permissions) == [
        "org:invoices:pay",
        "org:sys_memberships:read",
    ]
    assert roles["org:viewer"].name == "Viewer" and roles["org:viewer"].permissions == []
    with Journal(tmp_path / "j.db") as journal:
        assert {r["key"]: r["status"] for r in journal.access("role")} == {
            "org:billing": "created",
            "org:viewer": "created",
        }
        assert {r["key"]: r["status"] for r in journal.access("permission")} == {
            "org:invoices:pay": "created",
            "org:sys_memberships:read": "exists",
        }


async def test_without_creating_roles_a_missing_role_fails_its_memberships_only(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    from clerk_async.migrate.roles import check_roles

    memberships = [member("o1", "u0", "org:billing"), member("o1", "u1")]
    records = org_input(tmp_path, user_rows(2), [{"id": "o1", "name": "Acme"}], memberships)
    path = tmp_path / "j.db"
    async with clerk_emulator.client() as clerk:
        with Journal(path) as journal:
            preflight(journal, records)
            check = await check_roles(clerk, journal)
        summary = await migrate(clerk, records, journal=path, rate_limit=FAST, create_roles=False)
    assert check.missing == {"org:billing": 1} and not check.complete
    assert check.lines() == ["role      org:billing is not in Clerk (1 memberships use it)"]
    assert summary.counts["failed"] == 1
    assert sorted(held(clerk_emulator)) == [("acme", "u1")]


async def test_a_role_outside_the_initial_role_set_joins_it(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    records = org_input(tmp_path, user_rows(1), [{"id": "o1", "name": "Acme"}],
                        [member("o1", "u0", "org:auditor")])  # fmt: skip
    async with clerk_emulator.client() as clerk:
        await clerk.organization_roles.create(name="Auditor", key="org:auditor")
        summary = await migrate(clerk, records, journal=tmp_path / "j.db", rate_limit=FAST)
    assert summary.exit_code == 0, summary.lines()
    assert held(clerk_emulator) == {("acme", "u0"): ["org:auditor"]}


async def test_the_emulators_default_member_limit_refuses_the_sixth_member(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    records = org_input(tmp_path, user_rows(6), [{"id": "o1", "name": "Acme"}],
                        [member("o1", f"u{i}") for i in range(6)])  # fmt: skip
    async with clerk_emulator.client() as clerk:
        summary = await migrate(clerk, records, journal=tmp_path / "j.db", rate_limit=FAST)
    assert summary.codes == {"organization_membership_quota_exceeded": 1}
    assert len(held(clerk_emulator)) == 5


async def test_mapped_records_go_in_as_they_are(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    """``migrate()`` takes what ``map_record`` made, as it takes what readers yield."""
    items = [to_mapped(item) for item in org_input(tmp_path, user_rows(1),
             [{"id": "o1", "name": "Acme"}], [member("o1", "u0")])]  # fmt: skip
    assert [type(entry_for(item)) for item in items] == [Entry] * 3
    async with clerk_emulator.client() as clerk:
        summary = await migrate(clerk, items, journal=tmp_path / "j.db", rate_limit=FAST)
    assert summary.counts["created"] == 3


async def test_memberships_of_users_imported_earlier_go_out_in_batches(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    """Users and organizations settled by an earlier run: the memberships need no waiting, and
    those of an organization that was in Clerk before are looked up 100 at a time."""
    users = user_rows(150)
    organizations = [{"id": "o1", "name": "Acme", "max_allowed_memberships": 0},
                     {"id": "o2", "name": "Globex", "max_allowed_memberships": 0}]  # fmt: skip
    memberships = [member(o, f"u{i}") for o in ("o1", "o2") for i in range(150)]
    path = tmp_path / "j.db"
    async with clerk_emulator.client() as clerk:
        await clerk.organizations.create(
            name="Globex", slug="globex", max_allowed_memberships=0,
            private_metadata={"clerk_migrate": {"source_id": "o2"}},
        )  # fmt: skip
        first = org_input(tmp_path, users, organizations, [])
        await migrate(clerk, first, journal=path, rate_limit=FAST)
        globex = clerk_emulator.state.orgs.get("globex")
        await clerk.organization_memberships.create(
            globex.id, user_id=user_id(clerk_emulator, "u7"), role="org:member"
        )
        requests_before = sum(clerk_emulator.emulator.responses.values())
        second = org_input(tmp_path, users, organizations, memberships)
        summary = await migrate(clerk, second, journal=path, rate_limit=FAST)
    assert summary.counts["created"] == 150 + 1 + 299, summary.lines()
    assert summary.counts["already_imported"] == 2  # Globex, and u7's membership of it
    assert len(held(clerk_emulator)) == 300
    requests = sum(clerk_emulator.emulator.responses.values()) - requests_before
    # the POSTs, two lookups for Globex's 150 members, and four reads of the instance's roles
    # (roles, permissions, settings, the initial role set) before the first membership
    assert requests == 299 + 2 + 4


async def test_into_an_instance_without_organizations_one_request_each(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    organizations = [{"id": f"o{j}", "name": f"Org {j}"} for j in range(5)]
    records = org_input(tmp_path, user_rows(1), organizations, [])
    clerk_emulator.emulator.arrivals.clear()
    async with clerk_emulator.client() as clerk:
        summary = await migrate(clerk, records, journal=tmp_path / "j.db", rate_limit=FAST)
    assert summary.counts["created"] == 6
    calls = [(method, path) for _, method, path, _ in clerk_emulator.arrivals]
    organization_calls = [call for call in calls if call[1].startswith("/v1/organizations")]
    # one look at the instance (no organization there), then one POST per organization
    assert organization_calls == [
        ("GET", "/v1/organizations"),
        *[("POST", "/v1/organizations")] * 5,
    ]


async def test_a_slug_taken_after_that_look_is_settled_by_clerks_422(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    """Clerk holds as many organizations as the journal knows, yet another one has a slug of
    the input (one of ours was deleted meanwhile): the POST's 422 is looked up, a conflict."""
    path = tmp_path / "j.db"
    organizations = [{"id": "o1", "name": "Acme"}]
    async with clerk_emulator.client() as clerk:
        await migrate(clerk, org_input(tmp_path, user_rows(1), organizations, []), journal=path,
                      rate_limit=FAST)  # fmt: skip
        await clerk.organizations.delete(clerk_emulator.state.orgs.get("acme").id)
        other = await clerk.organizations.create(name="Globex Corp", slug="globex")
        organizations.append({"id": "o2", "name": "Globex"})
        summary = await migrate(clerk, org_input(tmp_path, user_rows(1), organizations, []),
                                journal=path, rate_limit=FAST)  # fmt: skip
    with Journal(path) as journal:
        (globex,) = (row for row in journal.rows(kind="organization") if row.external_id == "o2")
    assert (globex.status, globex.code, globex.attempts) == ("conflict", "slug_taken", 1)
    assert globex.message is not None and other.id in globex.message
    assert summary.exit_code == 1


async def test_a_stopped_run_leaves_organizations_waiting_for_their_creator(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    """The instance is full before the creator is imported: nothing more is sent, and the
    organization waits for the next run (rather than going without its creator)."""
    clerk_emulator.user_limit = 2
    organizations = [{"id": "o1", "name": "Acme", "created_by": "u3"}]
    records = org_input(tmp_path, user_rows(4), organizations, [member("o1", "u3")])
    async with clerk_emulator.client() as clerk:
        summary = await migrate(
            clerk, records, journal=tmp_path / "j.db", rate_limit=FAST, concurrency=1
        )
    assert summary.stopped is not None
    assert not clerk_emulator.state.orgs.orgs
    with Journal(tmp_path / "j.db") as journal:
        counts = journal.counts_by_kind()
    assert counts["organization"]["pending"] == 1 and counts["membership"]["pending"] == 1
    clerk_emulator.user_limit = None
    async with clerk_emulator.client() as clerk:
        resumed = await migrate(clerk, records, journal=tmp_path / "j.db", rate_limit=FAST)
    assert resumed.exit_code == 0, resumed.lines()
    assert clerk_emulator.state.orgs.get("acme").data["created_by"] == user_id(clerk_emulator, "u3")
