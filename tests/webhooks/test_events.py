"""Typed events: every example of Clerk's webhook spec decodes into its event's Struct."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml  # type: ignore[import-untyped]

import clerk_async.webhooks as async_webhooks
import clerk_sync.webhooks as sync_webhooks
from clerk_async.webhooks import (
    EVENT_TYPES,
    OrganizationInvitationCreatedEvent,
    SessionEndedEvent,
    UnknownWebhookEvent,
    UserCreatedEvent,
    UserDeletedEvent,
    WebhookEventBase,
    WebhookVerificationError,
    WebhookVerificationErrorReason,
    decode_webhook_event,
    sign_webhook,
    verify_webhook,
)
from clerk_async.webhooks.models import DeletedObject, SessionEventPayload, User
from tests.support.spec import needs_spec as spec_needed

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT.parent / "shared" / "clerk-openapi" / "webhooks-2025-04-15.yml"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
R = WebhookVerificationErrorReason


def _spec_examples() -> list[tuple[str, dict[str, Any]]]:
    if not SPEC.exists():
        return []
    spec = yaml.safe_load(SPEC.read_text())
    out = []
    for event_type, item in spec["x-webhooks"].items():
        content = item["post"]["requestBody"]["content"]["application/json"]
        if "example" in content:
            out.append((event_type, content["example"]))
        for example in (content.get("examples") or {}).values():
            name = example["$ref"].rsplit("/", 1)[-1]
            out.append((event_type, spec["components"]["examples"][name]["value"]))
    return out


EXAMPLES = _spec_examples()
needs_spec = spec_needed(SPEC.name)


def signed(event: dict[str, Any] | bytes) -> tuple[bytes, dict[str, str]]:
    body = event if isinstance(event, bytes) else json.dumps(event).encode()
    return body, sign_webhook(body, SECRET)


@needs_spec
def test_the_spec_has_45_event_types_each_with_an_example() -> None:
    assert len(EVENT_TYPES) == 45
    assert sorted({event_type for event_type, _ in EXAMPLES}) == sorted(EVENT_TYPES)


@needs_spec
@pytest.mark.parametrize(("event_type", "example"), EXAMPLES, ids=[t for t, _ in EXAMPLES])
def test_each_spec_example_decodes_into_its_event(event_type: str, example: Any) -> None:
    body, headers = signed(example)
    event = verify_webhook(body, headers, SECRET)

    assert type(event) is EVENT_TYPES[event_type]
    assert event.type == event_type
    assert isinstance(event, WebhookEventBase)
    assert event.instance_id == example["instance_id"]
    assert event.timestamp == example["timestamp"]
    assert event.data is not None
    if "id" in example["data"]:
        assert event.data.id == example["data"]["id"]


def test_data_is_typed_as_its_schema() -> None:
    user = {"id": "user_1", "object": "user", "first_name": "Ada", "email_addresses": []}
    created = _envelope("user.created", _user(**user))
    event = decode_webhook_event(json.dumps(created))
    assert isinstance(event, UserCreatedEvent)
    assert isinstance(event.data, User) and event.data.first_name == "Ada"

    deleted = decode_webhook_event(
        json.dumps(_envelope("user.deleted", {"object": "user", "id": "user_1", "deleted": True}))
    )
    assert isinstance(deleted, UserDeletedEvent) and isinstance(deleted.data, DeletedObject)
    assert deleted.data.deleted is True

    session = _session(status="ended")
    ended = decode_webhook_event(json.dumps(_envelope("session.ended", session)))
    assert isinstance(ended, SessionEndedEvent) and isinstance(ended.data, SessionEventPayload)
    assert ended.data.user is not None and ended.data.user.id == "user_1"


def test_events_match_by_pattern() -> None:
    event = decode_webhook_event(json.dumps(_envelope("user.created", _user())))
    match event:
        case UserCreatedEvent(data=User(id=user_id)):
            assert user_id == "user_1"
        case _:
            pytest.fail("not matched")


def test_an_event_type_added_later_decodes_as_an_unknown_event() -> None:
    raw = _envelope("user.teleported", {"id": "user_1", "anything": [1, 2]})
    event = verify_webhook(*signed(raw), SECRET)

    assert isinstance(event, UnknownWebhookEvent)
    assert event.type == "user.teleported"
    assert event.data == {"id": "user_1", "anything": [1, 2]}
    assert event.instance_id == "ins_1"


def test_unknown_fields_are_ignored_and_new_enum_values_decode() -> None:
    session = _session(status="frozen", brand_new_field={"x": 1})
    event = decode_webhook_event(json.dumps({**_envelope("session.created", session), "v": 2}))
    assert event.data.status == "frozen"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"data": {}}',  # no envelope
        b'{"type": 3, "object": "event", "timestamp": 1, "instance_id": "i", "data": {}}',
        b"null",
    ],
)
def test_a_signed_body_that_is_not_a_clerk_event_is_rejected(body: bytes) -> None:
    with pytest.raises(WebhookVerificationError) as caught:
        verify_webhook(*signed(body), SECRET)
    assert caught.value.reason == R.PAYLOAD_INVALID


def test_a_known_event_whose_data_does_not_fit_is_rejected_with_the_path() -> None:
    broken = _envelope("user.deleted", {"id": "user_1", "deleted": "yes"})  # not a boolean
    with pytest.raises(WebhookVerificationError, match=r"\$\.data") as caught:
        verify_webhook(*signed(broken), SECRET)
    assert caught.value.reason == R.PAYLOAD_INVALID


def test_a_signed_body_that_is_not_utf8_is_rejected() -> None:
    body = json.dumps(_envelope("user.created", _user())).encode().replace(b"Ada", b"\xffda")
    with pytest.raises(WebhookVerificationError) as caught:
        verify_webhook(*signed(body), SECRET)
    assert caught.value.reason == R.BODY_NOT_UTF8


def test_the_signature_is_checked_before_the_body_is_read() -> None:
    body, headers = signed(b"\xff not json")
    with pytest.raises(WebhookVerificationError) as caught:
        verify_webhook(body + b" ", headers, SECRET)
    assert caught.value.reason == R.SIGNATURE_MISMATCH


def test_events_encode_back_with_their_type() -> None:
    event = decode_webhook_event(json.dumps(_envelope("user.created", _user())))
    assert msgspec.json.decode(msgspec.json.encode(event))["type"] == "user.created"


def test_both_packages_share_the_very_same_objects() -> None:
    for name in async_webhooks.__all__:
        assert getattr(sync_webhooks, name) is getattr(async_webhooks, name), name
    assert sync_webhooks.models.User is User
    assert sync_webhooks.events.UserCreatedEvent is UserCreatedEvent
    assert OrganizationInvitationCreatedEvent.type == "organizationInvitation.created"


# -- builders ------------------------------------------------------------------------------------


def _envelope(event_type: str, data: Any) -> dict[str, Any]:
    return {
        "object": "event",
        "type": event_type,
        "timestamp": 1716883200000,
        "instance_id": "ins_1",
        "data": data,
    }


def _user(**fields: Any) -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": "user_1", "object": "user", "first_name": "Ada", "last_name": None,
        "external_id": None, "primary_email_address_id": None, "primary_phone_number_id": None,
        "primary_web3_wallet_id": None, "username": None, "image_url": "https://img/1",
        "has_image": False, "public_metadata": {}, "private_metadata": {}, "unsafe_metadata": {},
        "email_addresses": [], "phone_numbers": [], "web3_wallets": [], "passkeys": [],
        "password_enabled": False, "two_factor_enabled": False, "totp_enabled": False,
        "backup_code_enabled": False, "mfa_enabled_at": None, "mfa_disabled_at": None,
        "external_accounts": [], "saml_accounts": [], "enterprise_accounts": [],
        "last_sign_in_at": None, "banned": False, "locked": False,
        "lockout_expires_in_seconds": None, "verification_attempts_remaining": None,
        "updated_at": 1, "created_at": 1, "delete_self_enabled": True,
        "create_organization_enabled": True, "last_active_at": None, "legal_accepted_at": None,
    }  # fmt: skip
    user.update(fields)
    return user


def _session(**fields: Any) -> dict[str, Any]:
    session: dict[str, Any] = {
        "object": "session", "id": "sess_1", "user_id": "user_1", "client_id": "client_1",
        "status": "active", "last_active_at": 1, "expire_at": 2, "abandon_at": 3,
        "updated_at": 1, "created_at": 1, "user": _user(),
    }  # fmt: skip
    session.update(fields)
    return session
