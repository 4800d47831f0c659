"""Django auth_user: dumpdata JSON and JSONL, a CSV of the table; each hasher's exact Clerk form."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clerk_async.emulator.passwords import from_digest
from clerk_async.migrate.readers import django as django_reader
from clerk_async.migrate.readers._app_users import NoPassword
from clerk_async.migrate.records import SkippedRecord, SourceRecord
from tests.support.python_hashes import (
    DJANGO_HASHERS,
    PASSWORD,
    django_password,
    unusable_django_password,
)

from .support import body, invalid, mapped, read_all, records, write


def _user(pk: int | None, **fields: Any) -> dict[str, Any]:
    """A record as ``manage.py dumpdata auth.user`` writes it."""
    values: dict[str, Any] = {
        "password": django_password("pbkdf2_sha256_django"),
        "last_login": None,
        "is_superuser": False,
        "username": f"user{pk}",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": f"user{pk}@example.com",
        "is_staff": False,
        "is_active": True,
        "date_joined": "2021-03-04T05:06:07.890Z",
        "groups": [],
        "user_permissions": [],
    }
    values.update(fields)
    record: dict[str, Any] = {"model": "auth.user", "fields": values}
    if pk is not None:
        record["pk"] = pk
    return record


def test_dumpdata_json_maps_every_field(tmp_path: Path) -> None:
    dump = [
        {"model": "auth.group", "pk": 1, "fields": {"name": "editors", "permissions": []}},
        _user(
            1,
            username="ada_l",
            is_staff=True,
            is_superuser=True,
            last_login="2024-01-02T03:04:05Z",
            groups=[1],
        ),
        _user(2, username="grace", is_active=False, date_joined="2022-05-06T07:08:09+02:00"),
    ]
    path = write(tmp_path / "users.json", json.dumps(dump, indent=2))

    group, ada, grace = read_all("django", path)

    assert isinstance(group, SkippedRecord)
    assert (group.code, group.reason) == ("not_a_user", "a record of auth.group, not a user")
    assert isinstance(ada, SourceRecord) and isinstance(grace, SourceRecord)
    sent = body(ada)
    assert sent["external_id"] == "1"
    assert sent["username"] == "ada_l"
    assert sent["email_address"] == ["user1@example.com"]
    assert sent["email_address_identification_status"] == ["verified"]
    assert (sent["first_name"], sent["last_name"]) == ("Ada", "Lovelace")
    assert sent["created_at"] == "2021-03-04T05:06:07.890Z"
    assert sent["private_metadata"] == {"is_staff": True, "is_superuser": True}
    assert sent["banned"] is False
    assert sent["password_hasher"] == "pbkdf2_sha256_django"
    assert sent["password_digest"] == ada.fields["fields"]["password"]  # as Django writes it
    assert ada.fields["fields"]["groups"] == [1]  # kept in the record as read, not mapped
    assert body(grace)["banned"] is True
    assert body(grace)["created_at"] == "2022-05-06T05:08:09.000Z"
    assert body(grace)["private_metadata"] == {"is_staff": False, "is_superuser": False}


def test_dumpdata_jsonl_and_natural_primary_keys(tmp_path: Path) -> None:
    lines = [_user(7, username="ada"), _user(None, username="grace_h", email="g@example.com")]
    path = write(tmp_path / "users.jsonl", "".join(json.dumps(line) + "\n" for line in lines))

    ada, grace = records("django", path)

    assert (ada.source_id, ada.line) == ("7", 1)
    assert grace.source_id == "grace_h"  # --natural-primary: no pk, the username is the key


def test_csv_of_the_table_as_postgres_writes_it(tmp_path: Path) -> None:
    digest = django_password("bcrypt_sha256_django")
    csv = (
        "id,password,last_login,is_superuser,username,first_name,last_name,email,is_staff,"
        "is_active,date_joined\n"
        f"3,{digest},,f,ada,Ada,,ada@example.com,t,t,2021-03-04 05:06:07.89+00\n"
        f"4,{unusable_django_password()},,f,grace,,,grace@example.com,f,f,2022-01-01 00:00:00+00\n"
    )
    path = write(tmp_path / "auth_user.csv", csv)

    ada, grace = records("django", path)

    sent = body(ada)
    assert sent["external_id"] == "3"
    assert sent["private_metadata"] == {"is_staff": True, "is_superuser": False}
    assert sent["created_at"] == "2021-03-04T05:06:07.890Z"
    assert (sent["password_hasher"], sent["password_digest"]) == ("bcrypt_sha256_django", digest)
    assert from_digest(sent["password_digest"], sent["password_hasher"]).verify(PASSWORD)
    assert body(grace)["banned"] is True
    assert body(grace)["skip_password_requirement"] is True


@pytest.mark.parametrize("clerk_hasher", sorted(DJANGO_HASHERS))
def test_each_django_hasher_maps_to_its_clerk_form(clerk_hasher: str) -> None:
    encoded = django_password(clerk_hasher)

    digest, hasher = django_reader.clerk_password(encoded)

    assert hasher == clerk_hasher
    assert from_digest(digest, hasher).verify(PASSWORD)


def test_the_exact_forms_clerk_documents() -> None:
    sha1 = django_password("pbkdf2_sha1")
    _, iterations, salt, hash64 = sha1.split("$")
    import base64

    digest, _ = django_reader.clerk_password(sha1)
    assert digest == (
        f"pbkdf2_sha1${iterations}${salt.encode().hex()}${base64.b64decode(hash64).hex()}$20"
    )
    bcrypt = django_password("bcrypt")
    assert django_reader.clerk_password(bcrypt) == (bcrypt.removeprefix("bcrypt$"), "bcrypt")
    argon2 = django_password("argon2id")
    assert argon2.startswith("argon2$argon2id$v=19$")
    assert django_reader.clerk_password(argon2) == (argon2.removeprefix("argon2"), "argon2id")
    scrypt = django_password("scrypt_werkzeug")
    n, salt, r, p, hash64 = scrypt.split("$")[1:]
    assert django_reader.clerk_password(scrypt) == (
        f"$scrypt:{n}:{r}:{p}${salt}${base64.b64decode(hash64).hex()}",
        "scrypt_werkzeug",
    )


@pytest.mark.parametrize(
    ("stored", "reason"),
    [
        ("!" + "x" * 40, "an unusable password in Django (set_unusable_password)"),
        ("md5$s4lt$" + "0" * 32, "Django's md5 hasher has no Clerk counterpart"),
        ("sha1$$" + "0" * 40, "Django's sha1 hasher has no Clerk counterpart"),
        ("0123456789abcdef" * 2, "Django's unsalted_md5 hasher has no Clerk counterpart"),
        ("hunter2 in plain text", "not a password Django's own hashers write"),
        ("my$secret$value", "not a password Django's own hashers write"),
        ("pbkdf2_sha1$1000$salt", "a Django pbkdf2_sha1 password with 2 parts, not 3"),
        ("pbkdf2_sha1$1000$salt$not base64!", "the hash of a Django pbkdf2_sha1 password is not"),
        ("argon2$argon2d$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA", "of a variant Clerk has no hasher for"),
        ("argon2$argon2i$m=512,t=2,p=2$c2FsdHNhbHQ$aGFzaGhhc2g", "a version before 19"),
        ("bcrypt$$2b$12$short", "not in the form Clerk takes for bcrypt"),
    ],
)
def test_passwords_clerk_cannot_take_say_why_without_the_value(stored: str, reason: str) -> None:
    with pytest.raises(NoPassword) as caught:
        django_reader.clerk_password(stored)

    assert reason in str(caught.value)
    assert stored not in str(caught.value) and "secret" not in str(caught.value)


def test_a_user_without_a_usable_password_is_imported_with_a_note(tmp_path: Path) -> None:
    users = [
        _user(1, password=unusable_django_password()),
        _user(2, password="md5$s4lt$" + "0" * 32),
        _user(3, password=""),
        _user(4, password=django_password("argon2id")),
    ]
    path = write(tmp_path / "users.json", json.dumps(users))

    unusable, md5, empty, argon2 = (mapped(record) for record in records("django", path))

    assert unusable.notes == (
        "no password imported: an unusable password in Django (set_unusable_password)",
    )
    assert body(unusable.record)["skip_password_requirement"] is True
    assert md5.notes == ("no password imported: Django's md5 hasher has no Clerk counterpart",)
    assert empty.notes == ("no password imported: the Django password is empty",)
    assert argon2.notes == ()
    assert body(argon2.record)["password_hasher"] == "argon2id"


def test_usernames_clerk_refuses(tmp_path: Path) -> None:
    users = [
        _user(1, username="ada@example.com", email="ada@example.com"),  # the email itself
        _user(2, username="gr+ce", email="grace@example.com"),
        _user(3, username="bob", email=""),  # no email: kept, and reported
        _user(4, username="katherine.j", email="kj@example.com"),
    ]
    path = write(tmp_path / "users.json", json.dumps(users))

    same, plus, short, fine = records("django", path)

    assert "username" not in body(same) and mapped(same).notes == ()
    assert "username" not in body(plus)
    assert mapped(plus).notes[0].startswith("username not imported: the Django username")
    assert invalid(short).code == "invalid_username"
    assert body(fine)["username"] == "katherine.j"


def test_a_custom_user_model_is_read_and_other_models_skipped(tmp_path: Path) -> None:
    custom = _user(5)
    custom["model"] = "accounts.customuser"
    session = {"model": "sessions.session", "pk": "abc", "fields": {"session_data": "x"}}
    path = write(tmp_path / "dump.json", json.dumps([custom, session]))

    user, skipped = read_all("django", path)

    assert isinstance(user, SourceRecord) and user.source_id == "5"
    assert isinstance(skipped, SkippedRecord) and skipped.code == "not_a_user"
