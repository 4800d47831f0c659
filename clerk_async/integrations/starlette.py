"""Starlette: an authentication backend and an endpoint decorator, over ``clerk_async``.

``ClerkBackend`` follows Starlette's ``AuthenticationMiddleware`` convention: with
``Middleware(AuthenticationMiddleware, backend=ClerkBackend(clerk))`` a signed-in request has
``request.user`` (a :class:`ClerkUser`, whose ``auth`` is the auth object),
``request.auth.scopes == ["authenticated"]`` (so ``@requires("authenticated")`` works) and
``request.state.clerk_auth``; any other request is anonymous (``request.state.clerk_auth`` is
``None``). ``@backend.protect(role=..., ...)`` answers 401, 403, Clerk's reverification 403
and 503 (a failure on the server's side) from ``decide_access``, and for a route hidden with
``forbidden_status=404`` what the app answers a path no route matches; with or without the
middleware, the request is authenticated once either way.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from starlette.authentication import AuthCredentials, AuthenticationBackend, BaseUser
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse, Response

from clerk_async._security.access import SIGNED_IN, AccessDecision, Requirement
from clerk_async._security.auth import AuthObject
from clerk_async._security.authorization import ReverificationConfig
from clerk_async._security.options import AcceptsToken, AuthenticateRequestOptions

from ._common import subject_of
from ._gate import AsyncGate, RequestStates

if TYPE_CHECKING:
    from clerk_async import Clerk
    from clerk_async.models import User

__all__ = ["ClerkBackend", "ClerkUser", "request_states", "response_for"]

#: Where a request's authentication states are kept (one per set of accepted token types).
_STATES = "clerk_async.request_states"
EndpointT = TypeVar("EndpointT", bound=Callable[..., Awaitable[Response]])


def request_states(conn: HTTPConnection) -> RequestStates:
    """The states already worked out for this request (kept in its ASGI scope, so the
    middleware's work is reused by the endpoint's checks)."""
    scope = conn.scope
    states: RequestStates | None = scope.get(_STATES)
    if states is None:
        states = scope[_STATES] = {}
    return states


def keep_auth(conn: HTTPConnection, auth: AuthObject | None) -> None:
    """``conn.state.clerk_auth = auth``, written where Starlette's ``State`` keeps it (the
    scope's ``"state"`` dict) without building a ``State`` for the request."""
    conn.scope.setdefault("state", {})["clerk_auth"] = auth


def response_for(decision: AccessDecision) -> Response:
    """``decide_access``'s answer as a Starlette response."""
    return Response(decision.body, decision.status, headers=dict(decision.headers))


def _refusal(conn: HTTPConnection, decision: AccessDecision) -> Response:
    """The answer of a refused request: ``decide_access``'s, or for a hidden route (404) the
    one Starlette's router gives a path it does not know: the app's 404 (its handlers decide),
    or a plain one from a router served without an app."""
    if decision.status != 404:
        return response_for(decision)
    if "app" in conn.scope:
        raise HTTPException(404)
    return PlainTextResponse("Not Found", 404)


class ClerkUser(BaseUser):
    """``request.user`` of a signed-in request; ``auth`` is its auth object."""

    def __init__(self, auth: AuthObject) -> None:
        self.auth = auth

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def display_name(self) -> str:
        return self.identity

    @property
    def identity(self) -> str:
        return subject_of(self.auth) or ""


class ClerkBackend(AuthenticationBackend):
    """Authenticates requests with ``clerk`` (default ``Clerk()``, from the environment) and
    ``options`` (default: ``CLERK_JWT_KEY``, ``CLERK_PUBLISHABLE_KEY`` and
    ``CLERK_AUTHORIZED_PARTIES``); ``options.accepts_token`` is what the middleware signs in."""

    def __init__(
        self, clerk: Clerk | None = None, *, options: AuthenticateRequestOptions | None = None
    ) -> None:
        self.gate = AsyncGate(clerk, options)

    async def authenticate(self, conn: HTTPConnection) -> tuple[AuthCredentials, BaseUser] | None:
        gate = self.gate
        verdict = await gate.admit(conn, request_states(conn), gate.signed_in)
        if isinstance(verdict, AccessDecision):
            keep_auth(conn, None)
            return None
        keep_auth(conn, verdict)
        return AuthCredentials(["authenticated"]), ClerkUser(verdict)

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
    ) -> Callable[[EndpointT], EndpointT]:
        """An endpoint decorator: the endpoint runs only for a request that meets the
        requirement (``Requirement``'s arguments), with ``request.state.clerk_auth`` set; any
        other request gets ``decide_access``'s answer."""
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
        gate = self.gate

        def decorate(endpoint: EndpointT) -> EndpointT:
            @functools.wraps(endpoint)
            async def protected(*args: Any, **kwargs: Any) -> Response:
                request = _connection_in(args, kwargs)
                verdict = await gate.admit(request, request_states(request), requirement)
                if isinstance(verdict, AccessDecision):
                    return _refusal(request, verdict)
                keep_auth(request, verdict)
                return await endpoint(*args, **kwargs)

            return protected  # type: ignore[return-value]

        return decorate

    async def current_user(self, request: HTTPConnection) -> User | None:
        """The full ``User`` of a signed-in request (one ``users.get``, so mind Clerk's rate
        limits; a client with a cache answers from it); ``None`` when the request has no
        signed-in user, or the user no longer exists."""
        auth = getattr(request.state, "clerk_auth", None)
        if not isinstance(auth, AuthObject):
            verdict = await self.gate.admit(request, request_states(request), SIGNED_IN)
            auth = None if isinstance(verdict, AccessDecision) else verdict
        if auth is None:
            return None
        return await self.gate.user(auth)


def _connection_in(args: tuple[Any, ...], kwargs: dict[str, Any]) -> HTTPConnection:
    for value in (*args, *kwargs.values()):  # a function endpoint, or an HTTPEndpoint method
        if isinstance(value, HTTPConnection):
            return value
    raise TypeError("protect() decorates Starlette endpoints, which take the request")
