"""Firebase: auth:export JSON and header-less CSV, the hash config in both of its forms."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from clerk_async.emulator.passwords import from_digest
from clerk_async.migrate.readers import parse_hash_config, read_source
from clerk_async.migrate.records import HashConfigError

from .support import body, records, write

# Firebase's published scrypt vector: this hash and salt are "user1password" under this config.
HASH = "lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ=="
SALT = "42xEC+ixf3L2lw=="
SIGNER_KEY = (
    "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA=="
)
CONFIG_TEXT = f"""hash_config {{
  algorithm: SCRYPT,
  base64_signer_key: {SIGNER_KEY},
  base64_salt_separator: Bw==,
  rounds: 8,
  mem_cost: 14,
}}
"""
CONFIG_JSON = json.dumps(
    {"base64_signer_key": SIGNER_KEY, "base64_salt_separator": "Bw==", "rounds": 8, "mem_cost": 14}
)

USERS = [
    {
        "localId": "kXo1Zb2QmJh3Yw4Vt5Us6Rq7Po8N",
        "email": "ada@example.com",
        "emailVerified": True,
        "passwordHash": HASH,
        "salt": SALT,
        "displayName": "Ada Lovelace",
        "lastSignedInAt": "1704153600000",
        "createdAt": "1614834367890",
        "phoneNumber": "+14155550101",
        "disabled": False,
        "customAttributes": '{"role":"admin"}',
        "providerUserInfo": [
            {"providerId": "google.com", "rawId": "1048", "email": "ada@example.com"}
        ],
    },
    {
        "localId": "grace",
        "email": "grace@example.com",
        "emailVerified": False,
        "displayName": "Grace",
        "disabled": True,
    },
]


def _export(path: Path) -> Path:
    # The exact layout auth:export writes: a wrapper line, then pretty objects joined by ",\n".
    objects = ",\n".join(json.dumps(user, indent=2) for user in USERS)
    return write(path, '{"users": [\n' + objects + "]}\n")


def _csv(path: Path) -> Path:
    providers = ",".join(["1048", "ada@example.com", '"Lovelace, Ada"', ""] + [""] * 12)
    row = (
        f'kXo1Zb2QmJh3Yw4Vt5Us6Rq7Po8N,ada@example.com,true,{HASH},{SALT},"Lovelace, Ada",,'
        f'{providers},1614834367890,1704153600000,+14155550101,false,"{{""role"":""admin""}}",\n'
    )
    cells = ["grace", "grace@example.com", "false", "", "", "Grace"] + [""] * 20 + ["true", ""]
    short = ",".join(cells) + "\n"  # 28 cells: no trailing comma
    return write(path, row + short)


@pytest.mark.parametrize(
    "config", [CONFIG_TEXT, CONFIG_JSON, json.dumps({"hash_config": json.loads(CONFIG_JSON)})]
)
@pytest.mark.parametrize("shape", [_export, _csv])
def test_exports_import_with_passwords_that_verify(
    tmp_path: Path, config: str, shape: Callable[[Path], Path]
) -> None:
    path = shape(tmp_path / "users.dat")
    config_file = write(tmp_path / "hash.txt", config)

    ada, grace = records("firebase", path, hash_config=config_file)

    sent = body(ada)
    assert sent["external_id"] == "kXo1Zb2QmJh3Yw4Vt5Us6Rq7Po8N"
    assert sent["email_address_identification_status"] == ["verified"]
    assert sent["phone_number"] == ["+14155550101"]
    assert sent["public_metadata"] == {"role": "admin"}
    assert sent["created_at"] == "2021-03-04T05:06:07.890Z"
    assert sent["banned"] is False
    assert sent["password_hasher"] == "scrypt_firebase"
    password = from_digest(sent["password_digest"], "scrypt_firebase")
    assert password.verify("user1password") and not password.verify("user2password")

    other = body(grace)
    assert (other["first_name"], other["banned"]) == ("Grace", True)  # one word: first name kept
    assert other["email_address_identification_status"] == ["reserved"]


def test_comma_in_the_csv_display_name_is_last_first(tmp_path: Path) -> None:
    ada, _ = records(
        "firebase", _csv(tmp_path / "u.csv"), hash_config=write(tmp_path / "c", CONFIG_TEXT)
    )

    assert (body(ada)["first_name"], body(ada)["last_name"]) == ("Ada", "Lovelace")


def test_hashes_without_a_hash_config_are_refused(tmp_path: Path) -> None:
    path = _export(tmp_path / "users.json")

    with pytest.raises(HashConfigError, match="hash config"):
        list(read_source("firebase", [path]))


def test_an_export_without_hashes_needs_no_config(tmp_path: Path) -> None:
    path = write(tmp_path / "u.json", json.dumps({"users": [USERS[1]]}))

    assert [r.source_id for r in records("firebase", path)] == ["grace"]


def test_a_csv_with_a_header_added_by_hand(tmp_path: Path) -> None:
    path = write(tmp_path / "u.csv", "localId,email\ngrace,grace@example.com\n")

    assert [r.source_id for r in records("firebase", path)] == ["grace"]


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "hash_config { algorithm: SCRYPT, rounds: 8, mem_cost: 14 }",
            "base64_signer_key is missing",
        ),
        (
            CONFIG_TEXT.replace("rounds: 8", "rounds: 80"),
            "rounds must be a whole number from 1 to 8",
        ),
        (CONFIG_TEXT.replace("SCRYPT", "HMAC_SHA256"), "Firebase's is SCRYPT"),
        (CONFIG_TEXT.replace(SIGNER_KEY, "not*base64"), "base64_signer_key is not base64"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_hash_configs_say_what_is_wrong(config: str, message: str) -> None:
    with pytest.raises(HashConfigError, match=message) as caught:
        parse_hash_config(config)
    assert SIGNER_KEY not in str(caught.value)


def test_the_signer_key_stays_out_of_the_config_repr() -> None:
    assert SIGNER_KEY not in repr(parse_hash_config(CONFIG_TEXT))


def test_a_missing_config_file_is_a_hash_config_error(tmp_path: Path) -> None:
    with pytest.raises(HashConfigError, match="cannot read"):
        read_source("firebase", [], hash_config=tmp_path / "nope.txt")


@pytest.mark.parametrize("placeholder", ["UkVEQUNURUQ=", "REDACTED"])
@pytest.mark.parametrize("with_config", [False, True])
def test_placeholder_hashes_are_no_passwords_and_are_warned_about(
    tmp_path: Path, placeholder: str, with_config: bool
) -> None:
    from clerk_async.migrate.readers.firebase import PLACEHOLDER_NOTE

    users = [
        {"localId": f"u{index}", "email": f"u{index}@example.com", "emailVerified": True,
         "passwordHash": placeholder, "salt": ""}
        for index in range(3)
    ]  # fmt: skip
    export = write(tmp_path / "users.json", json.dumps({"users": users}))
    options = {"hash_config": write(tmp_path / "c.txt", CONFIG_TEXT)} if with_config else {}

    found = records("firebase", export, **options)

    assert all("password_digest" not in body(record) for record in found)
    assert all(body(record)["skip_password_requirement"] for record in found)
    assert all(record.draft.notes == (PLACEHOLDER_NOTE,) for record in found)


def test_the_plan_warns_once_for_every_placeholder_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from clerk_async.migrate.cli import main

    monkeypatch.delenv("CLERK_SECRET_KEY", raising=False)
    users = [
        {"localId": f"u{index}", "email": f"u{index}@example.com", "passwordHash": "UkVEQUNURUQ="}
        for index in range(4)
    ]
    export = write(tmp_path / "users.json", json.dumps({"users": users}))

    assert main(["import", "--from", "firebase", "--dry-run", str(export)]) == 0
    (warning,) = [line for line in capsys.readouterr().out.splitlines() if "placeholder" in line]
    assert warning.startswith(f"warning   4 records, the first at {export}:1: ")
