"""Why a token or a request did not verify: the reasons (Clerk's code strings) and the error."""

from __future__ import annotations

from enum import Enum
from typing import Any, SupportsIndex, overload

from clerk_async.errors import ClerkError

__all__ = [
    "AuthErrorReason",
    "AuthStatus",
    "ReasonCode",
    "SIGNED_IN_STATUS",
    "TokenVerificationError",
    "TokenVerificationErrorReason",
]


class ReasonCode(str):
    """A reason's ``value``: Clerk's code string (``"token-expired"``), as a webhook reason's is.

    Clerk's Python SDK made it a ``(code, message)`` tuple, so code written for it reads
    ``value[0]`` and ``value[1]``: those two indexes still give the code and the message. Any
    other use is the code string's (slices, ``len``, comparison, JSON).
    """

    message: str

    def __new__(cls, code: str, message: str) -> ReasonCode:
        value = super().__new__(cls, code)
        value.message = message
        return value

    @overload
    def __getitem__(self, key: SupportsIndex) -> str: ...
    @overload
    def __getitem__(self, key: slice) -> str: ...
    def __getitem__(self, key: SupportsIndex | slice) -> str:
        if type(key) is int and key in (0, 1):
            return str.__str__(self) if key == 0 else self.message
        return super().__getitem__(key)

    def __repr__(self) -> str:
        return str.__repr__(str.__str__(self))

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return (str.__str__(self), self.message)


class _Reason(str, Enum):
    """A reason: a ``str`` enum whose value is Clerk's code string, with a ``message``."""

    _value_: ReasonCode

    def __new__(cls, code: str, message: str) -> _Reason:
        member = str.__new__(cls, code)
        member._value_ = ReasonCode(code, message)
        return member

    def __str__(self) -> str:  # as a plain Enum prints, on every Python version
        return f"{type(self).__name__}.{self.name}"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @property
    def code(self) -> str:
        return str.__str__(self._value_)

    @property
    def message(self) -> str:
        return self._value_.message


class TokenVerificationErrorReason(_Reason):
    """A token that did not verify. ``value`` is Clerk's code string; ``code`` says the same and
    ``message`` what it means (``value[0]``/``value[1]``, Clerk's Python SDK's spelling, too)."""

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


#: ``AuthStatus.SIGNED_IN`` as a module global, for the request path: in Python 3.11 looking an
#: Enum member up on its class costs some 60 ns, a dozen times a request.
SIGNED_IN_STATUS = AuthStatus.SIGNED_IN


class TokenVerificationError(ClerkError):
    """A token did not verify; ``reason`` says why, the message (the reason's, or a more precise
    one) in words. The token itself is never in the message."""

    def __init__(self, reason: TokenVerificationErrorReason, message: str | None = None) -> None:
        if not isinstance(reason, TokenVerificationErrorReason):
            raise TypeError("TokenVerificationError needs a TokenVerificationErrorReason")
        self.reason = reason
        super().__init__(message or reason.message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.reason, str(self)))
