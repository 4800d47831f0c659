"""Clerk for Django 4.2+, sync and async views alike.

- :class:`ClerkMiddleware` sets ``request.auth`` on every request: the auth object of a signed-in
  session token, else a signed-out one (``request.auth.is_authenticated`` is false). It runs
  async under ASGI (with ``clerk_async``) and sync under WSGI (with ``clerk_sync``).
- :func:`clerk_required` guards a view: 401, 403 (or the site's own 404), the reverification
  403 Clerk's frontend SDKs read, or 503 for a failure on the server's side, as
  :func:`~clerk_async.security.decide_access` decides. An
  ``async def`` view is checked with ``clerk_async``, a plain one with ``clerk_sync``, so no
  event loop ever waits on a blocking call.
- :func:`current_user` / :func:`acurrent_user`: the full ``User`` of the request, through the
  client (one Backend API request, once per request).

Configured from the settings (``CLERK_SECRET_KEY``, ``CLERK_PUBLISHABLE_KEY``, ``CLERK_JWT_KEY``,
``CLERK_AUTHORIZED_PARTIES``, ...: see :mod:`._common`), each falling back to the environment.
Django REST framework classes are in :mod:`clerk_async.integrations.drf`.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings  # type: ignore[import-untyped]
from django.core.signals import setting_changed  # type: ignore[import-untyped]
from django.http import Http404, HttpRequest, HttpResponse  # type: ignore[import-untyped]

from clerk_async._security.access import AccessDecision, Requirement, decide_access
from clerk_async._security.auth import AuthObject, RequestState
from clerk_async._security.authorization import ReverificationConfig
from clerk_async._security.options import AcceptsToken
from clerk_async._security.token_types import accepted_families
from clerk_async.errors import NotFoundError

from ._common import ClerkSettings, auth_of, user_id_of

if TYPE_CHECKING:
    import clerk_async
    import clerk_sync
    from clerk_async.models import User

__all__ = [
    "ClerkMiddleware",
    "acurrent_user",
    "clerk_required",
    "current_user",
    "get_async_client",
    "get_client",
]

View = TypeVar("View", bound=Callable[..., Any])
#: What the middleware accepts, as Clerk's JS backend does by default: session tokens.
_SESSIONS = accepted_families("session_token")
_STATES = "_clerk_states"  # request attribute: accepted token families -> RequestState
_USER = "_clerk_user"
_HIDDEN = "_clerk_hidden"  # request attribute: a view hid its route (see hide_route)


class _ProjectSettings:
    """The project's Clerk configuration, read from the settings on first use, and read again
    after a test changes a ``CLERK_*`` setting."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: ClerkSettings | None = None

    def get(self) -> ClerkSettings:
        current = self._current
        if current is None:
            with self._lock:
                if self._current is None:
                    self._current = ClerkSettings(lambda name: getattr(settings, name, None))
                current = self._current
        return current

    def forget(self, *, setting: str, **_: Any) -> None:
        if setting.startswith("CLERK_"):
            with self._lock:
                stale, self._current = self._current, None
            if stale is not None:
                stale.close()


_project = _ProjectSettings()
clerk_settings = _project.get


setting_changed.connect(_project.forget, dispatch_uid="clerk_async.integrations.django")


def get_client() -> clerk_sync.Clerk:
    """The project's blocking client (``clerk_sync.Clerk``), configured from the settings."""
    return clerk_settings().sync_client()


def get_async_client() -> clerk_async.Clerk:
    """The project's async client (``clerk_async.Clerk``), configured from the settings."""
    return clerk_settings().async_client()


# -- one authentication per request and set of accepted token types ---------------------------


def _states(request: HttpRequest) -> dict[frozenset[str], RequestState]:
    states: dict[frozenset[str], RequestState] | None = getattr(request, _STATES, None)
    if states is None:
        states = {}
        setattr(request, _STATES, states)
    return states


def request_state(request: HttpRequest, accepts_token: AcceptsToken) -> RequestState:
    """The request's :class:`RequestState` for ``accepts_token``, with the blocking client,
    authenticated once per request (the middleware's is reused)."""
    families = accepted_families(accepts_token)
    states = _states(request)
    state = states.get(families)
    if state is None:
        config = clerk_settings()
        options = config.options(accepts_token)
        state = states[families] = config.sync_client().authenticate_request(request, options)
    return state


async def arequest_state(request: HttpRequest, accepts_token: AcceptsToken) -> RequestState:
    """:func:`request_state` with the async client."""
    families = accepted_families(accepts_token)
    states = _states(request)
    state = states.get(families)
    if state is None:
        config = clerk_settings()
        options = config.options(accepts_token)
        client = config.async_client()
        state = states[families] = await client.authenticate_request(request, options)
    return state


def hide_route(request: HttpRequest) -> None:
    """Have :class:`ClerkMiddleware` answer ``request`` with the site's own 404, whatever the
    view answered (for views that cannot raise ``Http404`` to Django themselves: DRF's)."""
    setattr(request, _HIDDEN, True)


class ClerkMiddleware:
    """Sets ``request.auth`` (the auth object, or a signed-out one) for every request.

    Add ``"clerk_async.integrations.django.ClerkMiddleware"`` to ``MIDDLEWARE``, last (nearest
    the views). It only reads: guard views with :func:`clerk_required` (or DRF's classes). For
    a DRF route hidden with ``forbidden_status=404`` it answers the site's own 404.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self._async = iscoroutinefunction(get_response)
        if self._async:
            markcoroutinefunction(self)
        clerk_settings()  # a wrong setting fails at startup, not in a request

    def __call__(self, request: HttpRequest) -> Any:
        if self._async:
            return self.__acall__(request)
        request.auth = auth_of(request_state(request, "session_token"))
        return _unless_hidden(request, self.get_response(request))

    async def __acall__(self, request: HttpRequest) -> Any:
        request.auth = auth_of(await arequest_state(request, "session_token"))
        return _unless_hidden(request, await self.get_response(request))


def _unless_hidden(request: HttpRequest, response: Any) -> Any:
    if getattr(request, _HIDDEN, False):
        raise Http404  # Django answers it as for a path no route matches (handler404)
    return response


# -- guarding views ----------------------------------------------------------------------------


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
    """Let a view run only for requests that meet the requirement; ``request.auth`` is then the
    auth object. ``@clerk_required``: signed in is enough. With arguments, those of
    :class:`~clerk_async.security.Requirement`: ``role=``, ``permission=``, ``feature=``,
    ``plan=``, ``reverification=`` (as ``has()`` takes them), ``check=`` (a callable over the
    auth object), ``accepts_token=`` (``"api_key"``, ``["session_token", "m2m_token"]``,
    ``"any"``, ...), ``forbidden_status=404`` to answer the site's own 404 instead of 403.

    For class-based views: ``method_decorator(clerk_required(...), name="dispatch")``.
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
        if iscoroutinefunction(view):
            return _async_guard(view, requirement)
        return _guard(view, requirement)

    return decorate if view is None else decorate(view)


def _guard(view: Callable[..., Any], requirement: Requirement) -> Callable[..., Any]:
    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        state = request_state(request, requirement.accepts_token)
        decision = decide_access(state, requirement)
        if not decision.allowed:
            return _refusal(decision)
        request.auth = decision.auth
        return view(request, *args, **kwargs)

    return guarded


def _async_guard(
    view: Callable[..., Awaitable[Any]], requirement: Requirement
) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(view)
    async def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        state = await arequest_state(request, requirement.accepts_token)
        decision = decide_access(state, requirement)
        if not decision.allowed:
            return _refusal(decision)
        request.auth = decision.auth
        return await view(request, *args, **kwargs)

    return guarded


def _refusal(decision: AccessDecision) -> HttpResponse:
    """Django's answer of a refused request: the decision's JSON, or the site's own 404 (so the
    route looks like any missing one)."""
    if decision.status == 404:
        raise Http404
    response = HttpResponse(decision.body, status=decision.status, content_type="application/json")
    for name, value in decision.headers:
        response[name] = value
    return response


# -- the full user -----------------------------------------------------------------------------


def current_user(request: HttpRequest) -> User | None:
    """The signed-in user of ``request`` (``request.auth``), fetched with the blocking client
    once per request; ``None`` when signed out, for a machine token without a user, or for a
    user deleted since the token was issued."""
    user_id = user_id_of(getattr(request, "auth", None))
    if user_id is None:
        return None
    user: User | None = getattr(request, _USER, None)
    if user is None or user.id != user_id:
        try:
            user = get_client().users.get(user_id)
        except NotFoundError:  # deleted since the token was issued
            return None
        setattr(request, _USER, user)
    return user


async def acurrent_user(request: HttpRequest) -> User | None:
    """:func:`current_user` with the async client, for ``async def`` views."""
    user_id = user_id_of(getattr(request, "auth", None))
    if user_id is None:
        return None
    user: User | None = getattr(request, _USER, None)
    if user is None or user.id != user_id:
        try:
            user = await get_async_client().users.get(user_id)
        except NotFoundError:
            return None
        setattr(request, _USER, user)
    return user
