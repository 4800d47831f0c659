"""Clerk for Django REST framework: an authentication class and permission classes.

- :class:`ClerkAuthentication`: ``request.auth`` is the auth object and ``request.user`` a
  :class:`ClerkUser` (no database row). No token, or a token type it does not accept: ``None``,
  so another authentication class may try; a bad token: 401 with ``WWW-Authenticate: Bearer``
  and the reason's message. Subclass it to accept machine tokens (``accepts_token``).
- :class:`ClerkPermission`: ``ClerkPermission.require(role=..., permission=..., feature=...,
  plan=..., reverification=..., check=..., forbidden_status=404)`` is a permission class;
  signed in but not allowed: DRF's 403, and a missing reverification the 403 with the body
  Clerk's frontend SDKs read. A route hidden with ``forbidden_status=404`` gets the site's own
  404 (as a path no route matches) from :class:`~clerk_async.integrations.django.ClerkMiddleware`;
  without the middleware, DRF's 404.

A failure on the server's side (Clerk unreachable, no secret key) is a 503 with
``decide_access``'s body, not a 401: the caller's credentials are not in doubt.

DRF views are sync: checks use ``clerk_sync`` (Django runs them in a thread under ASGI), and
reuse what :class:`~clerk_async.integrations.django.ClerkMiddleware` found for the request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, ClassVar, Literal

import msgspec
from rest_framework.authentication import BaseAuthentication  # type: ignore[import-untyped]
from rest_framework.exceptions import (  # type: ignore[import-untyped]
    APIException,
    AuthenticationFailed,
    NotFound,
)
from rest_framework.permissions import BasePermission  # type: ignore[import-untyped]

from clerk_async._security.access import (
    REVERIFICATION_ERROR,
    AccessDecision,
    Requirement,
    decide_access,
)
from clerk_async._security.auth import AuthObject, RequestState
from clerk_async._security.authorization import ReverificationConfig
from clerk_async._security.options import AcceptsToken
from clerk_async._security.reasons import AuthErrorReason

from ._common import subject_of
from .django import hide_route, request_state

__all__ = [
    "ClerkAuthentication",
    "ClerkPermission",
    "ClerkUnavailable",
    "ClerkUser",
    "ReverificationRequired",
]

_STATE = "_clerk_drf_state"  # on the Django request: the state ClerkAuthentication accepted
_CHALLENGE = "_clerk_drf_challenge"  # ... and the challenge of the token it refused
#: Reasons that mean "this class does not apply": DRF tries the next authentication class.
_NOT_MINE = frozenset(
    {
        AuthErrorReason.SESSION_TOKEN_MISSING.code,
        AuthErrorReason.TOKEN_TYPE_NOT_SUPPORTED.code,
        "signed-out",
    }
)


def _django_request(request: Any) -> Any:
    return getattr(request, "_request", request)


class ClerkUser:
    """``request.user`` of a request Clerk authenticated: who the token stands for, without a
    database row. ``pk``/``id``: the user id (a machine token's machine or key id without one)."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, auth: AuthObject) -> None:
        self.auth = auth
        self.pk = self.id = subject_of(auth)

    def __str__(self) -> str:
        return self.pk or ""

    def __repr__(self) -> str:
        return f"ClerkUser(pk={self.pk!r}, token_type={self.auth.token_type.value!r})"


class ClerkAuthentication(BaseAuthentication):  # type: ignore[misc]
    """Authenticates with Clerk's session token (``Authorization: Bearer`` or the ``__session``
    cookie); a subclass setting ``accepts_token`` takes machine tokens too, and one setting
    ``treat_pending_as_signed_out = False`` takes pending sessions."""

    accepts_token: ClassVar[AcceptsToken] = "session_token"
    treat_pending_as_signed_out: ClassVar[bool] = True

    def authenticate(self, request: Any) -> tuple[ClerkUser, AuthObject] | None:
        django_request = _django_request(request)
        requirement = self._requirement()
        state = request_state(django_request, requirement.accepts_token)
        decision = decide_access(state, requirement)
        if decision.allowed and decision.auth is not None:
            setattr(django_request, _STATE, (state, requirement.treat_pending_as_signed_out))
            return ClerkUser(decision.auth), decision.auth
        if decision.reason in _NOT_MINE:
            return None
        if decision.status == 503:
            raise ClerkUnavailable(decision)
        setattr(django_request, _CHALLENGE, dict(decision.headers)["WWW-Authenticate"])
        raise AuthenticationFailed(decision.message)

    def authenticate_header(self, request: Any) -> str:
        return getattr(_django_request(request), _CHALLENGE, "Bearer")

    @classmethod
    def _requirement(cls) -> Requirement:
        key = (cls.accepts_token, cls.treat_pending_as_signed_out)
        cached: tuple[Any, Requirement] | None = cls.__dict__.get("_clerk_requirement")
        if cached is None or cached[0] != key:
            requirement = Requirement(
                accepts_token=cls.accepts_token,
                treat_pending_as_signed_out=cls.treat_pending_as_signed_out,
            )
            cached = (key, requirement)
            cls._clerk_requirement = cached
        return cached[1]


class ClerkUnavailable(APIException):  # type: ignore[misc]
    """503: the request could not be authenticated for a reason of the server's (Clerk
    unreachable, no secret key), with ``decide_access``'s body and its ``Retry-After``."""

    status_code = 503
    default_code = "unavailable"

    def __init__(self, decision: AccessDecision) -> None:
        self.detail = msgspec.json.decode(decision.body)
        retry_after = dict(decision.headers).get("Retry-After")
        self.wait = None if retry_after is None else int(retry_after)  # DRF's Retry-After


class ReverificationRequired(APIException):  # type: ignore[misc]
    """403 with the body Clerk's frontend SDKs read (``useReverification()`` then asks the user
    to verify again and retries)."""

    status_code = 403
    default_code = REVERIFICATION_ERROR

    def __init__(self, body: dict[str, Any]) -> None:
        # Not APIException.__init__: it would turn the body's numbers into strings.
        self.detail = body


class ClerkPermission(BasePermission):  # type: ignore[misc]
    """Allows requests that :class:`ClerkAuthentication` signed in and that meet
    ``requirement``; build one with :meth:`require`, or subclass and set ``requirement``."""

    requirement: ClassVar[Requirement] = Requirement(accepts_token="any")
    message = "The request is authenticated but not allowed."

    def has_permission(self, request: Any, view: Any) -> bool:
        accepted: tuple[RequestState, bool] | None = None
        if isinstance(request.successful_authenticator, ClerkAuthentication):
            accepted = getattr(_django_request(request), _STATE, None)
        if accepted is None:
            return False  # DRF answers 401, or 403 when another class authenticated it
        state, treat_pending_as_signed_out = accepted
        decision = decide_access(state, self._requirement(treat_pending_as_signed_out))
        if decision.allowed:
            return True
        if decision.status == 404:
            hide_route(_django_request(request))
            raise NotFound  # answered so without ClerkMiddleware
        if decision.reason == REVERIFICATION_ERROR:
            raise ReverificationRequired(msgspec.json.decode(decision.body))
        return False

    @classmethod
    def _requirement(cls, treat_pending_as_signed_out: bool) -> Requirement:
        """``requirement``, with the authentication class's choice about pending sessions."""
        requirement = cls.requirement
        if requirement.treat_pending_as_signed_out == treat_pending_as_signed_out:
            return requirement
        made: tuple[Requirement, Requirement] | None = cls.__dict__.get("_clerk_variant")
        if made is None or made[0] is not requirement:
            variant = replace(requirement, treat_pending_as_signed_out=treat_pending_as_signed_out)
            made = (requirement, variant)
            cls._clerk_variant = made
        return made[1]

    @classmethod
    def require(
        cls,
        *,
        role: str | None = None,
        permission: str | None = None,
        feature: str | None = None,
        plan: str | None = None,
        reverification: ReverificationConfig | None = None,
        check: Callable[[AuthObject], bool] | None = None,
        accepts_token: AcceptsToken = "any",
        forbidden_status: Literal[403, 404] = 403,
    ) -> type[ClerkPermission]:
        """A permission class for :class:`~clerk_async.security.Requirement`'s arguments.

        ``accepts_token`` defaults to ``"any"`` (the authentication class chose already), and
        pending sessions are as the authentication class takes them."""
        requirement = Requirement(
            role=role,
            permission=permission,
            feature=feature,
            plan=plan,
            reverification=reverification,
            check=check,
            accepts_token=accepts_token,
            forbidden_status=forbidden_status,
        )
        return type(cls.__name__, (cls,), {"requirement": requirement})
