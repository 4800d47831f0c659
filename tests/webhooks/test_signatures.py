"""Svix signatures: the published test vectors, the header forms, and every failure reason."""

from __future__ import annotations

import base64
import hashlib
import hmac
import pickle
from typing import Any

import pytest
from multidict import CIMultiDict

from clerk_async.webhooks import (
    SECRET_ENV,
    WebhookVerificationError,
    WebhookVerificationErrorReason,
    sign_webhook,
    verify_webhook_signature,
)

R = WebhookVerificationErrorReason

# The vector every Svix and Standard Webhooks library tests its signer with (for example
# svix/svix-webhooks python/tests/test_webhooks.py::test_sign_function and
# standard-webhooks/standard-webhooks libraries/python/tests/test_webhooks.py::test_sign_function).
SVIX_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SVIX_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SVIX_TIMESTAMP = 1614265330
SVIX_PAYLOAD = b'{"test": 2432232314}'
SVIX_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
# The same tests' "invalid signature" (one character off) and rotation decoy.
SVIX_WRONG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="
SVIX_DECOY = "Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="

# standard-webhooks/standard-webhooks libraries/rust/src/lib.rs::test_sign.
RUST_SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
RUST_ID = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk"
RUST_TIMESTAMP = 1649367553
RUST_PAYLOAD = b'{"email":"test@example.com","username":"test_user"}'
RUST_SIGNATURE = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
# The same file's test_no_verify: a well-formed signature that is not this payload's.
RUST_WRONG = "v1,R3PTzyfHASBKHH98a7yexTwaJ4yNIcGhFQc1yuN+BPU="


def svix_headers(signature: str = SVIX_SIGNATURE, **extra: str) -> dict[str, str]:
    return {
        "svix-id": SVIX_ID,
        "svix-timestamp": str(SVIX_TIMESTAMP),
        "svix-signature": signature,
        **extra,
    }


def verify(headers: Any, payload: Any = SVIX_PAYLOAD, **options: Any) -> bytes:
    options.setdefault("now", SVIX_TIMESTAMP)
    secret = options.pop("secret", SVIX_SECRET)
    return verify_webhook_signature(payload, headers, secret, **options)


def reason_of(headers: Any, payload: Any = SVIX_PAYLOAD, **options: Any) -> R:
    with pytest.raises(WebhookVerificationError) as caught:
        verify(headers, payload, **options)
    return caught.value.reason


# -- the published vectors ----------------------------------------------------------------------


def test_the_svix_vector_is_signed_as_published() -> None:
    headers = sign_webhook(SVIX_PAYLOAD, SVIX_SECRET, msg_id=SVIX_ID, timestamp=SVIX_TIMESTAMP)

    assert headers == svix_headers()
    assert verify(headers) == SVIX_PAYLOAD


def test_the_standard_webhooks_rust_vector_is_signed_as_published() -> None:
    headers = sign_webhook(RUST_PAYLOAD, RUST_SECRET, msg_id=RUST_ID, timestamp=RUST_TIMESTAMP)

    assert headers["svix-signature"] == RUST_SIGNATURE
    unbranded = {name.replace("svix-", "webhook-"): value for name, value in headers.items()}
    assert verify(unbranded, RUST_PAYLOAD, secret=RUST_SECRET, now=RUST_TIMESTAMP) == RUST_PAYLOAD
    unbranded["webhook-signature"] = RUST_WRONG
    assert reason_of(unbranded, RUST_PAYLOAD, secret=RUST_SECRET, now=RUST_TIMESTAMP) == (
        R.SIGNATURE_MISMATCH
    )


def test_the_published_wrong_signature_is_rejected() -> None:
    assert reason_of(svix_headers(SVIX_WRONG)) == R.SIGNATURE_MISMATCH


def test_the_secret_works_with_and_without_its_prefix() -> None:
    assert verify(svix_headers(), secret=SVIX_SECRET.removeprefix("whsec_")) == SVIX_PAYLOAD


@pytest.mark.parametrize(
    ("secret", "padded"),
    [  # Standard Webhooks' test_signature_verification_with_unpadded_secret
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS="),
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr=="),
        ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr=="),
    ],
)
def test_unpadded_secrets_decode_as_padded_ones(secret: str, padded: str) -> None:
    key = base64.b64decode(padded)
    content = f"{SVIX_ID}.{SVIX_TIMESTAMP}.".encode() + SVIX_PAYLOAD
    signature = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()

    assert verify(svix_headers("v1," + signature), secret=secret) == SVIX_PAYLOAD


def test_rotation_any_v1_entry_may_match() -> None:
    # The Svix tests' multi-signature header: decoys around the valid one, and a v2 entry.
    header = " ".join([f"v1,{SVIX_DECOY}", f"v2,{SVIX_DECOY}", SVIX_SIGNATURE, f"v1,{SVIX_DECOY}"])
    assert verify(svix_headers(header)) == SVIX_PAYLOAD


def test_only_v1_entries_count() -> None:
    signature = SVIX_SIGNATURE.removeprefix("v1,")
    assert reason_of(svix_headers(f"v1a,{signature} v2,{signature}")) == R.SIGNATURE_MISMATCH


# -- headers and payloads in every form frameworks give them ----------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Svix-Id": SVIX_ID, "SVIX-TIMESTAMP": "1614265330", "svix-Signature": SVIX_SIGNATURE}, id="mixed-case dict"),  # noqa: E501
        pytest.param(CIMultiDict(svix_headers()), id="aiohttp CIMultiDict"),
        pytest.param([(k.encode(), v.encode()) for k, v in svix_headers().items()], id="ASGI pairs"),  # noqa: E501
        pytest.param({k.replace("svix", "webhook"): v for k, v in svix_headers().items()}, id="webhook-*"),  # noqa: E501
        pytest.param({**svix_headers(), "webhook-signature": "v1,junk"}, id="svix-* preferred"),
    ],
)  # fmt: skip
def test_headers_are_read_case_insensitively_from_any_form(headers: Any) -> None:
    assert verify(headers) == SVIX_PAYLOAD


@pytest.mark.parametrize(
    "payload", [SVIX_PAYLOAD.decode(), bytearray(SVIX_PAYLOAD), memoryview(SVIX_PAYLOAD)]
)
def test_the_body_may_be_text_or_any_bytes_like(payload: Any) -> None:
    assert verify(svix_headers(), payload) == SVIX_PAYLOAD


def test_a_parsed_body_is_refused_with_a_hint() -> None:
    with pytest.raises(TypeError, match="raw request body"):
        verify(svix_headers(), {"test": 2432232314})


def test_the_secret_defaults_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SVIX_SECRET)
    assert verify_webhook_signature(SVIX_PAYLOAD, svix_headers(), now=SVIX_TIMESTAMP)
    monkeypatch.delenv(SECRET_ENV)
    with pytest.raises(WebhookVerificationError) as caught:
        verify_webhook_signature(SVIX_PAYLOAD, svix_headers(), now=SVIX_TIMESTAMP)
    assert caught.value.reason == R.SECRET_MISSING
    assert SECRET_ENV in str(caught.value)


# -- the tolerance -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "tolerance", "reason"),
    [
        (-300, 300, None),
        (300, 300, None),
        (-301, 300, R.TIMESTAMP_TOO_OLD),
        (301, 300, R.TIMESTAMP_TOO_NEW),
        (-30, 10, R.TIMESTAMP_TOO_OLD),
        (0, 0, None),
        (1, 0, R.TIMESTAMP_TOO_NEW),
    ],
)
def test_the_timestamp_must_be_within_the_tolerance_both_ways(
    offset: int, tolerance: float, reason: R | None
) -> None:
    now = SVIX_TIMESTAMP - offset  # the message is `offset` seconds ahead of `now`
    if reason is None:
        assert verify(svix_headers(), now=now, tolerance_s=tolerance) == SVIX_PAYLOAD
    else:
        assert reason_of(svix_headers(), now=now, tolerance_s=tolerance) == reason


def test_the_clock_is_used_when_now_is_not_given() -> None:
    assert reason_of(svix_headers(), now=None) == R.TIMESTAMP_TOO_OLD  # signed in 2021


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("tolerance_s", -1),
        ("tolerance_s", "300"),
        ("tolerance_s", float("nan")),
        ("now", "1614265330"),
        ("now", float("nan")),
    ],
)
def test_bad_options_are_argument_errors(name: str, value: Any) -> None:
    with pytest.raises((TypeError, ValueError), match=name):
        verify(svix_headers(), **{name: value})


# -- every failure has its reason --------------------------------------------------------------


@pytest.mark.parametrize("missing", ["svix-id", "svix-timestamp", "svix-signature"])
def test_a_missing_header_is_named(missing: str) -> None:
    headers = svix_headers()
    del headers[missing]
    with pytest.raises(WebhookVerificationError, match=missing) as caught:
        verify(headers)
    assert caught.value.reason == R.HEADER_MISSING
    assert caught.value.header == missing


def test_an_empty_header_counts_as_missing() -> None:
    assert reason_of(svix_headers(**{"svix-id": ""})) == R.HEADER_MISSING


@pytest.mark.parametrize(
    "timestamp",
    ["hello", "1614265330.0", " 1614265330", "+1614265330", "-1", "\uff11\uff16", "9" * 20],
)
def test_a_timestamp_that_is_not_plain_digits_is_invalid(timestamp: str) -> None:
    assert reason_of(svix_headers(**{"svix-timestamp": timestamp})) == R.TIMESTAMP_INVALID


@pytest.mark.parametrize("scale", [1_000, 1_000_000, 1_000_000_000])
def test_a_timestamp_in_milliseconds_is_too_new_and_says_so(scale: int) -> None:
    timestamp = str(int(SVIX_TIMESTAMP) * scale)
    with pytest.raises(WebhookVerificationError) as caught:
        verify(svix_headers(**{"svix-timestamp": timestamp}), now=int(SVIX_TIMESTAMP))
    assert caught.value.reason == R.TIMESTAMP_TOO_NEW
    assert "too new (milliseconds?)" in str(caught.value)


@pytest.mark.parametrize(
    "header",
    [
        " ",
        "v1",
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        "v1,",
        ",abc",
        "v1,dawfeoifkpqwoekfpqoekf",  # the Svix JS/PHP tests' junk signature
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLawdd",  # the Svix C#/Ruby tests' one
        SVIX_SIGNATURE + "==",  # padding appended
        "v1," + base64.urlsafe_b64encode(b"\xfb" * 32).decode(),
        f"{SVIX_WRONG} v1",
    ],
)
def test_a_malformed_signature_header_says_so(header: str) -> None:
    assert reason_of(svix_headers(header)) == R.SIGNATURE_HEADER_MALFORMED


def test_a_signature_over_another_body_or_id_does_not_match() -> None:
    assert reason_of(svix_headers(), SVIX_PAYLOAD + b" ") == R.SIGNATURE_MISMATCH
    assert reason_of(svix_headers(**{"svix-id": SVIX_ID + "x"})) == R.SIGNATURE_MISMATCH
    other = "whsec_" + base64.b64encode(b"k" * 24).decode()
    assert reason_of(svix_headers(), secret=other) == R.SIGNATURE_MISMATCH


def test_a_header_with_a_lone_surrogate_matches_nothing() -> None:
    assert reason_of(svix_headers(**{"svix-id": SVIX_ID + "\ud800"})) == R.SIGNATURE_MISMATCH
    assert reason_of(svix_headers(SVIX_SIGNATURE + " \ud800")) == R.SIGNATURE_MISMATCH


def test_a_body_that_is_not_text_cannot_be_signed_text() -> None:
    assert reason_of(svix_headers(), "\ud800") == R.BODY_NOT_UTF8


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("", R.SECRET_EMPTY),
        ("whsec_", R.SECRET_EMPTY),
        ("whsec_!!!!", R.SECRET_INVALID),
        ("whsec_abcde", R.SECRET_INVALID),  # 5 characters: no base64 is that long
        ("whsec_MfKQ9r8G-YqrTwjUPD8ILPZIo2LaLaSw", R.SECRET_INVALID),  # url-safe alphabet
        ("whsec_MfKQ 9r8GKYqrTwjUPD8ILPZIo2LaLaSw", R.SECRET_INVALID),
    ],
)
def test_an_empty_or_malformed_secret_has_its_reason(secret: str, reason: R) -> None:
    assert reason_of(svix_headers(), secret=secret) == reason


def test_a_secret_of_another_type_is_an_argument_error() -> None:
    with pytest.raises(TypeError, match="signing_secret"):
        verify(svix_headers(), secret=b"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")


def test_no_failure_leaks_the_secret_or_a_raw_exception() -> None:
    body_secret = "whsec_" + base64.b64encode(b"super-secret-key-material!").decode()
    cases: list[dict[str, Any]] = [
        {"secret": body_secret},
        {"secret": body_secret[:-2] + "!!"},
        {"secret": body_secret, "now": 0},
        {"secret": body_secret, "headers": svix_headers("v1,@@@")},
    ]
    for case in cases:
        headers = case.pop("headers", svix_headers())
        with pytest.raises(WebhookVerificationError) as caught:
            verify(headers, **case)
        error = caught.value
        for text in (str(error), repr(error), repr(error.reason)):
            assert body_secret not in text and body_secret[6:] not in text
        assert error.__cause__ is None
        assert error.__context__ is None or error.__suppress_context__
        assert isinstance(error, WebhookVerificationError)


def test_the_error_pickles_with_its_reason() -> None:
    with pytest.raises(WebhookVerificationError) as caught:
        verify({"svix-id": SVIX_ID})
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.reason, copy.header, str(copy)) == (
        R.HEADER_MISSING,
        "svix-timestamp",
        str(caught.value),
    )


def test_every_reason_has_a_distinct_code_and_a_message() -> None:
    codes = {reason.value for reason in R}
    assert len(codes) == len(R)
    assert all(reason.value.startswith("webhook-") and reason.message for reason in R)


def test_sign_webhook_makes_fresh_ids_and_checks_its_arguments() -> None:
    first = sign_webhook(SVIX_PAYLOAD, SVIX_SECRET)
    second = sign_webhook(SVIX_PAYLOAD, SVIX_SECRET)
    assert first["svix-id"] != second["svix-id"] and first["svix-id"].startswith("msg_")
    assert verify_webhook_signature(SVIX_PAYLOAD, first, SVIX_SECRET)
    with pytest.raises(ValueError, match="msg_id"):
        sign_webhook(SVIX_PAYLOAD, SVIX_SECRET, msg_id="a.b")
