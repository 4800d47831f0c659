"""A session token's claims read as Clerk JS reads them (``@clerk/shared`` ``jwtPayloadParser``,
``@clerk/backend`` ``signedInAuthObject``).

v2 tokens (``v`` is the number 2) take the organization from ``o`` only: ``id``, ``slg``, ``rol``
(given its ``org:`` prefix) and the permissions of ``o.per``/``o.fpm``; custom ``org_*`` claims
are ignored. Other tokens are read the v1 way, from ``org_id``, ``org_role``, ``org_slug`` and
``org_permissions``. ``fea``/``pla`` (features and plans) are read from either.

``fpm`` holds one decimal mask per organization-scoped feature of ``fea`` (scope ``o``, ``ou`` or
``uo``), in order: bit *i*, least significant first, grants ``per[i]`` for that feature. A mask
is any run of ASCII digits, of any length; anything else (``-1``, ``1.5``, ``+3``) grants nothing.

Where Clerk JS's ``toAuth()`` throws (a v2 token with ``o`` whose ``fea`` is not a string, or has
an item without a colon, or whose ``o.per`` and ``o.fpm`` are both set and one is not a string),
:func:`read_session_claims` refuses the token. A claim of a type Clerk never issues (a number
where a string belongs) gives ``None`` for that field, so it grants nothing even where Clerk JS
would turn it into a string.
"""

from __future__ import annotations

import re
from functools import lru_cache, partial
from typing import Any, NamedTuple

from .js_values import js_trim, js_truthy

__all__ = [
    "SessionFields",
    "add_org_claims",
    "copy_org_claims",
    "is_v2",
    "org_permissions",
    "read_session_claims",
    "scoped_items",
]

_DIGITS = re.compile(r"[0-9]+")
_ORG_FEATURE_SCOPES = ("o", "ou", "uo")
_DIGITS_PER_STEP = 1000  # a long mask is reduced in steps (int() refuses > 4300 digits)


class SessionFields(NamedTuple):
    """What an auth object holds of a session token (before its pending status is applied).

    Read once per request, when the token is verified, and kept with its state: the lists an
    auth object hands out are made from these tuples, so no two auth objects share one.
    """

    v2: bool
    user_id: str | None
    session_id: str | None
    session_status: str | None
    org_id: str | None
    org_slug: str | None
    org_role: str | None
    org_permissions: tuple[str, ...] | None
    features: tuple[str, ...] | None
    plans: tuple[str, ...] | None
    factor_verification_age: list[Any] | None
    actor: dict[str, Any] | None


#: ``SessionFields(*values)`` by tuple's own constructor: NamedTuple's ``__new__`` is a Python
#: function of 12 arguments, a quarter of what reading a token's claims costs.
_session_fields = partial(tuple.__new__, SessionFields)


def is_v2(payload: dict[str, Any]) -> bool:
    """A v2 token: ``v`` is the number 2 (``2.0`` counts; ``"2"`` does not)."""
    version = payload.get("v")
    return type(version) in (int, float) and version == 2


def read_session_claims(payload: dict[str, Any]) -> SessionFields | None:
    """The fields of a session token's auth object; ``None`` where Clerk JS refuses the token."""
    # Read on every request: the helpers' one-line rules are written inline here (each call
    # costs more than what it does).
    get = payload.get
    features_claim = get("fea")
    v2 = is_v2(payload)
    org_id = org_slug = org_role = None
    permissions: tuple[str, ...] | None = None
    if v2:
        org = get("o")
        if type(org) is dict or js_truthy(org):  # an object is truthy in JavaScript, even {}
            organization = _v2_organization(org, features_claim)
            if organization is None:
                return None
            org_id, org_slug, org_role, permissions = organization
    else:
        org_id = _text(get("org_id"))
        org_slug = _text(get("org_slug"))
        org_role = _text(get("org_role"))
        claimed = get("org_permissions")
        if isinstance(claimed, list):
            permissions = tuple(item for item in claimed if isinstance(item, str))
    sub, sid, sts, plans_claim, fva, actor = (
        get("sub"),
        get("sid"),
        get("sts"),
        get("pla"),
        get("fva"),
        get("act"),
    )
    return _session_fields(
        (
            v2,
            sub if isinstance(sub, str) else None,
            sid if isinstance(sid, str) else None,
            sts if isinstance(sts, str) else None,
            org_id,
            org_slug,
            org_role,
            permissions,
            scoped_items(features_claim) if isinstance(features_claim, str) else None,
            scoped_items(plans_claim) if isinstance(plans_claim, str) else None,
            fva if isinstance(fva, list) else None,
            actor if isinstance(actor, dict) else None,
        )
    )


_Organization = tuple[str | None, str | None, str | None, tuple[str, ...]]


def _v2_organization(org: object, features_claim: object) -> _Organization | None:
    """``o`` of a v2 token (truthy): id, slug, role and permissions; ``None``: refused."""
    if type(org) is dict:
        get = org.get
        parts = (get("id"), get("slg"), get("rol"), get("per"), get("fpm"), features_claim)
        if _all_text(parts):
            return _organization(*parts)
    return _odd_organization(org, features_claim)


def _all_text(values: tuple[object, ...]) -> bool:
    """Whether every value is a string or ``None`` (what the cache of organizations takes)."""
    for value in values:  # noqa: SIM110 (a loop: half the cost of all() over a generator)
        if value is not None and type(value) is not str:
            return False
    return True


@lru_cache(maxsize=1024)  # the same organization claims arrive on every request of its members
def _organization(
    org_id: str | None,
    slug: str | None,
    role: str | None,
    per: str | None,
    fpm: str | None,
    features_claim: str | None,
) -> _Organization | None:
    return _odd_organization(
        {"id": org_id, "slg": slug, "rol": role, "per": per, "fpm": fpm}, features_claim
    )


def _odd_organization(org: object, features_claim: object) -> _Organization | None:
    org_features = _org_features(features_claim)
    if org_features is None:
        return None
    if not isinstance(org, dict):  # a truthy string, number or list: no organization fields
        return None, None, None, ()
    per, fpm = org.get("per"), org.get("fpm")
    if js_truthy(per) and js_truthy(fpm) and not (isinstance(per, str) and isinstance(fpm, str)):
        return None
    role = org.get("rol")
    permissions: tuple[str, ...] = ()
    if isinstance(per, str) and isinstance(fpm, str) and per and fpm:
        permissions = _permissions(org_features, per, fpm)
    return (
        _text(org.get("id")),
        _text(org.get("slg")),
        "org:" + role if isinstance(role, str) and role else None,
        permissions,
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


@lru_cache(maxsize=1024)  # the same few claim strings arrive on every request of an app
def scoped_items(claim: str) -> tuple[str, ...] | None:
    """``fea``/``pla`` as scoped names (``"o:a,u:b,ou:c"`` gives ``org:a``, ``user:b``,
    ``org:c``, ``user:c``; other scopes are dropped); ``None`` when an item has no colon."""
    if not claim:
        return ()
    items: list[str] = []
    for part in claim.split(","):
        scope, colon, name = js_trim(part).partition(":")
        if not colon:
            return None
        if scope in ("o", "ou", "uo"):
            items.append("org:" + name)
        if scope in ("u", "ou", "uo"):
            items.append("user:" + name)
    return tuple(items)


def _org_features(claim: object) -> tuple[str, ...] | None:
    """The organization-scoped feature names of ``fea`` in order; ``None``: refused."""
    if not js_truthy(claim):
        return ()
    if not isinstance(claim, str):
        return None
    return _org_feature_names(claim)


@lru_cache(maxsize=1024)
def _org_feature_names(claim: str) -> tuple[str, ...] | None:
    names = []
    for part in claim.split(","):
        scope, colon, name = js_trim(part).partition(":")
        if not colon:
            return None
        if scope in _ORG_FEATURE_SCOPES:
            names.append(name)
    return tuple(names)


@lru_cache(maxsize=1024)
def _permissions(features: tuple[str, ...], per: str, fpm: str) -> tuple[str, ...]:
    names = [js_trim(name) for name in per.split(",")]
    granted = []
    for feature, raw_mask in zip(features, fpm.split(",")):  # noqa: B905 (extra masks: none)
        mask = js_trim(raw_mask)
        if not _DIGITS.fullmatch(mask):
            continue
        bits = _low_bits(mask, len(names))
        for index, name in enumerate(names):
            if bits >> index & 1:
                granted.append(f"org:{feature}:{name}")
    return tuple(granted)


def _low_bits(digits: str, count: int) -> int:
    """The lowest ``count`` bits of the decimal number ``digits`` (any length)."""
    modulus = 1 << count
    value = 0
    for start in range(0, len(digits), _DIGITS_PER_STEP):
        step = digits[start : start + _DIGITS_PER_STEP]
        value = (value * 10 ** len(step) + int(step)) % modulus
    return value


def org_permissions(features: object, permissions: object, masks: object) -> list[str]:
    """``org:<feature>:<permission>`` for each bit set in each organization feature's mask
    (``fea``, ``o.per``, ``o.fpm``); a malformed feature list grants nothing."""
    if not (isinstance(features, str) and isinstance(permissions, str) and isinstance(masks, str)):
        return []
    names = _org_feature_names(features) if features else ()
    if not names or not permissions or not masks:
        return []
    return list(_permissions(names, permissions, masks))


def add_org_claims(payload: dict[str, Any]) -> None:
    """Add ``org_id``, ``org_slug``, ``org_role`` and ``org_permissions`` to a v2 payload with an
    organization, as Clerk's Python SDK does, but read as Clerk JS reads them."""
    if is_v2(payload) and js_truthy(payload.get("o")):
        copy_org_claims(payload, read_session_claims(payload))


def copy_org_claims(payload: dict[str, Any], fields: SessionFields | None) -> None:
    """:func:`add_org_claims` with the fields already read from ``payload``."""
    if fields is None or not fields.v2:
        return
    org = payload.get("o")
    if type(org) is not dict and not js_truthy(org):  # an object is truthy, even {}
        return
    payload["org_id"] = fields.org_id
    payload["org_slug"] = fields.org_slug
    payload["org_role"] = fields.org_role
    permissions = fields.org_permissions
    payload["org_permissions"] = None if permissions is None else list(permissions)
