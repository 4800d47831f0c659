"""Who signs in to the integration tests' apps, async and sync alike: users of a few
organizations, with the tokens the emulator issues for them (``tests.support.emulator_sessions``).

The organizations: ``acme`` on the free plan (the features of its custom permissions: ``articles``),
``acme-business`` and ``acme-pro`` on the plans of those names (``articles`` too), ``teams`` on a
plan with ``teams`` only, and ``other``. In each, ``org:admin`` may read and manage articles
(``org:articles:read``/``manage``) and ``org:member`` may read them; a permission counts only where
the organization has its feature.
"""

from __future__ import annotations

from clerk_async.emulator import ClerkEmulator
from tests.support.emulator_sessions import EmulatorSessions, Persona, SignedIn

__all__ = ["PERSONAS", "sign_in_personas"]

PERSONAS = {
    "admin": Persona(),  # of acme, both factors verified just now, no second factor
    "member": Persona(role="org:member"),
    "no_org": Persona(org=None),  # signed in without an active organization
    "business_admin": Persona(org="acme-business"),
    "business_member": Persona(org="acme-business", role="org:member"),
    "pro_admin": Persona(org="acme-pro"),
    "teams_admin": Persona(org="teams"),  # no articles feature: no articles permission
    "user_feature": Persona(org="teams", features=("articles",)),  # the user's, not the org's
    "other_admin": Persona(org="other"),
    "recent": Persona(factor_ages=(3, None)),
    "stale": Persona(factor_ages=(30, None)),
    "stale_2fa": Persona(factor_ages=(90, 90)),
    "pending": Persona(tasks=("reset-password",)),
}


def sign_in_personas(emulator: ClerkEmulator) -> dict[str, SignedIn]:
    """Builds the organizations in ``emulator`` (emptied first) and signs every persona in."""
    emulator.reset()
    emulator.rate_limit = None
    emulator.faults = None
    with emulator.sync_client() as admin:
        sessions = EmulatorSessions(emulator, admin)
        sessions.role("org:admin", ["org:articles:read", "org:articles:manage"])
        sessions.role("org:member", ["org:articles:read"])
        for plan, features in (
            ("business", ["articles"]),
            ("pro", ["articles"]),
            ("team", ["teams"]),
        ):
            sessions.plan(plan, payer_type="org", features=features)
        sessions.organization("acme")
        sessions.organization("acme-business", plan="business")
        sessions.organization("acme-pro", plan="pro")
        sessions.organization("teams", plan="team")
        sessions.organization("other")
        return {name: sessions.sign_in(persona) for name, persona in PERSONAS.items()}
