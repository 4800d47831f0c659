"""The one error webhook verification raises, and why it raised it."""

from __future__ import annotations

from enum import Enum
from typing import Any

from clerk_async.errors import ClerkError

__all__ = ["WebhookVerificationError", "WebhookVerificationErrorReason"]


class WebhookVerificationErrorReason(str, Enum):
    """Why a webhook was rejected; the value is a stable code string (also ``code``), as a
    token reason's is."""

    SECRET_MISSING = "webhook-secret-missing"
    SECRET_EMPTY = "webhook-secret-empty"
    SECRET_INVALID = "webhook-secret-invalid"
    HEADER_MISSING = "webhook-header-missing"
    TIMESTAMP_INVALID = "webhook-timestamp-invalid"
    TIMESTAMP_TOO_OLD = "webhook-timestamp-too-old"
    TIMESTAMP_TOO_NEW = "webhook-timestamp-too-new"
    SIGNATURE_HEADER_MALFORMED = "webhook-signature-header-malformed"
    SIGNATURE_MISMATCH = "webhook-signature-mismatch"
    BODY_NOT_UTF8 = "webhook-body-not-utf8"
    PAYLOAD_INVALID = "webhook-payload-invalid"

    @property
    def code(self) -> str:
        return str(self.value)

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_R = WebhookVerificationErrorReason
_MESSAGES = {
    _R.SECRET_MISSING: "No webhook signing secret: pass signing_secret or set "
    "CLERK_WEBHOOK_SIGNING_SECRET.",
    _R.SECRET_EMPTY: "The webhook signing secret is empty.",
    _R.SECRET_INVALID: "The webhook signing secret is not base64 (after its whsec_ prefix).",
    _R.HEADER_MISSING: "A webhook header is missing.",
    _R.TIMESTAMP_INVALID: "The webhook timestamp is not an integer number of seconds.",
    _R.TIMESTAMP_TOO_OLD: "The webhook timestamp is too old.",
    _R.TIMESTAMP_TOO_NEW: "The webhook timestamp is too far in the future.",
    _R.SIGNATURE_HEADER_MALFORMED: "The webhook signature header is malformed.",
    _R.SIGNATURE_MISMATCH: "No webhook signature matches the payload.",
    _R.BODY_NOT_UTF8: "The webhook body is not UTF-8.",
    _R.PAYLOAD_INVALID: "The webhook is signed, but its body is not a Clerk event.",
}


class WebhookVerificationError(ClerkError):
    """A webhook was rejected; ``reason`` says why, ``header`` names a missing header.

    The message never holds the signing secret, nor the payload.
    """

    def __init__(
        self,
        reason: WebhookVerificationErrorReason,
        message: str | None = None,
        *,
        header: str | None = None,
    ) -> None:
        self.reason = reason
        self.header = header
        super().__init__(message or reason.message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.reason, str(self), self.header))

    def __repr__(self) -> str:
        return f"WebhookVerificationError({self.reason.name}: {self})"


def _rebuild(
    reason: WebhookVerificationErrorReason, message: str, header: str | None
) -> WebhookVerificationError:
    return WebhookVerificationError(reason, message, header=header)
