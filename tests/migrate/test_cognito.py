"""Cognito: ListUsers pages or NDJSON users, string booleans, custom attributes, awscognito."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clerk_async.emulator.passwords import from_digest
from clerk_async.migrate.readers import read_source
from clerk_async.migrate.records import SourceError

from .support import body, mapped, ndjson, records, write

POOL, CLIENT = "us-east-1_AbC123xyz", "4pq2r7clientid00000000000"


def _user(username: str, sub: str, **attributes: str) -> dict[str, Any]:
    values = {
        "sub": sub,
        "email": f"{username}@example.com",
        "email_verified": "true",
        **attributes,
    }
    return {
        "Username": username,
        "Attributes": [{"Name": name, "Value": value} for name, value in values.items()],
        "UserCreateDate": 1614834367.89,
        "UserLastModifiedDate": 1704164645.0,
        "Enabled": True,
        "UserStatus": "CONFIRMED",
    }


ADA = _user(
    "ada_l",
    "1f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f",
    phone_number="+14155550101",
    phone_number_verified="false",
    given_name="Ada",
    **{"custom:plan": "pro", "custom:seats": "3"},
)
GRACE = {
    **_user("0b1c2d3e-0000-4000-8000-000000000001", "0b1c2d3e-0000-4000-8000-000000000001"),
    "Enabled": False,
    "UserStatus": "FORCE_CHANGE_PASSWORD",
}


def test_list_users_pages_with_awscognito_passwords(tmp_path: Path) -> None:
    # As `aws cognito-idp list-users` prints it: pretty JSON, the token before the users.
    page = json.dumps({"PaginationToken": "abc", "Users": [ADA, GRACE]}, indent=4)
    path = write(tmp_path / "page1.json", page)

    ada, grace = records("cognito", path, cognito_user_pool_id=POOL, cognito_client_id=CLIENT)

    sent = body(ada)
    assert sent["external_id"] == "1f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f"
    assert sent["email_address_identification_status"] == ["verified"]
    assert sent["phone_number_identification_status"] == ["reserved"]
    assert sent["username"] == "ada_l"
    assert sent["private_metadata"] == {"plan": "pro", "seats": "3"}
    assert sent["created_at"] == "2021-03-04T05:06:07.890Z"
    assert sent["password_hasher"] == "awscognito"
    assert sent["password_digest"] == f"awscognito#{POOL}#{CLIENT}#ada_l"
    assert from_digest(sent["password_digest"], "awscognito").hasher == "awscognito"

    other = body(grace)
    assert other["banned"] is True
    assert "username" not in other  # a generated uuid username is not the user's choice
    assert "password_digest" not in other
    assert mapped(grace).notes == (
        "no awscognito password: the Cognito user is FORCE_CHANGE_PASSWORD",
    )


@pytest.mark.parametrize(
    ("kind", "expected"), [("email", "ada_l@example.com"), ("sub", ADA["Attributes"][0]["Value"])]
)
def test_ndjson_users_and_the_sign_in_identifier(tmp_path: Path, kind: str, expected: str) -> None:
    path = ndjson(tmp_path / "users.ndjson", [ADA, {"Users": [GRACE]}])

    ada, _ = records(
        "cognito",
        path,
        cognito_user_pool_id=POOL,
        cognito_client_id=CLIENT,
        cognito_identifier=kind,
    )

    assert body(ada)["password_digest"].endswith("#" + expected)


def test_without_pool_ids_no_password_is_sent(tmp_path: Path) -> None:
    (ada,) = records("cognito", ndjson(tmp_path / "u.ndjson", [ADA]))

    assert body(ada)["skip_password_requirement"] is True


def test_pool_without_client_is_refused() -> None:
    with pytest.raises(SourceError, match="both the user pool id and the app client id"):
        read_source("cognito", [], cognito_user_pool_id=POOL)
