"""What ``authenticate_request`` returns: :class:`RequestState` and the auth objects.

Field names follow Clerk's Python SDK, with what Clerk's JS backend also gives: ``actor`` (the
``act`` claim), ``session_status`` (``sts``), ``user_id``/``session_id`` on v2 objects, the
``features`` and ``plans`` as scoped lists, and ``has()``. A session token's claims are read as
Clerk's JS backend reads them (:mod:`.session_claims`); ``has()`` decides as it decides
(:mod:`.authorization`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from .authorization import Check, ReverificationConfig, prepared_check
from .reasons import SIGNED_IN_STATUS, AuthErrorReason, AuthStatus, TokenVerificationErrorReason
from .session_claims import SessionFields, add_org_claims, org_permissions, read_session_claims
from .token_types import SESSION_TOKEN, TokenType, opaque_type

__all__ = [
    "APIKeyMachineAuthObject",
    "AuthObject",
    "M2MMachineAuthObject",
    "OAuthMachineAuthObject",
    "RequestState",
    "SessionAuthObjectV1",
    "SessionAuthObjectV2",
    "SignedOutAuthObject",
    "add_org_claims",
    "org_permissions",
]

_REGISTERED_CLAIMS = frozenset(
    {"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "azp", "scopes", "scope", "client_id"}
)


class AuthObject:
    """The base of every auth object: what ``to_auth()`` returns, whatever the token's type.

    The user, session and organization it stands for read the same on every kind (``None`` where
    a kind has none: a machine token has no session, an M2M token no user), so
    ``state.to_auth().user_id`` type-checks without narrowing; what only one kind has
    (``scopes``, ``machine_id``, ``claims``, ...) needs an ``isinstance`` check first.
    """

    token_type: TokenType

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def user_id(self) -> str | None:
        return None

    @property
    def session_id(self) -> str | None:
        return None

    @property
    def org_id(self) -> str | None:
        return None

    @property
    def org_role(self) -> str | None:
        return None

    @property
    def org_slug(self) -> str | None:
        return None

    @property
    def org_permissions(self) -> list[str] | None:
        return None

    def has(
        self,
        *,
        role: str | None = None,
        permission: str | None = None,
        feature: str | None = None,
        plan: str | None = None,
        reverification: ReverificationConfig | None = None,
    ) -> bool:
        """Whether this session may: every part asked must pass (Clerk JS's ``has()``).

        ``False`` for signed-out and machine-token objects; ``TypeError``/``ValueError`` for
        arguments that are not a check (see :mod:`clerk_async._security.authorization`).
        """
        return self._grants(prepared_check(role, permission, feature, plan, reverification))

    def _grants(self, check: Check) -> bool:
        """Whether this object passes ``check`` (a session does; nothing else ever does)."""
        return False


@dataclass
class SessionAuthObjectV2(AuthObject):
    """A signed-in user session from a v2 session token (``v: 2``)."""

    exp: int | None = None
    iat: int | None = None
    iss: str | None = None
    sid: str | None = None
    sub: str | None = None
    v: int | None = None
    jti: str | None = None
    role: str | None = None
    fva: list[int] | None = None
    nbf: int | None = None
    email: str | None = None
    azp: str | None = None
    org_id: str | None = None
    org_slug: str | None = None
    org_role: str | None = None
    org_permissions: list[str] | None = None
    actor: dict[str, Any] | None = None
    session_status: str | None = None
    #: ``fea`` as scoped names: ``"o:a,u:b"`` is ``["org:a", "user:b"]`` (``ou``/``uo``: both).
    features: list[str] | None = None
    #: ``pla``, the same way.
    plans: list[str] | None = None
    claims: dict[str, Any] | None = field(default=None, repr=False)
    token_type: TokenType = TokenType.SESSION_TOKEN

    def _grants(self, check: Check) -> bool:
        return check.grants(
            self.sub,
            self.org_id,
            self.org_role,
            self.org_permissions,
            self.features,
            self.plans,
            self.fva,
        )

    @property
    def user_id(self) -> str | None:
        return self.sub

    @property
    def session_id(self) -> str | None:
        return self.sid

    @property
    def factor_verification_age(self) -> list[int] | None:
        return self.fva


@dataclass
class SessionAuthObjectV1(AuthObject):
    """A signed-in user session from a v1 session token."""

    session_id: str | None = None
    user_id: str | None = None
    org_id: str | None = None
    org_role: str | None = None
    org_permissions: list[str] | None = None
    factor_verification_age: list[int] | None = None
    claims: dict[str, Any] | None = field(default=None, repr=False)
    org_slug: str | None = None
    actor: dict[str, Any] | None = None
    session_status: str | None = None
    token_type: TokenType = TokenType.SESSION_TOKEN
    features: list[str] | None = None
    plans: list[str] | None = None

    def _grants(self, check: Check) -> bool:
        return check.grants(
            self.user_id,
            self.org_id,
            self.org_role,
            self.org_permissions,
            self.features,
            self.plans,
            self.factor_verification_age,
        )


@dataclass
class SignedOutAuthObject(AuthObject):
    """A session treated as signed out: a ``pending`` session (``sts``), by default, or a token
    whose claims Clerk JS refuses (then ``session_status`` is ``None``)."""

    session_status: str | None = None
    session_id: None = None
    user_id: None = None
    org_id: None = None
    org_role: None = None
    org_slug: None = None
    org_permissions: None = None
    actor: None = None
    token_type: TokenType = TokenType.SESSION_TOKEN

    @property
    def is_authenticated(self) -> bool:
        return False


@dataclass
class OAuthMachineAuthObject(AuthObject):
    token_type: TokenType = TokenType.OAUTH_TOKEN
    id: str | None = None
    user_id: str | None = None
    client_id: str | None = None
    name: str | None = None
    scopes: list[str] | None = None


@dataclass
class APIKeyMachineAuthObject(AuthObject):
    token_type: TokenType = TokenType.API_KEY
    id: str | None = None
    user_id: str | None = None
    org_id: str | None = None
    name: str | None = None
    scopes: list[str] | None = None
    claims: dict[str, Any] | None = None


@dataclass
class M2MMachineAuthObject(AuthObject):
    token_type: TokenType = TokenType.MACHINE_TOKEN  # to_auth() sets m2m_token for mt_ and JWTs
    id: str | None = None
    machine_id: str | None = None
    client_id: str | None = None
    name: str | None = None
    scopes: list[str] | None = None
    claims: dict[str, Any] | None = None


@dataclass
class RequestState:
    """The outcome of ``authenticate_request``: signed in (with ``token`` and ``payload``) or
    signed out with a ``reason``."""

    status: AuthStatus
    reason: AuthErrorReason | TokenVerificationErrorReason | None = None
    token: str | None = field(default=None, repr=False)
    payload: dict[str, Any] | None = None
    token_type: TokenType | None = None
    #: What exactly was wrong, when that says more than the reason's message (``message``).
    detail: str | None = None
    # A session token's claims as read when it was verified, with the payload they were read
    # from (to_auth reads them again if ``payload`` was replaced since). Not annotated, so not a
    # dataclass field: repr, ==, asdict() and replace() see the six fields they always saw.
    _session = cast("tuple[dict[str, Any], SessionFields | None] | None", None)

    @classmethod
    def of_session(
        cls, token: str, payload: dict[str, Any], fields: SessionFields | None
    ) -> RequestState:
        """A signed-in session token whose claims were read (``fields``) when it was verified."""
        state = cls(SIGNED_IN_STATUS, None, token, payload, SESSION_TOKEN)
        state._session = (payload, fields)
        return state

    @property
    def is_signed_in(self) -> bool:
        return self.status is SIGNED_IN_STATUS

    @property
    def is_authenticated(self) -> bool:
        return self.status is SIGNED_IN_STATUS

    @property
    def message(self) -> str | None:
        if self.detail is not None:
            return self.detail
        return None if self.reason is None else self.reason.message

    def to_auth(self, *, treat_pending_as_signed_out: bool = True) -> AuthObject:
        """The auth object of a signed-in request (``ValueError`` for a signed-out one).

        A ``pending`` session (``sts: pending``: signed in, a task such as choosing an
        organization left) gives a :class:`SignedOutAuthObject` unless
        ``treat_pending_as_signed_out=False``.
        """
        if self.status is not SIGNED_IN_STATUS or self.payload is None:
            code = "" if self.reason is None else f" ({self.reason.code})"
            raise ValueError(f"the request is signed out{code}: it has no auth object")
        payload = self.payload
        token_type = self.token_type or opaque_type(self.token or "") or SESSION_TOKEN
        if token_type is SESSION_TOKEN:
            read = self._session
            if read is not None and read[0] is payload:
                fields = read[1]
            else:
                fields = read_session_claims(payload)
            return _session_auth(payload, fields, treat_pending_as_signed_out)
        if token_type is TokenType.API_KEY:
            return _api_key_auth(payload)
        if token_type is TokenType.OAUTH_TOKEN:
            return OAuthMachineAuthObject(
                id=payload.get("id") or payload.get("jti"),
                user_id=payload.get("subject") or payload.get("sub"),
                client_id=payload.get("client_id"),
                name=payload.get("name"),
                scopes=_scopes(payload),
            )
        return M2MMachineAuthObject(
            token_type=token_type,
            id=payload.get("id") or payload.get("jti"),
            machine_id=payload.get("subject") or payload.get("sub"),
            client_id=payload.get("client_id"),
            name=payload.get("name"),
            scopes=_scopes(payload),
            claims=_machine_claims(payload),
        )


def _session_auth(
    payload: dict[str, Any], fields: SessionFields | None, treat_pending_as_signed_out: bool
) -> AuthObject:
    if fields is None:  # Clerk JS's toAuth() throws for these claims: nothing is granted
        return SignedOutAuthObject()
    if treat_pending_as_signed_out and fields.session_status == "pending":
        return SignedOutAuthObject(session_status="pending")
    if fields.v2:
        get = payload.get
        permissions, features, plans = fields.org_permissions, fields.features, fields.plans
        # In field order, not by keyword: 21 keyword arguments cost more than the object itself
        # (and the lists made inline: a helper's call costs more than the copy).
        return SessionAuthObjectV2(
            get("exp"),  # exp
            get("iat"),  # iat
            get("iss"),  # iss
            fields.session_id,  # sid
            fields.user_id,  # sub
            2,  # v
            get("jti"),  # jti
            get("role"),  # role
            fields.factor_verification_age,  # fva
            get("nbf"),  # nbf
            get("email"),  # email
            get("azp"),  # azp
            fields.org_id,  # org_id
            fields.org_slug,  # org_slug
            fields.org_role,  # org_role
            None if permissions is None else list(permissions),  # org_permissions
            fields.actor,  # actor
            fields.session_status,  # session_status
            None if features is None else list(features),  # features
            None if plans is None else list(plans),  # plans
            payload,  # claims
        )
    return SessionAuthObjectV1(
        session_id=fields.session_id,
        user_id=fields.user_id,
        org_id=fields.org_id,
        org_role=fields.org_role,
        org_permissions=_list(fields.org_permissions),
        factor_verification_age=fields.factor_verification_age,
        claims=payload,
        org_slug=fields.org_slug,
        actor=fields.actor,
        session_status=fields.session_status,
        features=_list(fields.features),
        plans=_list(fields.plans),
    )


def _list(items: tuple[str, ...] | None) -> list[str] | None:
    return None if items is None else list(items)


def _api_key_auth(payload: dict[str, Any]) -> APIKeyMachineAuthObject:
    subject = payload.get("subject")
    subject = subject if isinstance(subject, str) else ""
    return APIKeyMachineAuthObject(
        id=payload.get("id"),
        user_id=subject if subject.startswith("user_") else None,
        org_id=subject if subject.startswith("org_") else None,
        name=payload.get("name"),
        scopes=_scopes(payload),
        claims=payload.get("claims"),
    )


def _scopes(payload: dict[str, Any]) -> list[str] | None:
    scopes = payload.get("scopes")
    if isinstance(scopes, list):
        return [scope for scope in scopes if isinstance(scope, str)]
    for name in ("scopes", "scope"):  # a JWT's space-separated list
        if isinstance(payload.get(name), str):
            return str(payload[name]).split()
    audience = payload.get("aud")
    if isinstance(audience, list):  # Clerk's M2M JWTs name their scopes as audiences
        return [item for item in audience if isinstance(item, str)]
    return None


def _machine_claims(payload: dict[str, Any]) -> dict[str, Any] | None:
    if "subject" in payload:  # an answer of Clerk's verify endpoint
        claims = payload.get("claims")
        return claims if isinstance(claims, dict) else None
    return {key: value for key, value in payload.items() if key not in _REGISTERED_CLAIMS}
