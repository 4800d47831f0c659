"""Code written for ``clerk_backend_api.security`` finds the same names, fields and codes here."""

from __future__ import annotations

import dataclasses
import json
import pickle
from typing import Any

import pytest

import clerk_async.security as ours_async
import clerk_sync.security as ours_sync
from clerk_async.errors import ClerkError
from clerk_async.security import (
    AuthenticateRequestOptions,
    TokenVerificationError,
    TokenVerificationErrorReason,
    VerifyTokenOptions,
)
from clerk_async.webhooks import WebhookVerificationErrorReason

official = pytest.importorskip("clerk_backend_api.security")
official_types = pytest.importorskip("clerk_backend_api.security.types")

ISSUE_NAMES = [
    "authenticate_request",
    "verify_token",
    "AuthenticateRequestOptions",
    "VerifyTokenOptions",
    "RequestState",
    "AuthStatus",
    "AuthErrorReason",
    "TokenVerificationError",
    "TokenVerificationErrorReason",
    "SessionAuthObjectV1",
    "SessionAuthObjectV2",
    "APIKeyMachineAuthObject",
    "M2MMachineAuthObject",
    "OAuthMachineAuthObject",
]


def test_both_packages_export_the_same_names() -> None:
    for name in ISSUE_NAMES:
        assert name in ours_async.__all__ and name in ours_sync.__all__, name
    for name in ours_async.__all__:
        if name not in ("authenticate_request", "verify_token"):
            assert getattr(ours_async, name) is getattr(ours_sync, name), name  # shared classes
    assert ours_sync.verify_token.__module__ == "clerk_sync.security._verify"  # blocking there


def test_every_official_name_is_here() -> None:
    for name in official.__all__:
        if name.endswith("_async") or name == "Requestish":
            continue  # clerk_async's functions are the async ones
        assert hasattr(ours_async, name), name


@pytest.mark.parametrize(
    "enum", ["TokenVerificationErrorReason", "AuthErrorReason", "AuthStatus", "TokenType"]
)
def test_every_official_member_has_the_same_code(enum: str) -> None:
    theirs, ours = getattr(official_types, enum), getattr(ours_async, enum)
    for member in theirs:
        code = member.value[0] if isinstance(member.value, tuple) else member.value
        mine = ours[member.name]
        assert (mine.value[0] if isinstance(mine.value, tuple) else mine.value) == code


def _fields(cls: Any) -> dict[str, Any]:
    return {field.name: field for field in dataclasses.fields(cls)}


@pytest.mark.parametrize(
    "name",
    [
        "VerifyTokenOptions",
        "AuthenticateRequestOptions",
        "SessionAuthObjectV1",
        "SessionAuthObjectV2",
        "APIKeyMachineAuthObject",
        "M2MMachineAuthObject",
        "OAuthMachineAuthObject",
        "RequestState",
    ],
)
def test_every_official_field_is_here_with_its_default(name: str) -> None:
    theirs, ours = _fields(getattr(official_types, name)), _fields(getattr(ours_async, name))
    for field, definition in theirs.items():
        assert field in ours, (name, field)
        if name == "AuthenticateRequestOptions" and field == "accepts_token":
            continue  # deliberately different: session_token here, any there
        if definition.default is not dataclasses.MISSING and not isinstance(
            definition.default, type
        ):
            default = ours[field].default
            if hasattr(definition.default, "value"):  # an enum member: compare by value
                assert default.value == definition.default.value, (name, field)
            else:
                assert default == definition.default, (name, field)


def test_accepts_token_defaults_to_session_tokens_not_any() -> None:
    assert AuthenticateRequestOptions().accepts_token == ["session_token"]


def test_request_state_has_the_official_properties() -> None:
    for name in ("is_signed_in", "is_authenticated", "message", "to_auth"):
        assert hasattr(ours_async.RequestState, name)


def test_the_error_is_a_clerk_error_that_pickles_and_hides_the_token() -> None:
    error = TokenVerificationError(TokenVerificationErrorReason.TOKEN_EXPIRED)
    assert isinstance(error, ClerkError)
    copy = pickle.loads(pickle.dumps(error))
    assert copy.reason is TokenVerificationErrorReason.TOKEN_EXPIRED
    assert str(copy) == TokenVerificationErrorReason.TOKEN_EXPIRED.message
    assert TokenVerificationErrorReason.TOKEN_EXPIRED.code == "token-expired"
    with pytest.raises(TypeError):
        TokenVerificationError("token-expired")  # type: ignore[arg-type]


def test_no_option_repr_shows_a_key() -> None:
    for options in (
        VerifyTokenOptions(secret_key="sk_test_secret123", machine_secret_key="ak_machine456"),
        AuthenticateRequestOptions(
            secret_key="sk_test_secret123", machine_secret_key="ak_machine456"
        ),
    ):
        text = repr(options)
        assert "secret123" not in text and "machine456" not in text


ALL_REASONS = [
    *TokenVerificationErrorReason,
    *ours_async.AuthErrorReason,
    *WebhookVerificationErrorReason,
]


@pytest.mark.parametrize(
    "reason", ALL_REASONS, ids=lambda reason: f"{type(reason).__name__}.{reason.name}"
)
def test_every_reason_has_the_same_shape_its_value_the_code_string(reason: Any) -> None:
    assert type(reason.value) is not tuple
    assert reason.value == reason.code == reason  # a str enum: the code compares equal
    assert isinstance(reason.code, str) and reason.code.islower() and " " not in reason.code
    assert isinstance(reason.message, str) and reason.message.endswith(".")
    assert type(reason)(reason.code) is reason
    assert json.loads(json.dumps({"reason": reason})) == {"reason": reason.code}
    assert pickle.loads(pickle.dumps(reason)) is reason
    assert str(reason) == f"{type(reason).__name__}.{reason.name}"


@pytest.mark.parametrize("enum", ["TokenVerificationErrorReason", "AuthErrorReason"])
def test_code_written_for_the_official_tuple_still_reads_code_and_message(enum: str) -> None:
    theirs = getattr(official_types, enum)
    for member in theirs:
        ours = getattr(ours_async, enum)[member.name]
        assert ours.value[0] == member.value[0] == ours.code  # what that code reads as the code
        assert ours.value[1] == ours.message  # and as the message (ours, in our words)
        assert ours.value[:5] == ours.code[:5]  # any other index is the code string's
