"""The journal keys every kind of record: duplicates, what a membership needs, member limits."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from clerk_async.migrate.journal import Journal
from clerk_async.migrate.plan import over_member_limits, preflight
from clerk_async.migrate.readers import read_source
from tests.migrate.support import ndjson

USERS: list[dict[str, Any]] = [
    {"external_id": "u1", "email_address": ["u1@example.com"]},
    {"external_id": "u2", "email_address": ["u2@example.com"]},
    {"external_id": "bad", "email_address": ["not an address"]},
]


Rows = list[dict[str, Any]]


def plan(tmp_path: Path, organizations: Rows, memberships: Rows, users: Rows = USERS) -> Journal:
    files = {
        "users": ndjson(tmp_path / "users.jsonl", users),
        "organizations": ndjson(tmp_path / "orgs.jsonl", organizations),
        "memberships": ndjson(tmp_path / "members.jsonl", memberships),
    }
    journal = Journal(tmp_path / "j.db")
    records = read_source(
        "jsonl",
        [files["users"]],
        organizations=[files["organizations"]],
        memberships=[files["memberships"]],
    )
    preflight(journal, records)
    return journal


def by_location(journal: Journal) -> dict[str, tuple[str, str, str | None]]:
    return {
        row.location.rsplit("/", 1)[-1]: (row.kind, row.status, row.code) for row in journal.rows()
    }


def member(organization: str, user: str, role: str = "org:member") -> dict[str, object]:
    return {"organization_id": organization, "user_id": user, "role": role}


def test_a_membership_needs_its_user_and_its_organization_in_the_input(tmp_path: Path) -> None:
    organizations = [{"id": "o1", "name": "One"}, {"id": "o2", "name": "Two", "slug": "!"}]
    memberships = [
        member("o1", "u1"),
        member("o1", "ghost"),
        member("o1", "bad"),
        member("nowhere", "u1"),
        member("o2", "u1"),
    ]
    with plan(tmp_path, organizations, memberships) as journal:
        found = by_location(journal)
        rows = {row.location: row for row in journal.rows(kind="membership")}
    assert found["members.jsonl:1"] == ("membership", "pending", None)
    assert found["members.jsonl:2"] == ("membership", "invalid", "user_not_found")
    assert found["members.jsonl:3"] == ("membership", "invalid", "user_invalid")
    assert found["members.jsonl:4"] == ("membership", "invalid", "organization_not_found")
    assert found["members.jsonl:5"] == ("membership", "invalid", "organization_invalid")
    first = rows[str(tmp_path / "members.jsonl") + ":1"]
    assert (first.user_seq, first.org_seq) == (0, 3)  # u1's record, o1's record
    third = rows[str(tmp_path / "members.jsonl") + ":3"]
    assert third.message == f"its user bad is invalid in the input ({tmp_path}/users.jsonl:3)"


def test_duplicates_of_every_kind(tmp_path: Path) -> None:
    organizations = [
        {"id": "o1", "name": "One", "slug": "one"},
        {"id": "o1", "name": "One again", "slug": "one-again"},
        {"id": "o2", "name": "Two", "slug": "one"},
    ]
    memberships = [member("o1", "u1"), member("o1", "u1", "org:admin")]
    with plan(tmp_path, organizations, memberships) as journal:
        found = by_location(journal)
        messages = {row.location.rsplit("/", 1)[-1]: row.message for row in journal.rows()}
    assert found["orgs.jsonl:2"] == ("organization", "duplicate", "duplicate_organization")
    assert found["orgs.jsonl:3"] == ("organization", "duplicate", "duplicate_slug")
    assert found["members.jsonl:2"] == ("membership", "duplicate", "duplicate_membership")
    assert messages["orgs.jsonl:3"] == f"the slug one is also in {tmp_path}/orgs.jsonl:1"
    assert messages["members.jsonl:2"] == (
        f"the membership of u1 in o1 is also in {tmp_path}/members.jsonl:1"
    )


def test_a_membership_of_a_duplicated_organization_belongs_to_the_first(tmp_path: Path) -> None:
    organizations = [{"id": "o1", "name": "One"}, {"id": "o1", "name": "Two"}]
    with plan(tmp_path, organizations, [member("o1", "u1")]) as journal:
        (membership,) = journal.rows(kind="membership")
        assert (membership.status, membership.org_seq) == ("pending", 3)


def test_a_creator_outside_the_input_leaves_the_organization_without_one(
    tmp_path: Path,
) -> None:
    organizations = [
        {"id": "o1", "name": "One", "created_by": "u1"},
        {"id": "o2", "name": "Two", "created_by": "ghost"},
    ]
    with plan(tmp_path, organizations, []) as journal:
        one, two = journal.rows(kind="organization")
    assert (one.status, one.user_seq, one.note) == ("pending", 0, None)
    assert (two.status, two.user_seq) == ("pending", None)
    assert two.note == (
        "its creator ghost is not in the input: the organization is created without one"
    )


def test_roles_in_use_are_counted_once_per_pending_membership(tmp_path: Path) -> None:
    organizations = [{"id": "o1", "name": "One"}]
    memberships = [
        member("o1", "u1", "org:billing"),
        member("o1", "u2", "org:billing"),
        member("o1", "ghost", "org:viewer"),  # invalid: its role is not needed
    ]
    path = tmp_path / "j.db"
    plan(tmp_path, organizations, memberships).close()
    with Journal(path) as journal:  # a resumed preflight admits nothing twice
        preflight(journal, read_source("jsonl", [tmp_path / "users.jsonl"],
                                       organizations=[tmp_path / "orgs.jsonl"],
                                       memberships=[tmp_path / "members.jsonl"]))  # fmt: skip
        roles = journal.access("role")
    assert [(role["key"], role["used"]) for role in roles] == [("org:billing", 2)]


def test_organizations_over_their_member_limit(tmp_path: Path) -> None:
    users = [{"external_id": f"u{i}", "email_address": [f"u{i}@example.com"]} for i in range(7)]
    organizations: Rows = [
        {"id": "small", "name": "Small", "max_allowed_memberships": 2},
        {"id": "default", "name": "Default", "created_by": "u6"},
        {"id": "open", "name": "Open", "max_allowed_memberships": 0},
        {"id": "fits", "name": "Fits", "created_by": "u0"},
    ]
    memberships = [member(org, f"u{i}") for org in ("small", "default", "open") for i in range(5)]
    memberships += [member("fits", f"u{i}") for i in range(5)]  # the creator u0 among them
    with plan(tmp_path, organizations, memberships, users) as journal:
        over = over_member_limits(journal, 5)
        unlimited = over_member_limits(journal, 0)
    assert [(o.source_id, o.members, o.limit, o.own) for o in over] == [
        ("small", 5, 2, True),
        ("default", 6, 5, False),  # five members and the creator, who joins on creation
    ]
    assert [o.source_id for o in unlimited] == ["small"]
    assert over[1].line().endswith("over the instance's default of 5")


def test_a_journal_of_an_earlier_version_gets_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO meta VALUES ('schema', '1'), ('import_id', 'x');"
            "CREATE TABLE records (seq INTEGER PRIMARY KEY, external_id TEXT, location TEXT "
            "NOT NULL, status TEXT NOT NULL, clerk_id TEXT, code TEXT, message TEXT, field TEXT, "
            "identifier TEXT, attempts INTEGER NOT NULL DEFAULT 0, uncertain INTEGER NOT NULL "
            "DEFAULT 0, run_id TEXT, updated_at REAL NOT NULL);"
            "INSERT INTO records (seq, external_id, location, status, updated_at) "
            "VALUES (0, 'u1', 'f:1', 'created', 0);"
        )
    with Journal(path) as journal:
        (row,) = journal.rows()
        assert (row.kind, row.status) == ("user", "created")
        assert journal.counts_by_kind() == {"user": journal.counts()}
