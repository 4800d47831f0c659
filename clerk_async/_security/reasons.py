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


class _Reason(Enum):
    """A reason: its value is (Clerk's code string, a message)."""

    @property
    def code(self) -> str:
        return str(self.value[0])

    @property
    def message(self) -> str:
        return str(self.value[1])


class TokenVerificationErrorReason(_Reason):
    """A token that did not verify. ``value`` is ``(code, message)`` as in Clerk's Python SDK."""

    JWK_FAILED_TO_LOAD = (
        "jwk-failed-to-load",
        "The JWKS could not be fetched from Clerk (a network error, a timeout or a bad answer).",
    )
    JWK_REMOTE_INVALID = ("jwk-remote-invalid", "The JWKS Clerk returned holds no signing keys.")
    JWK_FAILED_TO_RESOLVE = (
        "jwk-failed-to-resolve",
        "The public key (jwt_key, or the JWKS entry of this kid) is not a usable RS256 key.",
    )
    JWK_KID_MISMATCH = ("jwk-kid-mismatch", "No key of the JWKS has the kid of this token.")
    TOKEN_EXPIRED = ("token-expired", "The token has expired (exp).")
    TOKEN_INVALID = (
        "token-invalid",
        "The token is malformed or not a token this verifier accepts.",
    )
    TOKEN_INVALID_AUTHORIZED_PARTIES = (
        "token-invalid-authorized-parties",
        "The token's authorized party (azp) is not one of the authorized parties.",
    )
    TOKEN_INVALID_AUDIENCE = (
        "token-invalid-audience",
        "The token's audience (aud) is not one of the expected audiences.",
    )
    TOKEN_IAT_IN_THE_FUTURE = (
        "token-iat-in-the-future",
        "The token was issued in the future (iat), beyond the clock skew.",
    )
    TOKEN_NOT_ACTIVE_YET = (
        "token-not-active-yet",
        "The token is not valid yet (nbf), beyond the clock skew.",
    )
    TOKEN_INVALID_SIGNATURE = ("token-invalid-signature", "The token's signature does not verify.")
    SECRET_KEY_MISSING = (
        "secret-key-missing",
        "No Clerk secret key or jwt_key to verify with: pass one, or use a client with a key.",
    )
    SECRET_KEY_INVALID = (
        "secret-key-invalid",
        "Clerk refused the secret key used to verify the token (401 or 403).",
    )
    SERVER_ERROR = (
        "server-error",
        "Clerk could not be reached to verify the token, or failed; try again later.",
    )
    INVALID_TOKEN_TYPE = (
        "invalid-token-type",
        "This is not a token of a type that verify_token verifies (a machine JWT?).",
    )


class AuthErrorReason(_Reason):
    """A request that is signed out for a reason other than its token's verification."""

    SESSION_TOKEN_MISSING = (
        "session-token-missing",
        "No session token: neither an Authorization header nor a __session cookie.",
    )
    SECRET_KEY_MISSING = (
        "secret-key-missing",
        "No Clerk secret key or jwt_key to verify with: pass one, or use a client with a key.",
    )
    TOKEN_TYPE_NOT_SUPPORTED = (
        "token-type-not-supported",
        "The token's type is not among accepts_token (a machine token in a session check?).",
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
