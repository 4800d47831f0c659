"""FastAPI: security dependencies over ``clerk_async``, shown in the app's OpenAPI document.

``clerk_auth = ClerkAuth(clerk)``; then ``Depends(clerk_auth)`` gives the signed-in session's
auth object, ``Depends(clerk_auth.protect(role=..., permission=..., ...))`` one that meets a
requirement, ``Depends(clerk_auth.optional)`` the auth object or ``None``, and
``Depends(clerk_auth.current_user)`` the full ``User``. Each is a FastAPI security class (a
``SecurityBase`` whose ``__call__`` takes the request), so the scheme (HTTP bearer) is in
``/openapi.json`` and the "Authorize" button of ``/docs`` works.

A request that may not pass raises :class:`ClerkHTTPException` (an ``HTTPException``: 401 with
``WWW-Authenticate: Bearer``, 403, or 503 for a failure on the server's side) whose ``detail``
is ``decide_access``'s JSON body. With ``app.add_exception_handler(ClerkHTTPException,
clerk_exception_handler)`` the body is answered as is, which is what Clerk's frontend SDKs read
for a reverification. A route hidden with ``forbidden_status=404`` raises the ``HTTPException``
a path no route matches raises, so the app answers it as any missing route.
``ClerkBackend`` (from :mod:`clerk_async.integrations.starlette`) is the middleware, for apps
that prefer ``request.user`` / ``request.state.clerk_auth``; these dependencies reuse its work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, cast, overload

import msgspec
from fastapi import HTTPException, Request
from fastapi.openapi.models import HTTPBearer as HTTPBearerModel
from fastapi.security.base import SecurityBase
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from clerk_async._security.access import SIGNED_IN, AccessDecision, Requirement
from clerk_async._security.auth import AuthObject, SessionAuthObjectV1, SessionAuthObjectV2
from clerk_async._security.authorization import ReverificationConfig
from clerk_async._security.options import AcceptsToken, AuthenticateRequestOptions
from clerk_async.models import User  # at run time: FastAPI reads the dependencies' annotations

from ._gate import AsyncGate
from .starlette import keep_auth, request_states, response_for

if TYPE_CHECKING:
    from clerk_async import Clerk

__all__ = [
    "ClerkAuth",
    "ClerkDependency",
    "ClerkHTTPException",
    "SessionAuth",
    "clerk_exception_handler",
]

#: The auth object of a session token (what a route accepting only session tokens gets).
SessionAuth = SessionAuthObjectV1 | SessionAuthObjectV2
AuthT = TypeVar("AuthT", bound=AuthObject)
_USER_GONE = AccessDecision.unauthenticated("user-not-found", "The token's user no longer exists.")
_DESCRIPTION = (
    "A Clerk session token (or, where a route accepts them, an API key, M2M or OAuth token), "
    "as `Authorization: Bearer <token>`; browsers may send the `__session` cookie instead."
)


class ClerkHTTPException(HTTPException):
    """A request that may not pass: ``status_code`` and ``headers`` as ``decide_access``
    answers, ``detail`` its JSON body (decoded), ``decision`` the whole answer."""

    def __init__(self, decision: AccessDecision) -> None:
        headers = {name: value for name, value in decision.headers if name != "Content-Type"}
        detail = msgspec.json.decode(decision.body) if decision.body else None
        super().__init__(decision.status, detail=detail, headers=headers or None)
        self.decision = decision


def _refusal(decision: AccessDecision) -> StarletteHTTPException:
    """The exception to raise for a refused request: a :class:`ClerkHTTPException`, or for a
    hidden route (404) what Starlette's router raises for a path it does not know."""
    if decision.status == 404:
        return StarletteHTTPException(404)
    return ClerkHTTPException(decision)


async def clerk_exception_handler(request: Request, exc: Exception) -> Response:
    """Answer ``decide_access``'s body as is (install with ``app.add_exception_handler``)."""
    if not isinstance(exc, ClerkHTTPException):  # only ever registered for ClerkHTTPException
        raise exc
    return response_for(exc.decision)


class ClerkDependency(SecurityBase, Generic[AuthT]):
    """A dependency giving the auth object of a request that meets ``requirement``."""

    def __init__(self, gate: AsyncGate, requirement: Requirement, scheme_name: str) -> None:
        self.model = HTTPBearerModel(bearerFormat="JWT", description=_DESCRIPTION)
        self.scheme_name = scheme_name
        self.gate = gate
        self.requirement = requirement

    async def __call__(self, request: Request) -> AuthT:
        verdict = await self.gate.admit(request, request_states(request), self.requirement)
        if isinstance(verdict, AccessDecision):
            raise _refusal(verdict)
        keep_auth(request, verdict)
        return cast(AuthT, verdict)


class OptionalAuth(SecurityBase):
    """A dependency giving the auth object of a signed-in session, or ``None`` (never raises)."""

    def __init__(self, dependency: ClerkDependency[SessionAuth]) -> None:
        self.model = dependency.model
        self.scheme_name = dependency.scheme_name
        self._dependency = dependency

    async def __call__(self, request: Request) -> SessionAuth | None:
        dependency = self._dependency
        states = request_states(request)
        verdict = await dependency.gate.admit(request, states, dependency.requirement)
        return None if isinstance(verdict, AccessDecision) else cast(SessionAuth, verdict)


class CurrentUser(SecurityBase):
    """A dependency giving the full ``User`` of a signed-in session: one ``users.get`` through
    the client per request (mind Clerk's rate limits; a client with a cache answers from it).
    401 when the user no longer exists."""

    def __init__(self, dependency: ClerkDependency[SessionAuth]) -> None:
        self.model = dependency.model
        self.scheme_name = dependency.scheme_name
        self._dependency = dependency

    async def __call__(self, request: Request) -> User:
        auth = await self._dependency(request)
        user = await self._dependency.gate.user(auth)
        if user is None:
            raise ClerkHTTPException(_USER_GONE)
        return user


class ClerkAuth(ClerkDependency[SessionAuth]):
    """Depend on it for a signed-in session's auth object (401 otherwise).

    ``clerk``: the ``clerk_async.Clerk`` to verify with (default ``Clerk()``, from
    ``CLERK_SECRET_KEY`` / ``CLERK_API_URL``); ``options``: ``AuthenticateRequestOptions``
    (default: ``CLERK_JWT_KEY``, ``CLERK_PUBLISHABLE_KEY``, ``CLERK_AUTHORIZED_PARTIES``);
    ``scheme_name``: the security scheme's name in the OpenAPI document.
    """

    def __init__(
        self,
        clerk: Clerk | None = None,
        *,
        options: AuthenticateRequestOptions | None = None,
        scheme_name: str = "Clerk",
    ) -> None:
        gate = AsyncGate(clerk, options)
        super().__init__(gate, gate.declare(SIGNED_IN), scheme_name)
        self.optional = OptionalAuth(self)
        self.current_user = CurrentUser(self)

    @overload
    def protect(
        self,
        *,
        role: str | None = ...,
        permission: str | None = ...,
        feature: str | None = ...,
        plan: str | None = ...,
        reverification: ReverificationConfig | None = ...,
        check: Callable[[AuthObject], bool] | None = ...,
        accepts_token: Literal["session_token"] = ...,
        forbidden_status: Literal[403, 404] = ...,
        treat_pending_as_signed_out: bool = ...,
    ) -> ClerkDependency[SessionAuth]: ...

    @overload
    def protect(
        self,
        *,
        role: str | None = ...,
        permission: str | None = ...,
        feature: str | None = ...,
        plan: str | None = ...,
        reverification: ReverificationConfig | None = ...,
        check: Callable[[AuthObject], bool] | None = ...,
        accepts_token: AcceptsToken,
        forbidden_status: Literal[403, 404] = ...,
        treat_pending_as_signed_out: bool = ...,
    ) -> ClerkDependency[AuthObject]: ...

    def protect(
        self,
        *,
        role: str | None = None,
        permission: str | None = None,
        feature: str | None = None,
        plan: str | None = None,
        reverification: ReverificationConfig | None = None,
        check: Callable[[AuthObject], bool] | None = None,
        accepts_token: AcceptsToken = "session_token",
        forbidden_status: Literal[403, 404] = 403,
        treat_pending_as_signed_out: bool = True,
    ) -> ClerkDependency[Any]:
        """A dependency for a route that needs more than a signed-in session (the arguments of
        ``Requirement``: every part asked must pass; ``accepts_token`` for machine tokens)."""
        requirement = self.gate.declare(
            Requirement(
                role=role,
                permission=permission,
                feature=feature,
                plan=plan,
                reverification=reverification,
                check=check,
                accepts_token=accepts_token,
                forbidden_status=forbidden_status,
                treat_pending_as_signed_out=treat_pending_as_signed_out,
            )
        )
        return ClerkDependency(self.gate, requirement, self.scheme_name)
