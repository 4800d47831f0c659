"""Why a token or a request did not verify: the reasons (Clerk's code strings) and the error."""

from __future__ import annotations

from enum import Enum
from typing import Any

from clerk_async.errors import ClerkError

__all__ = [
    "AuthErrorReason",
    "AuthStatus",
    "TokenVerificationError",
    "TokenVerificationErrorReason",
]


class TokenVerificationErrorReason(Enum):
    """A token that did not verify. ``value`` is ``(code, message)`` as in Clerk's Python SDK."""

    JWK_FAILED_TO_LOAD = (
        "jwk-failed-to-load",
        "Failed to load JWKS from Clerk Backend API. Contact support@clerk.com.",
    )
    JWK_REMOTE_INVALID = (
        "jwk-remote-invalid",
        "The JWKS endpoint did not contain any signing keys. Contact support@clerk.com.",
    )
    JWK_FAILED_TO_RESOLVE = (
        "jwk-failed-to-resolve",
        "Failed to resolve JWK. Public Key is not in the proper format.",
    )
    JWK_KID_MISMATCH = (
        "jwk-kid-mismatch",
        "Unable to find a signing key in JWKS that matches the kid of the provided session token.",
    )
    TOKEN_EXPIRED = ("token-expired", "Token has expired and is no longer valid.")
    TOKEN_INVALID = ("token-invalid", "Token is invalid and could not be verified.")
    TOKEN_INVALID_AUTHORIZED_PARTIES = (
        "token-invalid-authorized-parties",
        "Authorized party claim (azp) does not match any of the authorized parties.",
    )
    TOKEN_INVALID_AUDIENCE = (
        "token-invalid-audience",
        "Token audience claim (aud) does not match one of the expected audience values.",
    )
    TOKEN_IAT_IN_THE_FUTURE = (
        "token-iat-in-the-future",
        "Token Issued At claim (iat) represents a time in the future.",
    )
    TOKEN_NOT_ACTIVE_YET = (
        "token-not-active-yet",
        "Token is not yet valid. Not Before claim (nbf) is in the future.",
    )
    TOKEN_INVALID_SIGNATURE = (
        "token-invalid-signature",
        "Token signature is invalid and could not be verified.",
    )
    SECRET_KEY_MISSING = (
        "secret-key-missing",
        "Missing Clerk Secret Key. Go to https://dashboard.clerk.com and get your key for your "
        "instance.",
    )
    SECRET_KEY_INVALID = (
        "secret-key-invalid",
        "Clerk rejected the secret key used to verify the token (401). Check the key.",
    )
    SERVER_ERROR = (
        "server-error",
        "An unexpected error occurred while verifying the token. Please try again later",
    )
    INVALID_TOKEN_TYPE = (
        "invalid-token-type",
        "The provided token is not a valid Clerk token type. Expected one of: session, machine, "
        "oauth, or api key.",
    )

    @property
    def code(self) -> str:
        return str(self.value[0])

    @property
    def message(self) -> str:
        return str(self.value[1])


class AuthErrorReason(Enum):
    """A request that is signed out for a reason other than its token's verification."""

    SESSION_TOKEN_MISSING = (
        "session-token-missing",
        "Could not retrieve session token. Please make sure that the __session cookie or the HTTP "
        "authorization header contain a Clerk-generated session JWT",
    )
    SECRET_KEY_MISSING = (
        "secret-key-missing",
        "Missing Clerk Secret Key. Go to https://dashboard.clerk.com and get your key for your "
        "instance.",
    )
    TOKEN_TYPE_NOT_SUPPORTED = (
        "token-type-not-supported",
        "The provided token type is not supported. Expected one of: session_token, machine_token, "
        "oauth_token, or api_key.",
    )
    TOKEN_TYPE_MISMATCH = (
        "token-type-mismatch",
        "The token is signed by the instance but is not a session token (its category marks a "
        "JWT-template or machine token).",
    )
    SESSION_TOKEN_WITHOUT_CLIENT_UAT = (
        "session-token-but-no-client-uat",
        "A session cookie came without a non-zero __client_uat cookie: the client signed out.",
    )
    SESSION_TOKEN_IAT_BEFORE_CLIENT_UAT = (
        "session-token-iat-before-client-uat",
        "The session cookie was issued before the client's last sign-in or sign-out "
        "(__client_uat).",
    )

    @property
    def code(self) -> str:
        return str(self.value[0])

    @property
    def message(self) -> str:
        return str(self.value[1])


class AuthStatus(Enum):
    SIGNED_IN = "signed-in"
    SIGNED_OUT = "signed-out"


class TokenVerificationError(ClerkError):
    """A token did not verify; ``reason`` says why. The token itself is never in the message."""

    def __init__(self, reason: TokenVerificationErrorReason) -> None:
        if not isinstance(reason, TokenVerificationErrorReason):
            raise TypeError("TokenVerificationError needs a TokenVerificationErrorReason")
        self.reason = reason
        super().__init__(reason.message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.reason,))
