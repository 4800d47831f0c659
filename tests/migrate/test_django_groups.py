"""Django's groups as organizations or as roles (``--groups-as``), from ``dumpdata`` records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clerk_async.emulator import ClerkEmulator
from clerk_async.migrate.cli import main
from clerk_async.migrate.mapping import map_record
from clerk_async.migrate.records import (
    MappedMembership,
    MappedOrganization,
    MappedUser,
    SourceError,
)
from tests.migrate.org_support import held, slugs
from tests.migrate.source_kill import external_ids, import_killed_and_resumed
from tests.migrate.support import read_all, write

GROUPS = [{"model": "auth.group", "pk": 1, "fields": {"name": "Editors", "permissions": [3]}},
          {"model": "auth.group", "pk": 2, "fields": {"name": "Content Admins",
                                                      "permissions": []}}]  # fmt: skip


def user(pk: int, groups: list[Any]) -> dict[str, Any]:
    """A record of ``manage.py dumpdata auth.user``."""
    return {"model": "auth.user", "pk": pk, "fields": {
        "password": "!unusable", "last_login": None, "is_superuser": False,
        "username": f"user{pk}", "first_name": "", "last_name": "", "email": f"u{pk}@example.com",
        "is_staff": False, "is_active": True, "date_joined": "2024-01-15T10:30:00Z",
        "groups": groups, "user_permissions": []}}  # fmt: skip


def dumps(tmp_path: Path, users: list[dict[str, Any]]) -> tuple[Path, Path]:
    return (write(tmp_path / "users.json", json.dumps(users)),
            write(tmp_path / "groups.json", json.dumps(GROUPS)))  # fmt: skip


def outcomes(tmp_path: Path, users: list[dict[str, Any]], **options: Any) -> list[Any]:
    users_file, groups_file = dumps(tmp_path, users)
    found = read_all("django", users_file, groups=groups_file, **options)
    return [map_record(record) for record in found]  # type: ignore[arg-type]


def test_groups_as_organizations_each_member_with_the_group_role(tmp_path: Path) -> None:
    found = outcomes(tmp_path, [user(1, [1, 2]), user(2, [["Editors"]]), user(3, [])],
                     groups_as="organizations")  # fmt: skip
    assert [type(item) for item in found] == [MappedUser] * 3 + [MappedOrganization] * 2 + [
        MappedMembership] * 3  # fmt: skip
    editors, admins = found[3:5]
    assert (editors.source_id, editors.slug) == ("Editors", "editors")
    assert (admins.request.name, admins.slug) == ("Content Admins", "content-admins")
    assert [(m.organization, m.user, m.role) for m in found[5:]] == [
        ("Editors", "1", "org:member"), ("Content Admins", "1", "org:member"),
        ("Editors", "2", "org:member")]  # fmt: skip
    again = outcomes(tmp_path, [user(1, [1])], groups_as="organizations", group_role="org:admin")
    assert again[-1].role == "org:admin"


def test_groups_as_roles_in_one_organization(tmp_path: Path) -> None:
    found = outcomes(tmp_path, [user(1, [2, 1]), user(2, [1]), user(3, [9]), user(4, [])],
                     groups_as="roles", groups_organization="Acme")  # fmt: skip
    organization, *memberships = found[4:]
    assert isinstance(organization, MappedOrganization) and organization.slug == "acme"
    assert [(m.organization, m.user, m.role) for m in memberships] == [
        ("Acme", "1", "org:content_admins"), ("Acme", "2", "org:editors"),
        ("Acme", "3", "org:member"), ("Acme", "4", "org:member")]  # fmt: skip
    assert memberships[0].notes == (
        "also had org:editors: Clerk gives a membership one role, org:content_admins",
    )
    assert memberships[2].notes == ("group 9 not in the auth.group dump",)
    assert found[0].record.draft.dropped == ()  # the groups are imported: as memberships


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"groups_as": "organizations"}, "needs groups"),
        ({"groups": "GROUPS"}, "read with groups_as"),
        ({"groups_as": "roles", "groups": "GROUPS"}, "needs groups_organization"),
        ({"groups_as": "organizations", "groups": "GROUPS", "group_role": "member"},
         "not a Clerk role key"),
        ({"groups_as": "organizations", "groups": "GROUPS", "organizations": ["o.json"]},
         "give no organizations"),
        ({"groups_as": "organizations", "groups": "GROUPS"}, None),
    ],
)  # fmt: skip
def test_options_that_do_not_go_together(
    tmp_path: Path, options: dict[str, Any], message: str | None
) -> None:
    users_file, groups_file = dumps(tmp_path, [user(1, [1])])
    if options.get("groups") == "GROUPS":
        options["groups"] = groups_file
    if message is None:
        assert read_all("django", users_file, **options)
        return
    with pytest.raises(SourceError, match=message):
        read_all("django", users_file, **options)
    with pytest.raises(SourceError, match="groups_as is for the django source"):
        read_all("clerk", users_file, groups_as="roles")


def test_a_dump_without_groups_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:  # fmt: skip
    users_file, _ = dumps(tmp_path, [user(1, [1])])
    code = main(["import", "--from", "django", "--groups-as", "organizations", "--groups",
                 str(users_file), "--dry-run", str(users_file)])  # fmt: skip
    assert code == 3 and "no auth.group records" in capsys.readouterr().err


@pytest.mark.slow  # a run killed with SIGKILL and resumed
def test_django_groups_killed_and_resumed_each_record_once(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    groups = [{"model": "auth.group", "pk": j, "fields": {"name": f"Team {j}", "permissions": []}}
              for j in range(1, 13)]  # fmt: skip
    write(tmp_path / "groups.json", json.dumps(groups))
    # each user in two groups, each group with 4 members (a development instance allows 5)
    users = [user(pk, [1 + (pk + k) % 12 for k in (0, 6)]) for pk in range(1, 25)]
    write(tmp_path / "users.json", json.dumps(users))
    report = import_killed_and_resumed(
        clerk_emulator, tmp_path,
        ["--from", "django", "users.json", "--groups-as", "organizations",
         "--groups", "groups.json", "--group-role", "org:admin"],
        memberships=48,
    )  # fmt: skip
    assert {line["status"] for line in report} == {"created"} and len(report) == 24 + 12 + 48
    assert external_ids(clerk_emulator) == {str(pk): 1 for pk in range(1, 25)}
    assert slugs(clerk_emulator) == {f"team-{j}": 1 for j in range(1, 13)}
    assert held(clerk_emulator) == {
        (f"team-{1 + (pk + k) % 12}", str(pk)): ["org:admin"] for pk in range(1, 25)
        for k in (0, 6)}  # fmt: skip
