"""Inputs of users, organizations and memberships for the engine's tests, and what Clerk holds."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from clerk_async.emulator import ClerkEmulator
from clerk_async.migrate.inputs import MigrationInput
from tests.migrate.support import ndjson

FAST = "100000/1s"
Rows = list[dict[str, Any]]


def user_rows(count: int, prefix: str = "u") -> Rows:
    return [
        {"external_id": f"{prefix}{i}", "email_address": [f"{prefix}{i}@example.com"]}
        for i in range(count)
    ]


def member(organization: str, user: str, role: str = "org:member") -> dict[str, Any]:
    return {"organization_id": organization, "user_id": user, "role": role}


def org_input(
    tmp_path: Path, users: Rows, organizations: Rows, memberships: Rows
) -> MigrationInput:
    """The three files, read by the generic source (Clerk's field names)."""
    return MigrationInput.of(
        "jsonl",
        [ndjson(tmp_path / "users.jsonl", users)],
        organizations=[ndjson(tmp_path / "orgs.jsonl", organizations)],
        memberships=[ndjson(tmp_path / "members.jsonl", memberships)],
    )


def held(emulator: ClerkEmulator) -> dict[tuple[str, str], list[str]]:
    """Every membership Clerk holds, as ``(organization slug, user external_id) -> [role...]``."""
    state = emulator.state
    found: dict[tuple[str, str], list[str]] = {}
    for organization in state.orgs.orgs.values():
        for user_id, membership in organization.members.items():
            user = state.users.find(user_id)
            external_id = "" if user is None else str(user.data["external_id"])
            key = (str(organization.data["slug"]), external_id)
            found.setdefault(key, []).append(str(membership.data["role"]))
    return found


def slugs(emulator: ClerkEmulator) -> Counter[str]:
    return Counter(str(org.data["slug"]) for org in emulator.state.orgs.orgs.values())


def marker(emulator: ClerkEmulator, slug: str) -> object:
    record = emulator.state.orgs.get(slug)
    return record.data["private_metadata"].get("clerk_migrate")


def user_id(emulator: ClerkEmulator, external_id: str) -> str:
    """The Clerk id of the user with ``external_id``."""
    (found,) = (r.id for r in emulator.state.users.users.values()
                if r.data["external_id"] == external_id)  # fmt: skip
    return str(found)
