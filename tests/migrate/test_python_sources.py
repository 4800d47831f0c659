"""``clerk-migrate import --from django`` and ``--from werkzeug`` end to end against the emulator:
every hasher's users sign in with their old password, and the report says whose was left out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clerk_async.emulator import ClerkEmulator
from clerk_async.errors import UnprocessableEntityError
from clerk_async.migrate.cli import main
from clerk_sync import Clerk
from tests.support.python_hashes import (
    DJANGO_HASHERS,
    PASSWORD,
    WERKZEUG_METHODS,
    django_password,
    unusable_django_password,
    werkzeug_password,
)

FAST = "100000/1s"


@pytest.fixture
def env(clerk_emulator: ClerkEmulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CLERK_SECRET_KEY", clerk_emulator.secret_key)
    monkeypatch.setenv("CLERK_API_URL", clerk_emulator.url)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _report(path: Path) -> dict[str, dict[str, Any]]:
    lines = [json.loads(line) for line in path.read_text().splitlines() if line]
    return {line["external_id"]: line for line in lines}


def _signs_in(emulator: ClerkEmulator, external_ids: list[str]) -> None:
    with Clerk(bearer_auth=emulator.secret_key, server_url=emulator.url) as clerk:
        for external_id in external_ids:
            (user,) = clerk.users.list(external_id=[external_id])
            assert clerk.users.verify_password(user.id, password=PASSWORD).verified
            with pytest.raises(UnprocessableEntityError) as wrong:
                clerk.users.verify_password(user.id, password=PASSWORD + "!")
            assert wrong.value.data.errors[0].code == "form_password_incorrect"


def test_a_django_dumpdata_file(
    env: Path, clerk_emulator: ClerkEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    passwords = {hasher: django_password(hasher) for hasher in sorted(DJANGO_HASHERS)}
    passwords["unusable"] = unusable_django_password()
    passwords["md5"] = "md5$s4lt$" + "0" * 32
    dump = [
        {
            "model": "auth.user",
            "pk": pk,
            "fields": {
                "password": encoded,
                "last_login": None,
                "is_superuser": False,
                "username": f"user_{pk}",
                "first_name": name,
                "last_name": "",
                "email": f"{pk}@example.com",
                "is_staff": name == "bcrypt",
                "is_active": True,
                "date_joined": "2021-03-04T05:06:07Z",
                "groups": [],
                "user_permissions": [],
            },
        }
        for pk, (name, encoded) in enumerate(passwords.items(), 1)
    ]
    path = env / "users.json"
    path.write_text(json.dumps(dump, indent=2))

    code = main(["import", "--from", "django", "--yes", "--rate-limit", FAST, str(path)])

    out = capsys.readouterr().out
    assert code == 0, out
    assert f"records   {len(dump)}: created {len(dump)}" in out
    assert "warning   " in out and "an unusable password in Django" in out
    ids = {name: str(pk) for pk, name in enumerate(passwords, 1)}
    _signs_in(clerk_emulator, [ids[hasher] for hasher in DJANGO_HASHERS])
    report = _report(env / "migration.report.ndjson")
    assert report[ids["unusable"]]["status"] == "created"
    assert report[ids["unusable"]]["note"] == (
        "no password imported: an unusable password in Django (set_unusable_password)"
    )
    assert report[ids["md5"]]["note"] == (
        "no password imported: Django's md5 hasher has no Clerk counterpart"
    )
    assert all(report[ids[hasher]]["note"] is None for hasher in DJANGO_HASHERS)
    report_text = (env / "migration.report.ndjson").read_text()
    assert not any(encoded in report_text for encoded in passwords.values())
    users = {user.data["external_id"]: user for user in clerk_emulator.state.users.users.values()}
    staff = users[ids["bcrypt"]].data["private_metadata"]
    assert staff == {"is_staff": True, "is_superuser": False}


def test_a_flask_users_csv_with_its_own_column_names(
    env: Path, clerk_emulator: ClerkEmulator
) -> None:
    hashes = {hasher: werkzeug_password(hasher) for hasher in sorted(WERKZEUG_METHODS)}
    hashes["legacy"] = "sha256$s4lt$" + "0" * 64
    rows = [
        f"u{index},{index}@example.com,{name.replace('_', '-')},{stored}"
        for index, (name, stored) in enumerate(hashes.items())
    ]
    path = env / "users.csv"
    path.write_text("uid,email,username,password_hash\n" + "\n".join(rows) + "\n")
    args = ["import", "--from", "werkzeug", "--column", "id=uid", "--journal", "flask.db"]

    assert main([*args, "--yes", "--rate-limit", FAST, str(path)]) == 0

    ids = {name: f"u{index}" for index, name in enumerate(hashes)}
    _signs_in(clerk_emulator, [ids[hasher] for hasher in WERKZEUG_METHODS])
    report = _report(env / "flask.report.ndjson")
    assert report[ids["legacy"]]["status"] == "created"
    assert report[ids["legacy"]]["note"] == (
        "no password imported: werkzeug's sha256 method, removed in werkzeug 3.0, has no Clerk "
        "hasher"
    )
    run = [*args, "--yes", "--rate-limit", FAST]
    assert main([*run, str(path)]) == 0  # resumed: nothing left to send
    assert len(clerk_emulator.state.users.users) == len(hashes)
    assert main([*run, "--column", "email=email", str(path)]) == 3  # other columns: other input
    assert main(["import", "--from", "werkzeug", "--column", "id", str(path)]) == 3  # no NAME
