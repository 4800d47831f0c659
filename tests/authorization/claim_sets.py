"""Generated session claims and ``has()`` checks, aimed at the edges of Clerk JS's rules.

Each case is a claim set (v1 or v2 shape, with organization, features, plans, masks, ages and
status drawn from values that matter: prefixes, scopes, JavaScript whitespace, long and malformed
masks, wrong JSON types), whether pending sessions are signed out, and checks to ask.

A case is ``coerced`` when it holds a value Clerk never issues that Clerk JS turns into a string
or a truthy id (a number as an organization id or a v2 role): there we grant nothing from it, so
the test only asks that we never grant more than Clerk JS.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from clerk_async._security.session_claims import org_permissions

_NAMES = ["a", "b", "reservations", "support-chat", "", "a:b", " a", "org", "x y"]
_SCOPES = ["o", "o", "o", "u", "u", "u", "ou", "uo", "x", "", "org"]
# JavaScript's trim() removes the first four, Python's strip() all but U+FEFF and U+180E.
_SPACES = [" ", "\t", "\u3000", "\ufeff", "\x1c", "\x85", "\u180e"]
_PERMISSIONS = ["read", "manage", "create", "", " read", "delete ", "x:y"]
_ROLES = ["admin", "org:admin", "org:org:admin", "member", "", "org:", "ADMIN", "org:member"]
_AGES: list[Any] = [-1, -1, 0, 0, 5, 9, 10, 10.5, 11, 59, 60, 61, 1439, 1440, 1441]
_ODD_AGES: list[Any] = [-0.5, -2, "0", None, True, 1e300, 10**400, [1], 2**53 + 1]
_MINUTES: list[Any] = [0.5, 1, 5, 10, 10.5, 11, 60, 61, 1440, 1441, 10**9, 2**53 + 1]
_PRESETS = ["strict_mfa", "strict", "moderate", "lax"]
_LEVELS = ["first_factor", "second_factor", "multi_factor"]
_ODD_JSON: list[Any] = [5, 0, True, False, [], ["o:a"], {}, {"a": 1}]


@dataclass
class Case:
    claims: dict[str, Any]
    pending: bool
    checks: list[dict[str, Any]]
    coerced: bool


def _maybe(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


def _space(rng: random.Random) -> str:
    return rng.choice(_SPACES) if _maybe(rng, 0.2) else ""


def _scoped_claim(rng: random.Random) -> Any:
    """A ``fea``/``pla`` claim: mostly well formed, sometimes not, sometimes not a string."""
    roll = rng.random()
    if roll < 0.08:
        return rng.choice(_ODD_JSON)
    if roll < 0.14:
        return rng.choice(["", " ", ",", "a", "o:a,", "o:a,,u:b", "o:a,b"])
    items = []
    for _ in range(rng.randint(1, 5)):
        item = f"{rng.choice(_SCOPES)}:{rng.choice(_NAMES)}"
        items.append(_space(rng) + item + _space(rng))
    return ",".join(items)


def _mask(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        return str(rng.randrange(0, 64))
    if roll < 0.7:
        digits = str(rng.getrandbits(rng.choice([54, 64, 200, 1400])))
        return ("0" * rng.randint(0, 3)) + digits
    if roll < 0.8:
        return rng.choice(_SPACES) + str(rng.randrange(0, 8)) + _space(rng)
    return rng.choice(["-1", "+3", "1_0", "3.0", "\uff11", "\u0663", "", "x", "1e2", "0x3", "3\n"])


def _organization(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.1:
        return rng.choice([None, 0, "", False, "x", 1, [], [1], True, {}])
    org: dict[str, Any] = {}
    if _maybe(rng, 0.95):
        org["id"] = rng.choice(["org_1", "org_1", "org_1", "org_2", "", None])
        if _maybe(rng, 0.03):
            org["id"] = 7
    if _maybe(rng, 0.9):
        org["rol"] = rng.choice([*_ROLES, None])
        if _maybe(rng, 0.03):
            org["rol"] = rng.choice([5, ["admin"], {"a": 1}])
    if _maybe(rng, 0.5):
        org["slg"] = rng.choice(["acme", "", None])
    if _maybe(rng, 0.9):
        names = rng.sample(_PERMISSIONS, rng.randint(1, 4))
        org["per"] = ",".join(_space(rng) + name for name in names)
        if _maybe(rng, 0.05):
            org["per"] = rng.choice(["", None, 0, ["read"], 5])
    if _maybe(rng, 0.9):
        org["fpm"] = ",".join(_mask(rng) for _ in range(rng.choice([0, 1, 2, 2, 3, 3, 4, 5])))
        if _maybe(rng, 0.05):
            org["fpm"] = rng.choice(["", None, 0, ["3"], 3])
    return org


def _v1_organization(rng: random.Random, claims: dict[str, Any]) -> None:
    if _maybe(rng, 0.85):
        claims["org_id"] = rng.choice(["org_1", "org_1", "org_1", "", None])
        if _maybe(rng, 0.03):
            claims["org_id"] = 7
    if _maybe(rng, 0.7):
        claims["org_role"] = rng.choice([*_ROLES, None, 5])
    if _maybe(rng, 0.4):
        claims["org_slug"] = rng.choice(["acme", None, 3])
    if _maybe(rng, 0.7):
        pool = ["org:a:read", "org:b:manage", "a:read", "org:org:a:read", "org:a:", 5, None]
        claims["org_permissions"] = rng.sample(pool, rng.randint(0, 4))
        if _maybe(rng, 0.1):
            claims["org_permissions"] = rng.choice(["org:a:read", {}, 1])


def _fva(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.1:
        return rng.choice([None, "x", 5, {}, [], [1], [1, 2, 3]])
    if roll < 0.2:
        return [rng.choice(_AGES + _ODD_AGES), rng.choice(_AGES + _ODD_AGES)]
    return [rng.choice(_AGES), rng.choice(_AGES)]


def claims_of(rng: random.Random) -> tuple[dict[str, Any], bool]:
    claims: dict[str, Any] = {"sub": "user_1" if _maybe(rng, 0.97) else "", "sid": "sess_1"}
    version = rng.choice([2, 2, 2, 2, 2.0, None, None, 1, "2", 3])
    if version is not None:
        claims["v"] = version
    if _maybe(rng, 0.85):
        claims["o"] = _organization(rng)
    if _maybe(rng, 0.4) or version not in (2, 2.0):
        _v1_organization(rng, claims)
    for name in ("fea", "pla"):
        if _maybe(rng, 0.8):
            claims[name] = _scoped_claim(rng)
    if _maybe(rng, 0.85):
        claims["fva"] = _fva(rng)
    if _maybe(rng, 0.8):
        claims["sts"] = rng.choice(["active", "active", "active", "pending", None, 1])
    return claims, _coerced(claims)


def _coerced(claims: dict[str, Any]) -> bool:
    """Whether Clerk JS reads a non-string organization id or role from these claims."""
    version = claims.get("v")
    if type(version) in (int, float) and version == 2:
        org = claims.get("o")
        values = [org.get("id"), org.get("rol")] if isinstance(org, dict) else []
    else:
        values = [claims.get("org_id")]
    return any(value and not isinstance(value, str) for value in values)


def _held_names(claim: Any) -> list[str]:
    """The names a ``fea``/``pla`` claim (or ``o.per``) holds, read loosely."""
    if not isinstance(claim, str):
        return []
    return [part.partition(":")[2].strip() or part.strip() for part in claim.split(",")]


def _asked_name(rng: random.Random, claim: Any) -> str:
    """A feature or plan name: often one the claims hold, in any spelling."""
    scope = rng.choice(["", "", "org:", "o:", "organization:", "user:", "u:", "ou:", "x:", ":"])
    held = _held_names(claim)
    name = rng.choice(held) if held and rng.random() < 0.7 else rng.choice(_NAMES)
    if rng.random() < 0.1:
        return rng.choice(["", "org:", "org::a", "a:", "org:a:b", "user:a:b", "::"])
    return scope + name


def _permission(rng: random.Random, claims: dict[str, Any]) -> str:
    features = _held_names(claims.get("fea"))
    org = claims.get("o")
    permissions = _held_names(org.get("per")) if isinstance(org, dict) else []
    claimed = claims.get("org_permissions")
    if isinstance(org, dict):  # the permissions the masks set, as we read them
        claimed = org_permissions(claims.get("fea"), org.get("per"), org.get("fpm"))
    held = [item for item in claimed if isinstance(item, str)] if isinstance(claimed, list) else []
    if held and rng.random() < 0.6:
        return rng.choice(["", "org:"]) + rng.choice(held).removeprefix("org:")
    feature = rng.choice(features) if features and rng.random() < 0.7 else rng.choice(_NAMES)
    name = (
        rng.choice(permissions) if permissions and rng.random() < 0.7 else rng.choice(_PERMISSIONS)
    )
    prefix = rng.choice(["org:", "org:", "", "org:org:"])
    if rng.random() < 0.1:
        return rng.choice(["org:a:read", "a:read", "org:a", "", "org:"])
    return f"{prefix}{feature}:{name}"


def _role(rng: random.Random, claims: dict[str, Any]) -> str:
    org = claims.get("o")
    held = org.get("rol") if isinstance(org, dict) else claims.get("org_role")
    if isinstance(held, str) and rng.random() < 0.6:
        return rng.choice(["", "org:", "org:org:"]) + held.removeprefix("org:")
    return rng.choice(_ROLES)


def _reverification(rng: random.Random) -> Any:
    if rng.random() < 0.5:
        return rng.choice(_PRESETS)
    key = "afterMinutes" if rng.random() < 0.7 else "after_minutes"
    return {"level": rng.choice(_LEVELS), key: rng.choice(_MINUTES)}


def checks_of(rng: random.Random, claims: dict[str, Any]) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = [{}]
    for _ in range(rng.randint(8, 16)):
        check: dict[str, Any] = {}
        while not check and rng.random() < 0.97:
            if _maybe(rng, 0.25):
                check["role"] = _role(rng, claims)
            if _maybe(rng, 0.25):
                check["permission"] = _permission(rng, claims)
            if _maybe(rng, 0.25):
                check["feature"] = _asked_name(rng, claims.get("fea"))
            if _maybe(rng, 0.2):
                check["plan"] = _asked_name(rng, claims.get("pla"))
            if _maybe(rng, 0.25):
                check["reverification"] = _reverification(rng)
        checks.append(check)
    return checks


def generate(seed: int, count: int) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        claims, coerced = claims_of(rng)
        cases.append(Case(claims, rng.random() < 0.7, checks_of(rng, claims), coerced))
    return cases


def for_clerk_js(check: dict[str, Any]) -> dict[str, Any]:
    """A check as Clerk JS takes it: a rule in its own spelling (``afterMinutes``)."""
    rule = check.get("reverification")
    if isinstance(rule, dict) and "after_minutes" in rule:
        rule = {"level": rule["level"], "afterMinutes": rule["after_minutes"]}
        return {**check, "reverification": rule}
    return check
