"""Records read and mapped offline are accepted by the emulator, and their passwords verify."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import bcrypt
import msgspec
from argon2 import PasswordHasher

from clerk_async import Clerk
from clerk_async.emulator import ClerkEmulator
from clerk_async.errors import UnprocessableEntityError
from clerk_async.migrate.records import MappedUser

from .support import mapped, ndjson, records, write
from .test_firebase import CONFIG_TEXT, HASH, SALT


def _create_arguments(user: MappedUser) -> dict[str, Any]:
    return {
        name: value
        for name, value in msgspec.structs.asdict(user.request).items()
        if value is not msgspec.UNSET
    }


async def test_passwords_from_three_sources_verify_after_import(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    auth0_hash = bcrypt.hashpw(b"auth0 password", bcrypt.gensalt(4)).decode()
    auth0 = ndjson(
        tmp_path / "auth0.json",
        [
            {
                "user_id": "auth0|65f1c0ffee0000000000a001",
                "email": "ada@example.com",
                "email_verified": True,
                "phone_number": "+14155550101",
                "phone_verified": False,
            }
        ],
    )
    hashes = ndjson(
        tmp_path / "hashes.json",
        [{"_id": {"$oid": "65f1c0ffee0000000000a001"}, "passwordHash": auth0_hash}],
    )
    firebase = write(
        tmp_path / "firebase.json",
        json.dumps(
            {
                "users": [
                    {
                        "localId": "fb1",
                        "email": "fb@example.com",
                        "passwordHash": HASH,
                        "salt": SALT,
                    }
                ]
            }
        ),
    )
    argon = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash("supa password")
    supabase = write(
        tmp_path / "supabase.json",
        json.dumps(
            [
                {
                    "id": "sb1",
                    "email": "sb@example.com",
                    "encrypted_password": argon,
                    "phone": "4915112345678",
                }
            ]
        ),
    )
    imports = [
        (records("auth0", auth0, password_hashes=hashes)[0], "auth0 password"),
        (
            records("firebase", firebase, hash_config=write(tmp_path / "c", CONFIG_TEXT))[0],
            "user1password",
        ),
        (records("supabase", supabase)[0], "supa password"),
    ]

    async with Clerk(bearer_auth=clerk_emulator.secret_key, server_url=clerk_emulator.url) as clerk:
        for record, password in imports:
            user = await clerk.users.create(**_create_arguments(mapped(record)))
            assert user.external_id == record.source_id
            assert (await clerk.users.verify_password(user.id, password=password)).verified
            try:
                await clerk.users.verify_password(user.id, password="not the password")
            except UnprocessableEntityError as error:
                assert error.data.errors[0].code == "form_password_incorrect"
            else:
                raise AssertionError("a wrong password verified")

        ada = (await clerk.users.list(external_id=["auth0|65f1c0ffee0000000000a001"]))[0]
        assert ada.phone_numbers[0].reserved is True  # kept, not promoted to verified
        assert ada.phone_numbers[0].verification is None
        assert ada.email_addresses[0].reserved is False
