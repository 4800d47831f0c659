"""A randomly set up emulator instance and its users, for the Clerk JS cross-check of the
emulator's own session tokens: custom permissions, roles holding random sets of them (Clerk's
``org:admin`` and ``org:member`` too), organization and user plans with random features,
organizations on those plans (or the free one) with extra features, and users signed in with a
random role, plan, features, factor ages and tasks. The checks asked of each token are drawn from
the instance's own names (held or not, in each spelling) and from ``claim_sets.checks_of``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from tests.support.emulator_sessions import EmulatorSessions, Persona

from .claim_sets import checks_of

__all__ = ["Instance", "build_instance", "checks_for", "random_persona"]

FEATURES = ["articles", "teams", "exports", "chat", "audit_log"]
ACTIONS = ["read", "manage", "create", "delete"]
ROLES = ["org:admin", "org:member", "org:editor", "org:viewer", "org:billing", "org:support"]
ORG_PLANS = ["starter", "business", "enterprise"]
USER_PLANS = ["plus", "pro"]
TASKS = ["choose-organization", "reset-password", "setup-mfa"]
#: Minutes since a factor was verified, around the reverification presets' limits.
AGES = [0, 1, 5, 9, 10, 11, 59, 60, 61, 1439, 1440, 1441, 10_000]
ORGANIZATIONS = 6


@dataclass(frozen=True)
class Instance:
    permissions: list[str]
    org_slugs: list[str]


def build_instance(rng: random.Random, sessions: EmulatorSessions) -> Instance:
    every = [f"org:{feature}:{action}" for feature in FEATURES for action in ACTIONS]
    permissions = rng.sample(every, 9)
    for permission in permissions:  # each one's feature joins the free organization plan
        sessions.permission(permission)
    for role in ROLES:
        sessions.role(role, rng.sample(permissions, rng.randint(0, 5)))
    for plan in ORG_PLANS:
        sessions.plan(plan, payer_type="org", features=rng.sample(FEATURES, rng.randint(0, 4)))
    for plan in USER_PLANS:
        sessions.plan(plan, payer_type="user", features=rng.sample(FEATURES, rng.randint(0, 3)))
    slugs = []
    for index in range(ORGANIZATIONS):
        slug = f"org-{index}"
        on = rng.choice([None, *ORG_PLANS])  # None: the free plan
        sessions.organization(slug, plan=on, features=rng.sample(FEATURES, rng.choice([0, 0, 2])))
        slugs.append(slug)
    return Instance(permissions, slugs)


def random_persona(rng: random.Random, instance: Instance) -> Persona:
    ages = None
    if rng.random() < 0.8:
        ages = (rng.choice(AGES), rng.choice([None, None, *AGES]))
    return Persona(
        org=None if rng.random() < 0.15 else rng.choice(instance.org_slugs),
        role=rng.choice(ROLES),
        plan=rng.choice([None, None, *USER_PLANS]),
        features=tuple(rng.sample(FEATURES, rng.choice([0, 0, 0, 1, 2]))),
        factor_ages=ages,
        tasks=tuple(rng.sample(TASKS, rng.choice([0, 0, 0, 0, 1, 2]))),
    )


def _named(rng: random.Random, names: list[str], prefixes: list[str]) -> str:
    return rng.choice(prefixes) + rng.choice(names)


def _check(rng: random.Random, instance: Instance) -> dict[str, Any]:
    check: dict[str, Any] = {}
    while not check:
        if rng.random() < 0.35:
            role = _named(rng, [*ROLES, "org:nobody"], [""])
            check["role"] = role.removeprefix("org:") if rng.random() < 0.3 else role
        if rng.random() < 0.35:
            system = ["org:sys_memberships:read", "org:sys_profile:manage"]
            permission = rng.choice([*instance.permissions, *instance.permissions, *system])
            check["permission"] = (
                permission.removeprefix("org:") if rng.random() < 0.2 else permission
            )
        if rng.random() < 0.3:
            check["feature"] = _named(rng, FEATURES, ["", "", "org:", "user:"])
        if rng.random() < 0.3:
            plans = [*ORG_PLANS, *USER_PLANS, "free_org", "free_user"]
            check["plan"] = _named(rng, plans, ["", "", "org:", "user:"])
        if rng.random() < 0.25:
            check["reverification"] = rng.choice(
                [
                    "strict_mfa",
                    "strict",
                    "moderate",
                    "lax",
                    {
                        "level": rng.choice(["first_factor", "second_factor", "multi_factor"]),
                        "afterMinutes": rng.choice([1, 5, 10, 11, 60, 61, 1440]),
                    },
                ]
            )
    return check


def checks_for(
    rng: random.Random, instance: Instance, claims: dict[str, Any]
) -> list[dict[str, Any]]:
    """Checks to ask of a token with these (verified) claims."""
    own = [_check(rng, instance) for _ in range(rng.randint(10, 18))]
    return [*own, *checks_of(rng, claims)]
