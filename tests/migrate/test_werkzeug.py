"""Flask/werkzeug users tables: column names by option, werkzeug hashes in Clerk's exact forms."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from clerk_async.emulator.passwords import from_digest
from clerk_async.migrate.readers import werkzeug as werkzeug_reader
from clerk_async.migrate.readers._app_users import NoPassword
from clerk_async.migrate.records import SourceError
from tests.support.python_hashes import PASSWORD, WERKZEUG_METHODS, werkzeug_password

from .support import body, mapped, ndjson, read_all, records, skipped, write


def test_csv_with_the_default_column_names(tmp_path: Path) -> None:
    scrypt = werkzeug_password("scrypt_werkzeug")
    path = write(
        tmp_path / "users.csv",
        "id,email,username,password_hash,created_at,last_seen\n"
        f"1,ada@example.com,ada_l,{scrypt},2021-03-04 05:06:07,yesterday\n"
        f"2,grace@example.com,,{werkzeug_password('pbkdf2_sha256')},,\n",
    )

    ada, grace = records("werkzeug", path)

    sent = body(ada)
    assert sent["external_id"] == "1"
    assert sent["email_address"] == ["ada@example.com"]
    assert sent["email_address_identification_status"] == ["verified"]
    assert sent["username"] == "ada_l"
    assert sent["created_at"] == "2021-03-04T05:06:07.000Z"
    assert (sent["password_hasher"], sent["password_digest"]) == ("scrypt_werkzeug", "$" + scrypt)
    assert from_digest(sent["password_digest"], sent["password_hasher"]).verify(PASSWORD)
    assert body(grace)["password_hasher"] == "pbkdf2_sha256"


def test_columns_named_by_option(tmp_path: Path) -> None:
    path = ndjson(
        tmp_path / "users.ndjson",
        [
            {
                "user_id": 41,
                "mail": "ada@example.com",
                "login": "ada_l",
                "pw": werkzeug_password("pbkdf2_sha512"),
                "given": "Ada",
                "family": "Lovelace",
            }
        ],
    )
    columns = {
        "id": "user_id",
        "email": "mail",
        "username": "login",
        "password_hash": "pw",
        "first_name": "given",
        "last_name": "family",
    }

    (ada,) = records("werkzeug", path, columns=columns)

    sent = body(ada)
    assert (sent["external_id"], sent["username"]) == ("41", "ada_l")
    assert (sent["first_name"], sent["last_name"]) == ("Ada", "Lovelace")
    assert sent["password_hasher"] == "pbkdf2_sha512"
    assert from_digest(sent["password_digest"], "pbkdf2_sha512").verify(PASSWORD)


def test_flasks_tutorial_table_reads_its_password_column(tmp_path: Path) -> None:
    path = write(
        tmp_path / "user.csv",
        f"id,username,password\n1,ada_lovelace,{werkzeug_password('scrypt_werkzeug')}\n",
    )

    (ada,) = records("werkzeug", path)

    assert body(ada)["password_hasher"] == "scrypt_werkzeug"
    named = records("werkzeug", path, columns={"password_hash": "password_hash"})
    assert body(named[0])["skip_password_requirement"] is True  # the named column is absent


def test_an_unknown_column_role_or_another_sources_option_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "users.csv", "id,email\n1,ada@example.com\n")

    with pytest.raises(SourceError, match="no column role mail"):
        read_all("werkzeug", path, columns={"mail": "email"})
    with pytest.raises(SourceError, match="columns is for the werkzeug source"):
        read_all("django", path, columns={"id": "pk"})


def test_a_row_without_its_id_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "users.csv", "id,email\n,ada@example.com\n")

    (row,) = skipped("werkzeug", path)

    assert (row.code, row.reason) == ("no_id", "the record has no id column")


@pytest.mark.parametrize("clerk_hasher", sorted(WERKZEUG_METHODS))
def test_each_werkzeug_method_maps_to_its_clerk_form(clerk_hasher: str) -> None:
    digest, hasher = werkzeug_reader.clerk_password(werkzeug_password(clerk_hasher))

    assert hasher == clerk_hasher
    assert from_digest(digest, hasher).verify(PASSWORD)


def test_the_exact_forms_clerk_documents() -> None:
    stored = werkzeug_password("pbkdf2_sha256")
    method, salt, hex_hash = stored.split("$")
    raw = bytes.fromhex(hex_hash)
    b64 = base64.b64encode

    assert method == "pbkdf2:sha256:1000"
    assert werkzeug_reader.clerk_password(stored) == (
        f"pbkdf2_sha256$1000${b64(salt.encode()).decode()}${b64(raw).decode()}",
        "pbkdf2_sha256",
    )
    stored = werkzeug_password("pbkdf2_sha1")
    _, salt, hex_hash = stored.split("$")
    assert werkzeug_reader.clerk_password(stored) == (
        f"pbkdf2_sha1$1000${salt.encode().hex()}${hex_hash}$20",
        "pbkdf2_sha1",
    )
    stored = werkzeug_password("pbkdf2_sha512")
    assert werkzeug_reader.clerk_password(stored) == (
        stored.replace("pbkdf2:sha512:1000", "pbkdf2_sha512$1000"),
        "pbkdf2_sha512",
    )
    stored = werkzeug_password("scrypt_werkzeug")
    assert werkzeug_reader.clerk_password(stored) == ("$" + stored, "scrypt_werkzeug")
    # werkzeug's defaults when the method has no arguments
    assert werkzeug_reader.clerk_password("scrypt$salt$" + "ab" * 64)[0].startswith(
        "$scrypt:32768:8:1$salt$"
    )


@pytest.mark.parametrize(
    ("stored", "reason"),
    [
        ("sha256$s4lt$" + "0" * 64, "werkzeug's sha256 method, removed in werkzeug 3.0"),
        ("plain$$hunter2secret", "werkzeug's plain method"),
        ("pbkdf2:sha256$s4lt$" + "0" * 64, "without its iteration count"),
        ("pbkdf2:md5:1000$s4lt$" + "0" * 32, "werkzeug pbkdf2 with md5 has no Clerk hasher"),
        ("pbkdf2:secret:1000$s4lt$" + "0" * 32, "pbkdf2 with this hash function has no"),
        ("scrypt:1000:8:1$s4lt$" + "0" * 128, "n must be a power of 2"),
        ("scrypt:1024:8$s4lt$" + "0" * 128, "takes three numbers"),
        ("scrypt:1024:8:1$s4lt$not-hex", "is not hex"),
        ("$2b$12$" + "a" * 53, "not a werkzeug password hash"),
        ("my secret password", "not a werkzeug password hash"),
    ],
)
def test_hashes_clerk_cannot_take_say_why_without_the_value(stored: str, reason: str) -> None:
    with pytest.raises(NoPassword) as caught:
        werkzeug_reader.clerk_password(stored)

    assert reason in str(caught.value)
    assert "secret" not in str(caught.value) and "s4lt" not in str(caught.value)


def test_a_user_without_a_usable_hash_is_imported_with_a_note(tmp_path: Path) -> None:
    path = write(
        tmp_path / "users.json",
        json.dumps(
            [
                {"id": 1, "email": "ada@example.com", "password_hash": "sha1$s4lt$" + "0" * 40},
                {"id": 2, "email": "bob@example.com", "username": "bob"},
            ]
        ),
    )

    ada, bob = (mapped(record) for record in records("werkzeug", path))

    assert ada.notes == (
        "no password imported: werkzeug's sha1 method, removed in werkzeug 3.0, has no Clerk "
        "hasher",
    )
    assert body(ada.record)["skip_password_requirement"] is True
    assert bob.notes == (
        "no password imported: the werkzeug password is empty",
        "username not imported: the app's username is not a Clerk username (4 to 64 letters, "
        "digits, '_', '-' or '.'); the user signs in with the email address",
    )
