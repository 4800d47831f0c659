"""Verify requests and tokens: session tokens networkless, machine tokens through Clerk.

The same names as Clerk's Python SDK (``clerk_backend_api.security``); in ``clerk_async``
``authenticate_request`` and ``verify_token`` are coroutines, in ``clerk_sync.security`` plain
functions. ``Clerk.authenticate_request`` / ``Clerk.verify_token`` do the same through a client.
``has()`` on the auth objects and ``decide_access`` (the answer for a route's
:class:`Requirement`) are pure and shared by both packages.
"""

from clerk_async._security.access import AccessDecision, Requirement, decide_access
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
from clerk_async._security.authorization import (
    Reverification,
    ReverificationConfig,
    ReverificationDict,
    ReverificationLevel,
    ReverificationPreset,
)
from clerk_async._security.options import (
    AcceptsToken,
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
    "AccessDecision",
    "AuthErrorReason",
    "AuthObject",
    "AuthStatus",
    "AuthenticateRequestOptions",
    "M2MMachineAuthObject",
    "OAuthMachineAuthObject",
    "RequestState",
    "Requirement",
    "Reverification",
    "ReverificationConfig",
    "ReverificationDict",
    "ReverificationLevel",
    "ReverificationPreset",
    "SessionAuthObjectV1",
    "SessionAuthObjectV2",
    "SignedOutAuthObject",
    "TokenType",
    "TokenTypeName",
    "AcceptsToken",
    "TokenVerificationError",
    "TokenVerificationErrorReason",
    "VerifyTokenOptions",
    "authenticate_request",
    "decide_access",
    "verify_token",
]
