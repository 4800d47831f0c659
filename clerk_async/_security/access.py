"""The access decision every framework adapter shares: what to answer a request, given its
:class:`RequestState` and the route's :class:`Requirement`. Pure: no I/O, no framework.

- signed in, accepted and allowed: 200, with the auth object;
- no state, signed out, a pending session, a token whose claims Clerk JS refuses, or a token type
  the route does not accept: 401 with ``WWW-Authenticate: Bearer`` (RFC 6750; with
  ``error="invalid_token"`` and the reason's message when a token was given);
- signed out for a reason of the server's, not the caller's (:data:`SERVER_SIDE_REASONS`: the key
  set cannot be loaded, no or a refused secret key, Clerk failing a verify call): 503, so that
  a frontend keeps its session, with ``Retry-After`` where trying again soon may help;
- signed in but not allowed: 403, or 404 with ``forbidden_status=404`` (as Clerk's
  ``protect()`` can hide a route; the adapters then answer their framework's own 404);
- allowed but for reverification: 403 with the body Clerk's frontend SDKs read
  (``useReverification()`` then asks the user to verify again, and retries).

A machine token passes a route's ``check`` (which sees its auth object) but no ``role``,
``permission``, ``feature``, ``plan`` or ``reverification``: ``has()`` is ``False`` for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import msgspec

from .auth import AuthObject, RequestState
from .authorization import Check, Reverification, ReverificationConfig, reverification_rule
from .options import AcceptsToken, check_accepts_token
from .reasons import SIGNED_IN_STATUS, AuthErrorReason, TokenVerificationErrorReason
from .token_types import SESSION_TOKEN, accepted_families, family

__all__ = [
    "RETRY_AFTER_S",
    "REVERIFICATION_ERROR",
    "SERVER_SIDE_REASONS",
    "SIGNED_IN",
    "AccessDecision",
    "Requirement",
    "admit",
    "decide_access",
]

#: Clerk's reason for a missing reverification (``@clerk/shared`` ``authorization-errors``).
REVERIFICATION_ERROR = "reverification-error"
_Why = TokenVerificationErrorReason
#: The reasons that are the server's fault, not the caller's: 503 rather than 401. Each says
#: whether trying again soon may help (then ``Retry-After``): Clerk failing to answer may pass; a
#: missing, refused or unusable key is the configuration's, and waits for an operator.
SERVER_SIDE_REASONS: Mapping[str, bool] = MappingProxyType(
    {
        _Why.JWK_FAILED_TO_LOAD.code: True,
        _Why.JWK_REMOTE_INVALID.code: True,
        _Why.SERVER_ERROR.code: True,
        _Why.JWK_FAILED_TO_RESOLVE.code: False,
        _Why.SECRET_KEY_MISSING.code: False,
        _Why.SECRET_KEY_INVALID.code: False,
    }
)
#: ``Retry-After`` of a 503 a retry may cure, in seconds.
RETRY_AFTER_S = 10
_JSON = ("Content-Type", "application/json")
_BEARER = ("WWW-Authenticate", "Bearer")
_PENDING = (
    "session-pending",
    "The session is pending: the user has a task left (such as choosing an organization).",
)
_REFUSED = (
    "session-claims-invalid",
    "The session token's claims are malformed (Clerk's SDKs refuse them).",
)
_NO_STATE = ("signed-out", "The request was not authenticated.")
_FORBIDDEN = ("forbidden", "The request is authenticated but not allowed.")
_NOT_FOUND = ("not-found", "Not found.")
_REVERIFY = "The session must verify again (reverification) to do this."


@dataclass(frozen=True, slots=True, kw_only=True)
class Requirement:
    """What a route needs. Checked when built, so a mistake shows where the route is declared.

    ``role``, ``permission``, ``feature``, ``plan``, ``reverification``: as ``has()`` takes them,
    all asked must pass; ``check``: a callable over the auth object that must return true (it
    also runs for machine tokens, which have no ``has()``). Nothing asked: signed in is enough.
    ``accepts_token``: the token types the route accepts (as ``AuthenticateRequestOptions``);
    ``forbidden_status``: 403, or 404 to hide the route from users who may not use it;
    ``treat_pending_as_signed_out``: a pending session is signed out (as in Clerk JS).
    """

    role: str | None = None
    permission: str | None = None
    feature: str | None = None
    plan: str | None = None
    reverification: ReverificationConfig | None = None
    check: Callable[[AuthObject], bool] | None = None
    accepts_token: AcceptsToken = "session_token"
    forbidden_status: Literal[403, 404] = 403
    treat_pending_as_signed_out: bool = True
    # Worked out once, when declared: the token families accepted, the check of the parts
    # asked (role, permission, feature, plan) and the reverification check, each or None.
    _families: frozenset[str] = field(init=False, repr=False, compare=False, default=frozenset())
    _parts: Check | None = field(init=False, repr=False, compare=False, default=None)
    _reverify: Check | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        for name in ("role", "permission", "feature", "plan"):
            value = getattr(self, name)
            if value is not None and type(value) is not str:
                raise TypeError(f"Requirement {name} must be a str, not {type(value).__name__}")
        object.__setattr__(self, "reverification", reverification_rule(self.reverification))
        if self.check is not None and not callable(self.check):
            raise TypeError("Requirement check must be a callable taking the auth object")
        names = check_accepts_token(self.accepts_token)
        if self.forbidden_status not in (403, 404) or type(self.forbidden_status) is not int:
            raise ValueError("forbidden_status must be 403 or 404")
        if type(self.treat_pending_as_signed_out) is not bool:
            raise TypeError("treat_pending_as_signed_out must be a bool")
        object.__setattr__(self, "_families", accepted_families(names))
        parts = Check(self.role, self.permission, self.feature, self.plan, None)
        object.__setattr__(self, "_parts", parts if parts.asks else None)
        rule = self.reverification
        if isinstance(rule, Reverification):
            object.__setattr__(self, "_reverify", Check(None, None, None, None, rule))


@dataclass(frozen=True, slots=True)
class AccessDecision:
    """What to answer: ``status`` (200, 401, 403, 404 or 503), the ``headers`` to add, the JSON
    ``body`` (empty for 200), the ``auth`` object when there is one, a ``reason`` code and its
    ``message`` in words (what the body says; ``None`` for 200)."""

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    auth: AuthObject | None = None
    reason: str | None = None
    message: str | None = None

    @property
    def allowed(self) -> bool:
        return self.status == 200

    @classmethod
    def unauthenticated(cls, reason: str, message: str) -> AccessDecision:
        """The 401 of ``decide_access`` for credentials that verified but that you refuse
        (a user deleted since the token was issued, say): ``WWW-Authenticate: Bearer
        error="invalid_token"`` with ``message``, and the JSON body naming ``reason``."""
        if not isinstance(reason, str) or not reason or not isinstance(message, str):
            raise TypeError("unauthenticated needs a reason code and a message (strings)")
        return _unauthenticated(reason, message, token_given=True)


SIGNED_IN = Requirement()


def decide_access(
    state: RequestState | None, requirement: Requirement = SIGNED_IN
) -> AccessDecision:
    """The answer to a request with ``state`` (``None``: not authenticated) on a route that
    needs ``requirement``. Never raises for anything a request carries; only
    ``requirement.check`` (your code) may."""
    verdict = admit(state, requirement)
    if isinstance(verdict, AccessDecision):
        return verdict
    return AccessDecision(200, auth=verdict)


def admit(
    state: RequestState | None, requirement: Requirement = SIGNED_IN
) -> AuthObject | AccessDecision:
    """:func:`decide_access`'s answer, with the auth object itself for a request that passes
    (what the adapters need: no decision is built for it), else the refusal to answer."""
    if not isinstance(requirement, Requirement):
        raise TypeError(f"decide_access needs a Requirement, not {type(requirement).__name__}")
    if state is None:
        return _unauthenticated(*_NO_STATE, token_given=False)
    if state.status is not SIGNED_IN_STATUS or state.payload is None:
        reason = state.reason
        if reason is None:
            return _unauthenticated(*_NO_STATE, token_given=False)
        retry = SERVER_SIDE_REASONS.get(reason.code)
        if retry is not None:
            return _unavailable(reason.code, reason.message, retry=retry)
        missing = reason is AuthErrorReason.SESSION_TOKEN_MISSING
        return _unauthenticated(reason.code, reason.message, token_given=not missing)
    auth = state.to_auth(treat_pending_as_signed_out=requirement.treat_pending_as_signed_out)
    if family(auth.token_type) not in requirement._families:
        reason = AuthErrorReason.TOKEN_TYPE_NOT_SUPPORTED
        return _unauthenticated(reason.code, reason.message, token_given=True)
    if not auth.is_authenticated:
        code, message = _PENDING if getattr(auth, "session_status", None) == "pending" else _REFUSED
        return _unauthenticated(code, message, token_given=True)
    return _authorize(auth, requirement)


def _authorize(auth: AuthObject, requirement: Requirement) -> AuthObject | AccessDecision:
    r = requirement
    parts, reverify = r._parts, r._reverify
    asks_has = parts is not None or reverify is not None
    if asks_has and auth.token_type is not SESSION_TOKEN:
        return _forbidden(auth, r)  # a machine token: it has no role, feature or session
    if parts is not None and not auth._grants(parts):
        return _forbidden(auth, r)
    if r.check is not None and not r.check(auth):
        return _forbidden(auth, r)
    if reverify is not None and not auth._grants(reverify):
        assert reverify.rule is not None
        return _reverify(auth, reverify.rule)  # last: verifying again is all the user has left
    return auth


def _unauthenticated(code: str, message: str, *, token_given: bool) -> AccessDecision:
    challenge = _BEARER
    if token_given:
        description = _quotable(message)
        challenge = (
            "WWW-Authenticate",
            f'Bearer error="invalid_token", error_description="{description}"',
        )
    body = {"error": "unauthenticated", "reason": code, "message": message}
    return AccessDecision(401, (challenge, _JSON), _encode(body), None, code, message)


def _unavailable(code: str, message: str, *, retry: bool) -> AccessDecision:
    headers = (("Retry-After", str(RETRY_AFTER_S)), _JSON) if retry else (_JSON,)
    body = {"error": "unavailable", "reason": code, "message": message}
    return AccessDecision(503, headers, _encode(body), None, code, message)


def _forbidden(auth: AuthObject, requirement: Requirement) -> AccessDecision:
    if requirement.forbidden_status == 404:
        code, message = _NOT_FOUND
        body = {"error": "not_found", "message": message}
        return AccessDecision(404, (_JSON,), _encode(body), auth, code, message)
    code, message = _FORBIDDEN
    body = {"error": "forbidden", "message": message}
    return AccessDecision(403, (_JSON,), _encode(body), auth, code, message)


def _reverify(auth: AuthObject, rule: Reverification) -> AccessDecision:
    body = {
        "clerk_error": {
            "type": "forbidden",
            "reason": REVERIFICATION_ERROR,
            "metadata": {"reverification": rule.to_json()},
        }
    }
    headers = (_JSON,)
    return AccessDecision(403, headers, _encode(body), auth, REVERIFICATION_ERROR, _REVERIFY)


def _encode(body: dict[str, Any]) -> bytes:
    return msgspec.json.encode(body)


def _quotable(text: str) -> str:
    """``text`` as an RFC 6750 ``error_description``: printable ASCII without ``"`` or ``\\``."""
    return "".join(c if " " <= c <= "~" and c not in '"\\' else "'" for c in text)
