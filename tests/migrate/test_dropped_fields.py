"""No field is dropped silently: Supabase usernames are imported, and every field of the input the
import leaves out is named, per record in the report and counted in the summary."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from clerk_async.migrate.inputs import MigrationInput
from clerk_async.migrate.journal import Journal
from clerk_async.migrate.plan import preflight
from clerk_async.migrate.report import Summary, write_report

from .support import body, records, write

BCRYPT = "$2b$10$U4C0ZY8OG8y41F9LusfKyu3HRMBL0rCZcKBVsXhgr.n8Ou6FPhzO2"
SUPABASE_INTERNALS = {
    "instance_id": "00000000-0000-0000-0000-000000000000",
    "aud": "authenticated",
    "role": "authenticated",
    "updated_at": "2024-01-15 10:30:00.000000+00",
    "confirmed_at": "2024-01-15 10:30:00.000000+00",
    "email_change_confirm_status": "0",
    "is_sso_user": "false",
}


def supabase_sample() -> list[dict[str, Any]]:
    """The shape of Clerk's samples/supabase.json: 25 users, 15 of them with a username (5
    with an email, 10 signing in by phone), the row keeping Supabase's internal columns."""
    rows: list[dict[str, Any]] = []
    for index in range(25):
        row: dict[str, Any] = {
            "id": f"user_sample{index:02d}",
            "raw_app_meta_data": '{"provider":"email","providers":["email"]}',
            "raw_user_meta_data": "{}",
            "created_at": "2024-01-15 10:30:00.000000+00",
            "deleted_at": "",
            **SUPABASE_INTERNALS,
        }
        if index < 15:
            row.update(email=f"user{index}@example.com", first_name="Jane", last_name="Doe",
                       encrypted_password=BCRYPT if index % 2 else "",
                       email_confirmed_at="2024-01-15 10:30:00.000000+00")  # fmt: skip
        else:
            row.update(phone=f"+1212555{index:04d}", phone_confirmed_at="2024-01-15 10:45:00+00")
        if index >= 10:
            row["username"] = f"user_{index}"
        rows.append(row)
    return rows


def test_supabase_usernames_are_imported(tmp_path: Path) -> None:
    found = records("supabase", write(tmp_path / "supabase.json", json.dumps(supabase_sample())))

    usernames = [body(record).get("username") for record in found]
    assert usernames == [None] * 10 + [f"user_{index}" for index in range(10, 25)]
    assert all("username" not in record.draft.dropped for record in found)


def test_every_field_left_out_is_named_per_record_and_counted(tmp_path: Path) -> None:
    rows = supabase_sample()
    rows[0]["favourite_colour"] = "green"
    export = write(tmp_path / "supabase.json", json.dumps(rows))

    with Journal(tmp_path / "plan.db", scratch=True) as journal:
        found = preflight(journal, MigrationInput.of("supabase", [export]))
        write_report(journal, tmp_path / "report.ndjson")
        summary = Summary.of(journal)

    internals = set(SUPABASE_INTERNALS)
    assert found.dropped == {**dict.fromkeys(sorted(internals), 25), "favourite_colour": 1}
    lines = [json.loads(line) for line in (tmp_path / "report.ndjson").read_text().splitlines()]
    assert set(lines[0]["dropped"]) == internals | {"favourite_colour"}
    assert all(set(line["dropped"]) == internals for line in lines[1:])
    (shown,) = [line for line in summary.lines() if line.startswith("dropped")]
    assert "aud (25)" in shown and "favourite_colour (1)" in shown


@pytest.mark.parametrize(
    ("source", "record", "dropped"),
    [
        ("auth0", {"user_id": "auth0|1", "email": "a@b.co", "nickname": "ada",
                   "app_metadata.plan": "pro", "identities": []}, ["nickname"]),
        ("firebase", {"localId": "f1", "email": "a@b.co", "photoUrl": "https://x/y.png",
                      "providerUserInfo": []}, ["photoUrl"]),
        ("authjs", {"id": 1, "email": "a@b.co", "image": "https://x/y.png"}, ["image"]),
        ("cognito", {"Username": "ada", "UserLastModifiedDate": 1.5, "Attributes": [
            {"Name": "email", "Value": "a@b.co"}, {"Name": "birthdate", "Value": "1815-12-10"},
            {"Name": "custom:plan", "Value": "pro"}]},
         ["UserLastModifiedDate", "Attributes.birthdate"]),
        ("clerk", {"id": "user_1", "primary_email_address": "a@b.co", "backup_codes_enabled": "t"},
         ["backup_codes_enabled"]),
        ("django", {"model": "auth.user", "pk": 7, "fields": {"username": "ada", "email": "a@b.co",
                    "password": "", "last_login": "2024-01-02T03:04:05Z", "groups": []}},
         ["fields.last_login"]),
        ("werkzeug", {"id": 7, "email": "a@b.co", "password_hash": "", "role": "admin"}, ["role"]),
        ("jsonl", {"external_id": "x", "email_address": ["a@b.co"], "locale": "fr"}, []),
    ],
)  # fmt: skip
def test_each_source_names_what_it_leaves_out(
    tmp_path: Path, source: str, record: dict[str, Any], dropped: list[str]
) -> None:
    (found,) = records(source, write(tmp_path / "u.json", json.dumps([record])))

    assert list(found.draft.dropped) == dropped


def test_a_journal_written_before_dropped_fields_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Journal(path) as journal:
        journal.begin_run("import")
    with sqlite3.connect(path) as db:  # as the first version of schema 1 wrote it
        db.execute("ALTER TABLE records DROP COLUMN dropped")
        db.execute("DROP TABLE dropped_sets")
    with Journal(path) as journal:
        assert journal.dropped_fields() == {}
        assert journal.counts()["pending"] == 0
