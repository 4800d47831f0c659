"""Auth.js users tables: integer or cuid ids, emailVerified, one-word names."""

from __future__ import annotations

import json
from pathlib import Path

from .support import body, records, write

PG = {
    "id": 17,
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "emailVerified": "2021-03-04T05:06:07.890Z",
    "image": None,
}
PRISMA = {
    "id": "clxk2m9v80000abcd1234efgh",
    "name": "Grace",
    "email": "grace@example.com",
    "emailVerified": None,
    "image": "https://example.com/g.png",
}


def test_integer_and_cuid_ids_with_email_verified(tmp_path: Path) -> None:
    path = write(tmp_path / "users.json", json.dumps([PG, PRISMA]))

    pg, prisma = records("authjs", path)

    assert body(pg) == {
        "external_id": "17",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email_address": ["ada@example.com"],
        "email_address_identification_status": ["verified"],
        "skip_password_requirement": True,
    }
    sent = body(prisma)
    assert sent["external_id"] == "clxk2m9v80000abcd1234efgh"
    assert sent["first_name"] == "Grace"  # a one-word name is kept
    assert sent["email_address_identification_status"] == ["reserved"]


def test_csv_export_of_the_users_table(tmp_path: Path) -> None:
    text = (
        'id,name,email,"emailVerified",created_at\n3,Ada,ada@example.com,,2020-01-02 03:04:05+00\n'
    )
    (record,) = records("authjs", write(tmp_path / "users.csv", text))

    sent = body(record)
    assert sent["email_address_identification_status"] == ["reserved"]
    assert sent["created_at"] == "2020-01-02T03:04:05.000Z"
