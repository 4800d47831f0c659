"""The jsonl and csv sources: Clerk's CreateUser field names."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clerk_async.migrate.records import SkippedRecord, SourceFileError

from .support import body, invalid, ndjson, read_all, records, write


def test_jsonl_with_clerk_names(tmp_path: Path) -> None:
    user = {
        "external_id": "legacy-1",
        "email_address": ["ada@example.com", "old@example.com"],
        "email_address_identification_status": ["verified", "reserved"],
        "password": "long enough password",
        "locale": "fr-FR",
        "backup_codes": ["c1", "c2"],
        "public_metadata": {"plan": "pro"},
        "legal_accepted_at": "2023-01-01T00:00:00Z",
    }
    (record,) = records("jsonl", ndjson(tmp_path / "u.jsonl", [user]))

    sent = body(record)
    assert sent["email_address_identification_status"] == ["verified", "reserved"]
    assert (sent["password"], sent["locale"]) == ("long enough password", "fr-FR")
    assert sent["backup_codes"] == ["c1", "c2"]
    assert sent["legal_accepted_at"] == "2023-01-01T00:00:00Z"
    assert "skip_password_requirement" not in sent


def test_csv_cells_are_split_and_typed(tmp_path: Path) -> None:
    text = (
        "external_id,email_address,email_address_identification_status,phone_number,"
        "skip_password_checks,password,create_organizations_limit,private_metadata\n"
        "e1,a@example.com|b@example.com,verified|unverified,+1 (415) 555-0101,"
        'true,short,3,"{""k"":1}"\n'
    )
    (record,) = records("csv", write(tmp_path / "u.csv", text))

    sent = body(record)
    assert sent["email_address_identification_status"] == ["verified", "reserved"]
    assert sent["phone_number"] == ["+14155550101"]
    assert sent["phone_number_identification_status"] == ["verified"]  # Clerk's default
    assert (sent["skip_password_checks"], sent["create_organizations_limit"]) == (True, 3)
    assert sent["private_metadata"] == {"k": 1}


def test_unknown_and_mistyped_fields_are_invalid(tmp_path: Path) -> None:
    rows = [
        {"external_id": "e1", "email_address": ["a@example.com"], "favourite_colour": "red"},
        {"external_id": "e2", "email_address": ["b@example.com"], "delete_self_enabled": [1]},
    ]
    unknown, mistyped = records("jsonl", write(tmp_path / "u.json", json.dumps(rows)))

    assert (invalid(unknown).code, invalid(unknown).field) == ("invalid_field", "favourite_colour")
    assert (invalid(mistyped).field, invalid(mistyped).code) == (
        "delete_self_enabled",
        "invalid_field",
    )


def test_records_need_an_external_id(tmp_path: Path) -> None:
    users: list[dict[str, Any]] = [
        {"email_address": ["a@example.com"]},
        {"external_id": "u2", "email_address": []},
    ]
    skip, _ = read_all("jsonl", ndjson(tmp_path / "u.jsonl", users))

    assert isinstance(skip, SkippedRecord)
    assert (skip.code, skip.reason) == ("no_id", "the record has no external_id")
    lone = ndjson(tmp_path / "lone.jsonl", users[:1])
    with pytest.raises(SourceFileError, match="not one has external_id"):
        read_all("jsonl", lone)  # a file where no record has an id: one error for the file
