"""Clerk for Flask (``clerk_sync``: Flask's views are blocking; an ``async def`` view is checked
before Flask starts its event loop).

- :class:`ClerkAuth`: the extension (``ClerkAuth(app)`` or ``init_app(app)``, kept under
  ``app.extensions["clerk"]``); before every request it sets ``g.auth``: the auth object of a
  signed-in session token, else a signed-out one (``g.auth.is_authenticated`` is false).
- :func:`clerk_required` guards a view: 401, 403 (or Flask's own 404), or the reverification
  403 Clerk's frontend SDKs read, as :func:`~clerk_async.security.decide_access` decides.
- :func:`current_user`: the full ``User`` of the request, through the client.

Configured from ``app.config`` (``CLERK_SECRET_KEY``, ``CLERK_PUBLISHABLE_KEY``,
``CLERK_JWT_KEY``, ``CLERK_AUTHORIZED_PARTIES``, ...: see :mod:`._common`), each falling back to
the environment.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from flask import Flask, Response, abort, current_app, g, request

from clerk_async._security.access import AccessDecision, Requirement, decide_access
from clerk_async._security.auth import AuthObject, RequestState
from clerk_async._security.authorization import ReverificationConfig
from clerk_async._security.options import AcceptsToken
from clerk_async._security.token_types import accepted_families
from clerk_async.errors import NotFoundError

from ._common import ClerkSettings, auth_of, user_id_of

if TYPE_CHECKING:
    import clerk_sync
    from clerk_async.models import User

__all__ = ["ClerkAuth", "clerk_required", "current_user", "get_client"]

View = TypeVar("View", bound=Callable[..., Any])
EXTENSION = "clerk"


class ClerkAuth:
    """The Flask extension: ``ClerkAuth(app)``, or ``auth = ClerkAuth()`` then
    ``auth.init_app(app)`` in an app factory. Reads ``app.config`` when initialised."""

    def __init__(self, app: Flask | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        app.extensions[EXTENSION] = ClerkSettings(app.config.get)
        app.before_request(_authenticate)


def _settings() -> ClerkSettings:
    found = current_app.extensions.get(EXTENSION)
    if not isinstance(found, ClerkSettings):
        raise RuntimeError("Clerk is not set up for this app: call ClerkAuth(app) first")
    return found


def get_client() -> clerk_sync.Clerk:
    """The current app's blocking client (``clerk_sync.Clerk``), configured from its config."""
    return _settings().sync_client()


def request_state(accepts_token: AcceptsToken) -> RequestState:
    """The current request's :class:`RequestState` for ``accepts_token``, authenticated once
    per request (what ``g.auth`` was made from is reused)."""
    families = accepted_families(accepts_token)
    states: dict[frozenset[str], RequestState] = g.setdefault("_clerk_states", {})
    state = states.get(families)
    if state is None:
        config = _settings()
        options = config.options(accepts_token)
        state = states[families] = config.sync_client().authenticate_request(request, options)
    return state


def _authenticate() -> None:
    g.auth = auth_of(request_state("session_token"))


@overload
def clerk_required(view: View, /) -> View: ...


@overload
def clerk_required(
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
) -> Callable[[View], View]: ...


def clerk_required(
    view: Callable[..., Any] | None = None,
    /,
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
) -> Any:
    """Let a view run only for requests that meet the requirement; ``g.auth`` is then the auth
    object. ``@clerk_required``: signed in is enough. With arguments, those of
    :class:`~clerk_async.security.Requirement`: ``role=``, ``permission=``, ``feature=``,
    ``plan=``, ``reverification=`` (as ``has()`` takes them), ``check=`` (a callable over the
    auth object), ``accepts_token=`` (``"api_key"``, ``["session_token", "m2m_token"]``,
    ``"any"``, ...), ``forbidden_status=404`` to answer Flask's own 404 instead of 403.
    Put it below ``@app.get(...)``/``@app.route(...)``.
    """
    requirement = Requirement(
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

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            decision = decide_access(request_state(requirement.accepts_token), requirement)
            if not decision.allowed:
                return _refusal(decision)
            g.auth = decision.auth
            # An async view runs on the event loop Flask starts for it, after the check.
            return current_app.ensure_sync(view)(*args, **kwargs)

        return guarded

    return decorate if view is None else decorate(view)


def _refusal(decision: AccessDecision) -> Response:
    """Flask's answer of a refused request: the decision's JSON, or Flask's own 404 (so the
    route looks like any missing one)."""
    if decision.status == 404:
        abort(404)
    return Response(decision.body, decision.status, list(decision.headers))


def current_user() -> User | None:
    """The signed-in user of the current request (``g.auth``), fetched with the blocking
    client once per request; ``None`` when signed out, for a machine token without a user, or
    for a user deleted since the token was issued."""
    user_id = user_id_of(g.get("auth"))
    if user_id is None:
        return None
    user: User | None = g.get("_clerk_user")
    if user is None or user.id != user_id:
        try:
            user = g._clerk_user = get_client().users.get(user_id)
        except NotFoundError:  # deleted since the token was issued
            return None
    return user
