"""Judging Clerk's answer to a machine-token verify call, and the errors such a call may raise.

A ``200`` is not enough: ``{"active": false}``, ``revoked: true``, ``expired: true`` or an
``expiration`` in the past mean the token does not verify.
"""

from __future__ import annotations

from typing import Any

import msgspec

from clerk_async._text import shorten
from clerk_async.errors import (
    APIConnectionError,
    AuthenticationError,
    ClerkError,
    PermissionDeniedError,
    RateLimitError,
    SDKError,
)

from .reasons import TokenVerificationError, TokenVerificationErrorReason

__all__ = ["machine_payload", "reason_for_api_error"]

Reason = TokenVerificationErrorReason


def machine_payload(answer: msgspec.Struct, now_ms: float, skew_ms: float) -> dict[str, Any]:
    """The answer as a dict, when it says the token is live; else ``TokenVerificationError``,
    whose message says what Clerk said of the token (revoked, expired, not active)."""
    payload: dict[str, Any] = msgspec.to_builtins(answer)
    if payload.get("active") is False:
        raise TokenVerificationError(
            Reason.TOKEN_EXPIRED, "Clerk says this OAuth access token is not active (expired)."
        )
    if not payload.get("id") or not payload.get("subject"):
        raise TokenVerificationError(
            Reason.TOKEN_INVALID, "Clerk's answer names no id or subject for this machine token."
        )
    if payload.get("revoked") is True:
        why = payload.get("revocation_reason")
        because = f" ({shorten(why, 100)!r})" if isinstance(why, str) and why else ""
        raise TokenVerificationError(
            Reason.TOKEN_INVALID, f"This machine token has been revoked{because}."
        )
    expiration = payload.get("expiration")
    if payload.get("expired") is True or (
        isinstance(expiration, (int, float)) and expiration <= now_ms - skew_ms
    ):
        raise TokenVerificationError(Reason.TOKEN_EXPIRED, "This machine token has expired.")
    return payload


def reason_for_api_error(error: ClerkError) -> TokenVerificationErrorReason:
    """401/403: the secret key was refused; another 4xx: the token; anything else: the server."""
    if isinstance(error, (AuthenticationError, PermissionDeniedError)):
        return Reason.SECRET_KEY_INVALID
    if isinstance(error, (RateLimitError, APIConnectionError)):
        return Reason.SERVER_ERROR
    if isinstance(error, SDKError) and 400 <= error.status_code < 500:
        return Reason.TOKEN_INVALID
    return Reason.SERVER_ERROR
