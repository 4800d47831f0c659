"""aiohttp.web: a middleware and a handler decorator over ``clerk_async`` (aiohttp 3.14+).

``clerk_auth = ClerkAuth(clerk)``; ``web.Application(middlewares=[clerk_auth.middleware])`` sets
``request[AUTH]`` on every request: the auth object of a signed-in request (a token of the types
``options.accepts_token`` names), else ``None``. ``@clerk_auth.protect(role=..., ...)`` on a
handler (or a ``web.View`` method) runs it only for a request that meets the requirement, and
raises ``decide_access``'s answer otherwise: ``web.HTTPUnauthorized`` (with
``WWW-Authenticate: Bearer``), ``web.HTTPForbidden`` (Clerk's reverification body included) or
``web.HTTPServiceUnavailable`` (a failure on the server's side), each with its JSON body; for a
route hidden with ``forbidden_status=404``, the ``web.HTTPNotFound`` aiohttp raises for a path
no route matches. The request is authenticated once either way.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from aiohttp import web

from clerk_async._security.access import SIGNED_IN, AccessDecision, Requirement
from clerk_async._security.auth import AuthObject
from clerk_async._security.authorization import ReverificationConfig
from clerk_async._security.options import AcceptsToken, AuthenticateRequestOptions

from ._gate import AsyncGate, RequestStates

if TYPE_CHECKING:
    from aiohttp.typedefs import Handler

    from clerk_async import Clerk
    from clerk_async.models import User

__all__ = ["AUTH", "ClerkAuth", "http_error_for"]

if not hasattr(web, "RequestKey"):  # pragma: no cover - older aiohttp
    raise ImportError("clerk_async.integrations.aiohttp needs aiohttp 3.14 or newer")

#: The auth object of a signed-in request, or ``None`` (set by the middleware and ``protect``).
AUTH = web.RequestKey[AuthObject | None]("clerk_auth")
_STATES = web.RequestKey[RequestStates]("clerk_request_states")
_ERRORS: dict[int, type[web.HTTPException]] = {
    401: web.HTTPUnauthorized,
    403: web.HTTPForbidden,
    503: web.HTTPServiceUnavailable,
}
HandlerT = TypeVar("HandlerT", bound=Callable[..., Awaitable[web.StreamResponse]])


def http_error_for(decision: AccessDecision) -> web.HTTPException:
    """``decide_access``'s answer as the aiohttp exception to raise; for a hidden route (404),
    the plain ``web.HTTPNotFound`` aiohttp raises for a path no route matches."""
    if decision.status == 404:
        return web.HTTPNotFound()
    headers = {name: value for name, value in decision.headers if name != "Content-Type"}
    return _ERRORS[decision.status](
        headers=headers, text=decision.body.decode(), content_type="application/json"
    )


def _states(request: web.Request) -> RequestStates:
    states = request.get(_STATES)
    if states is None:
        states = request[_STATES] = {}
    return states


class ClerkAuth:
    """Requests authenticated with ``clerk`` (default ``Clerk()``, from ``CLERK_SECRET_KEY`` /
    ``CLERK_API_URL``) and ``options`` (default: ``CLERK_JWT_KEY``, ``CLERK_PUBLISHABLE_KEY``,
    ``CLERK_AUTHORIZED_PARTIES``)."""

    def __init__(
        self, clerk: Clerk | None = None, *, options: AuthenticateRequestOptions | None = None
    ) -> None:
        self.gate = gate = AsyncGate(clerk, options)

        @web.middleware
        async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
            verdict = await gate.admit(request, _states(request), gate.signed_in)
            request[AUTH] = None if isinstance(verdict, AccessDecision) else verdict
            return await handler(request)

        #: The ``@web.middleware`` to add to the application.
        self.middleware = middleware

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
    ) -> Callable[[HandlerT], HandlerT]:
        """A handler decorator (the arguments of ``Requirement``); ``request[AUTH]`` is the
        allowed auth object inside the handler."""
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

        def decorate(handler: HandlerT) -> HandlerT:
            @functools.wraps(handler)
            async def protected(*args: Any, **kwargs: Any) -> web.StreamResponse:
                request = _request_in(args)
                verdict = await gate.admit(request, _states(request), requirement)
                if isinstance(verdict, AccessDecision):
                    raise http_error_for(verdict)
                request[AUTH] = verdict
                return await handler(*args, **kwargs)

            return protected  # type: ignore[return-value]

        return decorate

    async def current_user(self, request: web.Request) -> User | None:
        """The full ``User`` of a signed-in request (one ``users.get``, so mind Clerk's rate
        limits; a client with a cache answers from it); ``None`` when the request has no
        signed-in user, or the user no longer exists."""
        auth = request.get(AUTH)
        if auth is None:
            verdict = await self.gate.admit(request, _states(request), SIGNED_IN)
            auth = None if isinstance(verdict, AccessDecision) else verdict
        if auth is None:
            return None
        return await self.gate.user(auth)


def _request_in(args: tuple[Any, ...]) -> web.Request:
    for value in args:  # a handler takes the request; a web.View method has self.request
        if isinstance(value, web.View):
            return value.request
        if isinstance(value, web.Request):
            return value
    raise TypeError("protect() decorates aiohttp.web handlers, which take the request")
