"""Verify requests and tokens: session tokens networkless, machine tokens through Clerk.

The same names as Clerk's Python SDK (``clerk_backend_api.security``); in ``clerk_async``
``authenticate_request`` and ``verify_token`` are coroutines, in ``clerk_sync.security`` plain
functions. ``Clerk.authenticate_request`` / ``Clerk.verify_token`` do the same through a client.
"""

from clerk_async._security.auth import (
    APIKeyMachineAuthObject,
    AuthObject,
    M2MMachineAuthObject,
    OAuthMachineAuthObject,
    RequestState,
    SessionAuthObjectV1,
    SessionAuthObjectV2,
    SignedOutAuthObject,
)
from clerk_async._security.options import (
    AuthenticateRequestOptions,
    TokenTypeName,
    VerifyTokenOptions,
)
from clerk_async._security.reasons import (
    AuthErrorReason,
    AuthStatus,
    TokenVerificationError,
    TokenVerificationErrorReason,
)
from clerk_async._security.token_types import TokenType

from ._verify import authenticate_request, verify_token

__all__ = [
    "APIKeyMachineAuthObject",
    "AuthErrorReason",
    "AuthObject",
    "AuthStatus",
    "AuthenticateRequestOptions",
    "M2MMachineAuthObject",
    "OAuthMachineAuthObject",
    "RequestState",
    "SessionAuthObjectV1",
    "SessionAuthObjectV2",
    "SignedOutAuthObject",
    "TokenType",
    "TokenTypeName",
    "TokenVerificationError",
    "TokenVerificationErrorReason",
    "VerifyTokenOptions",
    "authenticate_request",
    "verify_token",
]
