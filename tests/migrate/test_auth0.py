"""Auth0: the NDJSON bulk export, Management API arrays, the quote-escaped CSV, the hash export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import bcrypt

from clerk_async.emulator.passwords import from_digest
from clerk_async.migrate.records import SkippedRecord, UserDraft

from .support import body, mapped, ndjson, read_all, records, write

DIGEST = bcrypt.hashpw(b"ada's password", bcrypt.gensalt(4)).decode()
ADA: dict[str, Any] = {
    "user_id": "auth0|65f1c0ffee0000000000a001",
    "email": "ada@example.com",
    "email_verified": True,
    "username": "ada_l",
    "given_name": "Ada",
    "family_name": "Lovelace",
    "name": "Ada Lovelace",
    "nickname": "ada",
    "phone_number": "+14155550101",
    "phone_verified": False,
    "created_at": "2021-03-04T05:06:07.890Z",
    "last_login": "2024-01-02T03:04:05.000Z",
    "blocked": True,
    "identities": [{"connection": "Username-Password-Authentication", "provider": "auth0"}],
    "app_metadata": {"roles": ["admin"]},
    "user_metadata": {"theme": "dark"},
}
GRACE = {
    "user_id": "google-oauth2|104837261234567890123",
    "email": "grace@example.com",
    "email_verified": True,
    "name": "Grace",
    "created_at": "2022-05-06T07:08:09.000Z",
}
UNVERIFIED_ONLY = {"user_id": "auth0|abc", "email": "new@example.com", "email_verified": False}


def _hash_export(path: Path, entries: list[dict[str, Any]]) -> Path:
    return ndjson(path, entries)


def test_bulk_export_ndjson_gz_maps_every_field(tmp_path: Path) -> None:
    path = ndjson(tmp_path / "export.json.gz", [ADA, GRACE, UNVERIFIED_ONLY], gz=True)

    ada, grace, unverified = records("auth0", path)

    assert body(ada) == {
        "external_id": "auth0|65f1c0ffee0000000000a001",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email_address": ["ada@example.com"],
        "email_address_identification_status": ["verified"],
        "phone_number": ["+14155550101"],
        "phone_number_identification_status": ["reserved"],
        "username": "ada_l",
        "skip_password_requirement": True,
        "private_metadata": {"roles": ["admin"]},
        "unsafe_metadata": {"theme": "dark"},
        "created_at": "2021-03-04T05:06:07.890Z",
        "banned": True,
    }
    assert (body(grace)["first_name"], "last_name" in body(grace)) == ("Grace", False)
    # Unverified and the only identifier: imported as reserved, never dropped.
    assert body(unverified)["email_address_identification_status"] == ["reserved"]


def test_management_api_json_array(tmp_path: Path) -> None:
    path = write(tmp_path / "users.json", json.dumps([ADA, GRACE], indent=2))

    assert [r.source_id for r in records("auth0", path)] == [ADA["user_id"], GRACE["user_id"]]


def test_csv_export_with_quote_escaped_cells(tmp_path: Path) -> None:
    text = (
        "user_id,email,email_verified,name,created_at,blocked,user_metadata.theme\n"
        '"\'auth0|65f1c0ffee0000000000a001","\'ada@example.com",true,"\'Ada Lovelace",'
        '2021-03-04T05:06:07.890Z,false,"\'dark"\n'
        "\"'auth0|b2\",\"'''quoted@example.com\",false,,2021-03-04T05:06:07.890Z,,\n"
    )
    ada, quoted = records("auth0", write(tmp_path / "export.csv", text))

    sent = body(ada)
    assert sent["external_id"] == "auth0|65f1c0ffee0000000000a001"
    assert sent["email_address"] == ["ada@example.com"]
    assert sent["email_address_identification_status"] == ["verified"]  # the string "true"
    assert (sent["first_name"], sent["last_name"]) == ("Ada", "Lovelace")
    assert sent["unsafe_metadata"] == {"theme": "dark"}
    assert sent["banned"] is False
    assert isinstance(quoted.draft, UserDraft)
    assert quoted.draft.emails[0].value == "''quoted@example.com"  # exactly one quote removed


def test_hash_export_joins_by_oid_and_alt_id(tmp_path: Path) -> None:
    custom = {"user_id": "auth0|legacy-42", "email": "custom@example.com", "email_verified": True}
    profiles = ndjson(tmp_path / "users.json", [ADA, GRACE, custom, UNVERIFIED_ONLY])
    hashes = _hash_export(
        tmp_path / "hashes.json",
        [
            {
                "_id": {"$oid": "65f1c0ffee0000000000a001"},
                "email": "ada@example.com",
                "passwordHash": DIGEST,
                "password_set_date": {"$date": "2021-03-04T05:06:07.890Z"},
                "connection": "Username-Password-Authentication",
            },
            {
                "_id": {"$oid": "ffff00000000000000000000"},
                "alt_id": "legacy-42",
                "passwordHash": DIGEST,
            },
        ],
    )

    ada, grace, legacy, no_hash = records("auth0", profiles, password_hashes=hashes)

    assert (body(ada)["password_hasher"], body(legacy)["password_hasher"]) == ("bcrypt", "bcrypt")
    assert from_digest(body(ada)["password_digest"], "bcrypt").verify("ada's password")
    assert "password_digest" not in body(grace)  # a Google user has no hash, and needs none
    assert mapped(no_hash).notes == (f"no password hash for auth0|abc in {hashes}",)
    assert mapped(grace).notes == ()


def test_hash_export_alone_is_a_user_file(tmp_path: Path) -> None:
    entry = {
        "_id": {"$oid": "65f1c0ffee0000000000a001"},
        "passwordHash": DIGEST,
        "identifiers": [
            {"type": "email", "value": "ada@example.com", "verified": True},
            {"type": "phone_number", "value": "+14155550101", "verified": False},
        ],
    }
    (record,) = records("auth0", ndjson(tmp_path / "hashes.json", [entry]))

    sent = body(record)
    assert sent["external_id"] == "auth0|65f1c0ffee0000000000a001"
    assert sent["email_address"] == ["ada@example.com"]
    assert sent["phone_number_identification_status"] == ["reserved"]
    assert sent["password_digest"] == DIGEST


def test_name_holding_the_email_is_not_a_name(tmp_path: Path) -> None:
    user = {"user_id": "email|1", "email": "x@example.com", "name": "x@example.com"}
    (record,) = records("auth0", ndjson(tmp_path / "u.json", [user]))

    assert "first_name" not in body(record)


def test_records_without_user_id_are_skipped(tmp_path: Path) -> None:
    users = [{"email": "x@example.com"}, {"user_id": "auth0|1", "email": "y@example.com"}]
    skip, _ = read_all("auth0", ndjson(tmp_path / "u.json", users))

    assert isinstance(skip, SkippedRecord) and (skip.code, skip.line) == ("no_id", 1)
