"""Session tokens the emulator issues from its state: "a user with role X in organization Y,
with features F, on plan P, who verified a factor N minutes ago, with tasks left".

Everything goes the way an application's own test would: permissions, roles, organizations,
memberships and sessions through the Backend API (the blocking client), and what that API cannot
set through the emulator's controls (billing plans and features, factor ages, session tasks). The
tokens are the emulator's own ``sessions.create_token`` tokens, so their ``o``/``fea``/``pla``/
``fva``/``sts`` are what the emulator derives from that state, as Clerk would.

    sessions = EmulatorSessions(emulator, admin)
    sessions.role("org:admin", ["org:articles:read", "org:articles:manage"])
    sessions.plan("business", payer_type="org", features=["articles"])
    sessions.organization("acme", plan="business")
    signed_in = sessions.sign_in(Persona(org="acme", role="org:admin", factor_ages=(30, None)))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clerk_async.emulator import ClerkEmulator
from clerk_sync import UNSET, Clerk

__all__ = ["EmulatorSessions", "Persona", "SignedIn"]

#: How long the tokens live: tests sign their users in once and send their tokens for as long as
#: they run (Clerk's own default, 60 s, is for browsers that refresh them).
TOKEN_SECONDS = 3600


@dataclass(frozen=True)
class Persona:
    """Who signs in: a new user, the member of ``org`` (a slug made with
    :meth:`EmulatorSessions.organization`; ``None``: no active organization) with ``role``."""

    org: str | None = "acme"
    role: str = "org:admin"
    #: The user's own plan and features (``pla``/``fea`` with ``u:``).
    plan: str | None = None
    features: tuple[str, ...] = ()
    #: Minutes since the first and the second factor were verified (``None``: no second factor);
    #: ``None`` leaves the emulator's (both just now, as at sign-in).
    factor_ages: tuple[int, int | None] | None = None
    #: Session tasks (``reset-password``, ...): the session is pending while it has any.
    tasks: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignedIn:
    """A session token of the emulator's, and whose it is."""

    token: str
    user_id: str
    session_id: str
    org_id: str | None


class EmulatorSessions:
    """Builds organizations and signs users in, through ``admin`` (a client of ``emulator``)."""

    def __init__(self, emulator: ClerkEmulator, admin: Clerk) -> None:
        self.emulator = emulator
        self.admin = admin
        self._permissions: dict[str, str] = {}
        self._roles = {role.key: role.id for role in admin.organization_roles.list(limit=100)}
        self._plans: set[str] = set()
        self._orgs: dict[str, str] = {}
        self._users = 0

    def permission(self, key: str) -> str:
        """The id of the custom permission ``key`` (``org:<feature>:<action>``), made if new."""
        if key not in self._permissions:
            made = self.admin.organization_permissions.create(name=key, key=key)
            self._permissions[key] = made.id
        return self._permissions[key]

    def role(self, key: str, permissions: Iterable[str] = ()) -> None:
        """The role ``key`` has ``permissions`` besides its own: Clerk's ``org:admin`` and
        ``org:member`` exist; another key is made (in the role set organizations start with)."""
        wanted = [self.permission(permission) for permission in permissions]
        role_id = self._roles.get(key)
        if role_id is None:
            made = self.admin.organization_roles.create(
                name=key, key=key, permissions=wanted, include_in_initial_role_set=True
            )
            self._roles[key] = made.id
            return
        for permission_id in wanted:
            self.admin.organization_roles.assign_permission(role_id, permission_id)

    def plan(self, slug: str, *, payer_type: str, features: Iterable[str] = ()) -> None:
        """A plan for ``"org"`` or ``"user"`` payers with these features (once per slug)."""
        if slug not in self._plans:
            self.emulator.billing.create_plan(slug, payer_type=payer_type, features=features)
            self._plans.add(slug)

    def organization(
        self, slug: str, *, plan: str | None = None, features: Iterable[str] = ()
    ) -> str:
        """The id of a new organization ``slug`` on ``plan`` (``None``: the free plan, with the
        features of every custom permission) with ``features`` besides the plan's."""
        org = self.admin.organizations.create(name=slug, slug=slug, max_allowed_memberships=0)
        if plan is not None:
            self.emulator.billing.subscribe(org.id, plan)
        extra = list(features)
        if extra:
            self.emulator.billing.grant_features(org.id, extra)
        self._orgs[slug] = org.id
        return org.id

    def sign_in(self, persona: Persona) -> SignedIn:
        """A new user as ``persona`` says, signed in: a session and its token."""
        self._users += 1
        user = self.admin.users.create(email_address=[f"persona{self._users}@example.com"])
        org_id = None if persona.org is None else self._orgs[persona.org]
        if org_id is not None:
            self.admin.organization_memberships.create(org_id, user_id=user.id, role=persona.role)
        if persona.plan is not None:
            self.emulator.billing.subscribe(user.id, persona.plan)
        if persona.features:
            self.emulator.billing.grant_features(user.id, persona.features)
        session = self.admin.sessions.create(
            user_id=user.id, active_organization_id=UNSET if org_id is None else org_id
        )
        if persona.factor_ages is not None:
            first, second = persona.factor_ages
            self.emulator.sessions.verify_factors(
                session.id, first_factor_age=first, second_factor_age=second
            )
        if persona.tasks:
            self.emulator.sessions.set_tasks(session.id, persona.tasks)
        token = self.admin.sessions.create_token(session.id, expires_in_seconds=TOKEN_SECONDS).jwt
        assert token is not None
        return SignedIn(token, user.id, session.id, org_id)
