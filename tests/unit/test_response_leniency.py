"""Responses decode leniently: what a newer or terser Clerk might send still gives a model."""

from __future__ import annotations

import msgspec

from clerk_async.emulator.samples import sample
from clerk_async.models import EmailAddress, User


def test_omitted_nullable_fields_decode_as_none() -> None:
    body = sample(User, nulls=True)
    nullable_absent = {k: v for k, v in body.items() if v is not None}

    user = msgspec.json.decode(msgspec.json.encode(nullable_absent), type=User)

    assert user.id == body["id"]
    assert user.mfa_enabled_at is None
    assert user.username is None


def test_unknown_fields_and_enum_values_decode() -> None:
    email = sample(EmailAddress, extra_fields=True)
    email["verification"] = {
        **sample(EmailAddress)["verification"],
        "status": "a_status_added_later",
        "strategy": "a_strategy_added_later",
    }

    decoded = msgspec.json.decode(msgspec.json.encode(email), type=EmailAddress)

    assert decoded.verification is not None
    assert decoded.verification.status == "a_status_added_later"
