"""Supabase auth.users: JSON or CSV, hashers per record, phones' "+", jsonb both ways, skips."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import bcrypt
from argon2 import PasswordHasher
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from clerk_async.emulator.passwords import from_digest
from clerk_async.migrate.records import SkippedRecord, SourceRecord

from .support import body, invalid, read_all, write

BCRYPT = bcrypt.hashpw(b"supa secret", bcrypt.gensalt(4)).decode()
ARGON2 = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash("supa secret")


def _fbscrypt(password: str) -> str:
    """Supabase's $fbscrypt$ form of a Firebase hash, made the way Firebase makes it."""
    key, separator, salt = b"k" * 32, b"\x07", b"salty"
    derived = hashlib.scrypt(password.encode(), salt=salt + separator, n=2**10, r=8, p=1, dklen=32)
    encryptor = Cipher(algorithms.AES(derived), modes.CTR(bytes(16))).encryptor()
    hashed = encryptor.update(key) + encryptor.finalize()
    b64 = base64.b64encode
    return (
        f"$fbscrypt$v=1,n=10,r=8,p=1,ss={b64(separator).decode()},sk={b64(key).decode()}"
        f"${b64(salt).decode()}${b64(hashed).decode()}"
    )


def _row(**fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": "5f0c6c1e-2f8a-4d6b-9a7e-3c1b2a4d5e6f",
        "email": "ada@example.com",
        "email_confirmed_at": "2021-03-04T05:07:00.000Z",
        "encrypted_password": BCRYPT,
        "phone": "14155550101",
        "phone_confirmed_at": None,
        "raw_user_meta_data": {"display_name": "Ada Lovelace", "avatar_url": "https://e.com/a.png"},
        "raw_app_meta_data": {"provider": "email", "providers": ["email"]},
        "created_at": "2021-03-04T05:06:07.890Z",
        "deleted_at": None,
        "is_anonymous": False,
        "banned_until": None,
    }
    row.update(fields)
    return row


def test_json_export_hashers_per_record(tmp_path: Path) -> None:
    rows = [
        _row(),
        _row(id="u-argon", email="b@example.com", encrypted_password=ARGON2, phone=""),
        _row(id="u-fb", email="c@example.com", encrypted_password=_fbscrypt("fb secret"), phone=""),
        _row(id="u-oauth", email="d@example.com", encrypted_password="", phone=""),
        _row(id="u-enc", email="e@example.com", encrypted_password="enc:AAAAxyz", phone=""),
    ]
    path = write(tmp_path / "users.json", json.dumps(rows))

    found = read_all("supabase", path)
    ada, argon, fb, oauth, encrypted = (r for r in found if isinstance(r, SourceRecord))

    sent = body(ada)
    assert sent["phone_number"] == ["+14155550101"]
    assert sent["phone_number_identification_status"] == ["reserved"]
    assert sent["email_address_identification_status"] == ["verified"]
    assert (sent["first_name"], sent["last_name"]) == ("Ada", "Lovelace")
    assert sent["unsafe_metadata"]["avatar_url"] == "https://e.com/a.png"
    assert sent["private_metadata"] == {"provider": "email", "providers": ["email"]}
    assert from_digest(sent["password_digest"], sent["password_hasher"]).verify("supa secret")
    assert body(argon)["password_hasher"] == "argon2id"
    assert from_digest(body(argon)["password_digest"], "argon2id").verify("supa secret")
    fb_sent = body(fb)
    assert fb_sent["password_hasher"] == "scrypt_firebase"
    assert from_digest(fb_sent["password_digest"], "scrypt_firebase").verify("fb secret")
    assert body(oauth)["skip_password_requirement"] is True
    refused = invalid(encrypted)
    assert (refused.code, refused.field) == ("unknown_password_hasher", "password_hasher")


def test_csv_export_with_jsonb_text_and_postgres_values(tmp_path: Path) -> None:
    header = "id,email,email_confirmed_at,encrypted_password,phone,phone_confirmed_at,"
    header += "raw_user_meta_data,raw_app_meta_data,created_at,deleted_at,is_anonymous,banned_until"
    row = (
        f"u1,ada@example.com,,{BCRYPT},4915112345678,2024-01-15 10:30:00.000000+00,"
        '"{""full_name"":""Ada#0""}","{""provider"":""email""}",'
        "2024-01-15 10:30:00.123456+02,,f,2999-01-01 00:00:00+00\n"
    )
    (record,) = read_all("supabase", write(tmp_path / "users.csv", header + "\n" + row))

    assert isinstance(record, SourceRecord)
    sent = body(record)
    assert sent["email_address_identification_status"] == ["reserved"]
    assert sent["phone_number"] == ["+4915112345678"]
    assert sent["phone_number_identification_status"] == ["verified"]
    assert sent["first_name"] == "Ada"  # Discord's "#0" suffix stripped
    assert sent["unsafe_metadata"] == {"full_name": "Ada#0"}
    assert sent["created_at"] == "2024-01-15T08:30:00.123Z"
    assert sent["banned"] is True


def test_soft_deleted_and_anonymous_rows_are_skipped_and_reported(tmp_path: Path) -> None:
    rows = [
        _row(id="gone", deleted_at="2023-01-01T00:00:00Z"),
        _row(id="anon", email=None, phone=None, is_anonymous=True),
        _row(id="kept", banned_until="2001-01-01T00:00:00Z"),
    ]
    found = read_all("supabase", write(tmp_path / "u.ndjson", "\n".join(map(json.dumps, rows))))

    skipped = [(s.code, s.source_id, s.line) for s in found if isinstance(s, SkippedRecord)]
    assert skipped == [("soft_deleted", "gone", 1), ("anonymous", "anon", 2)]
    (kept,) = (r for r in found if isinstance(r, SourceRecord))
    assert body(kept)["banned"] is False  # the ban is over


def test_jsonb_text_that_is_not_an_object_is_reported(tmp_path: Path) -> None:
    row = _row(raw_user_meta_data='"just a string"')
    (record,) = read_all("supabase", write(tmp_path / "u.json", json.dumps([row])))

    assert isinstance(record, SourceRecord)
    refused = invalid(record)
    assert (refused.code, refused.field) == ("invalid_metadata", "unsafe_metadata")
