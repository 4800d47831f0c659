"""``has()``: Clerk JS's decision (``@clerk/shared`` 4.41, ``createCheckAuthorization``).

A check has up to three parts, each asked or not: the organization (``role``, ``permission``),
billing (``feature``, ``plan``) and reverification. Every part asked must pass and at least one
must be asked; a session without a user passes nothing. The inputs are the fields of a session
auth object, read from the token as Clerk JS reads them (:mod:`.session_claims`).

Arguments follow one rule: a value TypeScript's types accept is decided exactly as Clerk JS
decides it (``feature="ou:x"`` is ``False``); a value they reject raises here, where Clerk JS
fails closed: ``TypeError`` for a wrong type, ``ValueError`` for an unknown reverification preset
or level, or ``after_minutes`` that is not a finite number above 0 (a rule no session can meet).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, TypedDict

__all__ = [
    "PRESETS",
    "Check",
    "Reverification",
    "ReverificationConfig",
    "ReverificationDict",
    "ReverificationLevel",
    "ReverificationPreset",
    "check_authorization",
    "prepared_check",
    "reverification_rule",
    "validate_check",
    "with_org_prefix",
]

ReverificationPreset = Literal["strict_mfa", "strict", "moderate", "lax"]
ReverificationLevel = Literal["first_factor", "second_factor", "multi_factor"]
_LEVELS = frozenset({"first_factor", "second_factor", "multi_factor"})
_ORG_SCOPES = frozenset({"o", "org", "organization"})
_USER_SCOPES = frozenset({"u", "user"})
_ASKED_TYPES = "role, permission, feature and plan"


def _positive_finite(number: float) -> bool:
    try:
        return math.isfinite(number) and number > 0
    except OverflowError:  # an int beyond a float's range
        return False


class ReverificationDict(TypedDict):
    """A custom rule in Clerk's JSON spelling, ``{"level": ..., "afterMinutes": ...}``."""

    level: ReverificationLevel
    afterMinutes: float


@dataclass(frozen=True, slots=True)
class Reverification:
    """A reverification rule: the ``level`` of factors verified less than ``after_minutes`` ago.

    ``first_factor`` needs the first factor; ``second_factor`` the second, or the first when the
    user has no second factor; ``multi_factor`` both, or the first when there is no second.
    """

    level: ReverificationLevel
    after_minutes: float

    def __post_init__(self) -> None:
        if not isinstance(self.level, str):
            raise TypeError(f"Reverification level must be a str, not {type(self.level).__name__}")
        if self.level not in _LEVELS:
            raise ValueError(
                f"unknown reverification level {self.level!r}: expected one of "
                + ", ".join(sorted(_LEVELS))
            )
        minutes = self.after_minutes
        if type(minutes) not in (int, float):
            raise TypeError(
                f"Reverification after_minutes must be a number, not {type(minutes).__name__}"
            )
        if not _positive_finite(minutes):
            raise ValueError(
                f"Reverification after_minutes must be a finite number above 0, not {minutes!r}"
            )

    @classmethod
    def of(cls, config: ReverificationConfig) -> Reverification:
        """The rule of a preset name, a :class:`Reverification`, or a mapping with ``level`` and
        ``afterMinutes`` (or ``after_minutes``)."""
        rule = reverification_rule(config)
        if rule is None:
            raise TypeError("Reverification.of needs a rule, not None")
        return rule

    def to_json(self) -> dict[str, object]:
        """Clerk's JSON form, as its frontend SDKs read it: ``{"level", "afterMinutes"}``."""
        minutes = self.after_minutes
        if isinstance(minutes, float) and minutes.is_integer():
            minutes = int(minutes)  # JavaScript writes 10.0 as 10
        return {"level": self.level, "afterMinutes": minutes}


ReverificationConfig = ReverificationPreset | Reverification | ReverificationDict

#: Clerk's presets (``@clerk/shared``): the level and the minutes of each.
PRESETS: Mapping[str, Reverification] = {
    "strict_mfa": Reverification("multi_factor", 10),
    "strict": Reverification("second_factor", 10),
    "moderate": Reverification("second_factor", 60),
    "lax": Reverification("second_factor", 1440),
}


def reverification_rule(config: object) -> Reverification | None:
    """The rule ``config`` asks for (``None`` for ``None``); ``TypeError``/``ValueError`` for a
    value that is not a rule."""
    if config is None or type(config) is Reverification:
        return config
    if isinstance(config, str):
        rule = PRESETS.get(config)
        if rule is None:
            raise ValueError(
                f"unknown reverification preset {config!r}: expected one of "
                + ", ".join(PRESETS)
                + ", or a Reverification(level=..., after_minutes=...)"
            )
        return rule
    if isinstance(config, Reverification):
        return config
    if isinstance(config, Mapping):
        return _rule_of_mapping(config)
    raise TypeError(
        "reverification must be a preset name, a Reverification or a mapping with level and "
        f"afterMinutes, not {type(config).__name__}"
    )


def _rule_of_mapping(config: Mapping[object, object]) -> Reverification:
    unknown = set(config) - {"level", "afterMinutes", "after_minutes"}
    if unknown:
        raise ValueError(f"unknown reverification keys: {sorted(map(str, unknown))}")
    if "afterMinutes" in config and "after_minutes" in config:
        raise ValueError("reverification has both afterMinutes and after_minutes")
    if "level" not in config:
        raise ValueError("reverification needs a level")
    minutes = config.get("afterMinutes", config.get("after_minutes"))
    if minutes is None:
        raise ValueError("reverification needs afterMinutes")
    return Reverification(config["level"], minutes)  # type: ignore[arg-type]


class Check:
    """A ``has()`` check, validated and worked out once: the role and permission with their
    ``org:`` prefix, the scoped names that would grant the feature or the plan, and the
    reverification rule. A route's :class:`~.access.Requirement` keeps its own."""

    __slots__ = ("asks", "feature", "permission", "plan", "role", "rule")

    def __init__(
        self,
        role: str | None,
        permission: str | None,
        feature: str | None,
        plan: str | None,
        rule: Reverification | None,
    ) -> None:
        self.role = None if role is None else with_org_prefix(role)
        self.permission = None if permission is None else with_org_prefix(permission)
        self.feature = None if feature is None else _granting_names(feature)
        self.plan = None if plan is None else _granting_names(plan)
        self.rule = rule
        #: At least one part is asked (a check of nothing grants nothing).
        self.asks = rule is not None or any(
            value is not None for value in (role, permission, feature, plan)
        )

    def grants(
        self,
        user_id: object,
        org_id: object,
        org_role: object,
        org_permissions: object,
        features: object,
        plans: object,
        factor_verification_age: object,
    ) -> bool:
        """Clerk JS's answer for a session with these fields.

        ``features``/``plans`` are scoped lists (``["org:a", "user:b"]``, ``None`` when the
        claim was absent or malformed); ``factor_verification_age`` is ``fva`` as it came.
        """
        if not user_id:
            return False
        role, permission = self.role, self.permission
        if role is not None or permission is not None:
            if not org_id:
                return False
            if role is not None and (
                type(org_role) is not str or not org_role or with_org_prefix(org_role) != role
            ):
                return False
            if permission is not None and (
                not isinstance(org_permissions, (list, tuple)) or permission not in org_permissions
            ):
                return False
        if self.feature is not None and not _entitled(features, self.feature):
            return False
        if self.plan is not None and not _entitled(plans, self.plan):
            return False
        rule = self.rule
        if rule is not None and not reverified(factor_verification_age, rule):
            return False
        return self.asks


def validate_check(
    role: object, permission: object, feature: object, plan: object, reverification: object
) -> Reverification | None:
    """Raise for arguments of ``has()`` that are not a check; the reverification rule asked."""
    _check_types(role, permission, feature, plan)
    return reverification_rule(reverification)


def _check_types(role: object, permission: object, feature: object, plan: object) -> None:
    for value in (role, permission, feature, plan):
        if value is not None and type(value) is not str:
            name = type(value).__name__
            raise TypeError(f"has() takes str values for {_ASKED_TYPES}, not {name}")


def prepared_check(
    role: str | None,
    permission: str | None,
    feature: str | None,
    plan: str | None,
    reverification: ReverificationConfig | None,
) -> Check:
    """The :class:`Check` of ``has()``'s arguments (``TypeError``/``ValueError`` for arguments
    that are not a check); the same few checks, asked on every request, are built once."""
    _check_types(role, permission, feature, plan)
    if reverification is None or isinstance(reverification, str):
        return _cached_check(role, permission, feature, plan, reverification)
    return Check(role, permission, feature, plan, reverification_rule(reverification))


@lru_cache(maxsize=256)
def _cached_check(
    role: str | None,
    permission: str | None,
    feature: str | None,
    plan: str | None,
    preset: str | None,
) -> Check:
    return Check(role, permission, feature, plan, reverification_rule(preset))


def check_authorization(
    user_id: object,
    org_id: object,
    org_role: object,
    org_permissions: object,
    features: object,
    plans: object,
    factor_verification_age: object,
    *,
    role: str | None = None,
    permission: str | None = None,
    feature: str | None = None,
    plan: str | None = None,
    reverification: ReverificationConfig | None = None,
) -> bool:
    """Clerk JS's answer to ``has(...)`` for a session with these fields (see
    :meth:`Check.grants`)."""
    check = prepared_check(role, permission, feature, plan, reverification)
    return check.grants(
        user_id, org_id, org_role, org_permissions, features, plans, factor_verification_age
    )


def with_org_prefix(value: str) -> str:
    """Leading ``org:`` runs collapsed to one: ``"org:org:x"`` and ``"x"`` are ``"org:x"``."""
    while value.startswith("org:"):
        value = value[4:]
    return "org:" + value


def _granting_names(asked: str) -> tuple[str, ...]:
    """The scoped names that grant the feature or plan ``asked``: ``"x"`` in either scope,
    ``"org:x"``/``"o:x"``/``"organization:x"`` or ``"user:x"``/``"u:x"`` in one. Only the second
    piece of a scoped name counts (``"org:a:b"`` asks for ``a``; ``"org:"`` for ``org``), and
    any other scope is granted by nothing."""
    scope, colon, rest = asked.partition(":")
    if not colon:
        return ("org:" + asked, "user:" + asked)
    name = rest.partition(":")[0] or scope
    if scope in _ORG_SCOPES:
        return ("org:" + name,)
    if scope in _USER_SCOPES:
        return ("user:" + name,)
    return ()


def _entitled(items: object, granting: tuple[str, ...]) -> bool:
    """Whether the scoped list ``items`` holds one of the ``granting`` names."""
    if not isinstance(items, (list, tuple)) or not items:
        return False
    for name in granting:  # noqa: SIM110 (a loop: half the cost of any() over a generator)
        if name in items:
            return True
    return False


def reverified(factor_verification_age: object, rule: Reverification) -> bool:
    """Whether ``fva`` (minutes since the first and the second factor; ``-1``: that factor
    group is not enabled) meets ``rule``; the comparison is strict."""
    fva = factor_verification_age
    if not isinstance(fva, (list, tuple)) or len(fva) != 2:
        return False
    first, second = _factor_age(fva[0]), _factor_age(fva[1])
    if first is None or second is None or (first == -1 and second == -1):
        return False
    minutes = float(rule.after_minutes)  # compared as JavaScript numbers
    first_fresh = first != -1 and minutes > first
    if rule.level == "first_factor" or second == -1:
        return first_fresh
    second_fresh = minutes > second
    if rule.level == "second_factor":
        return second_fresh
    return first_fresh and second_fresh


def _factor_age(value: object) -> float | None:
    """An age as a JavaScript number (a float), or ``None`` when Clerk JS rejects it."""
    if type(value) is int:
        try:
            value = float(value)  # as JavaScript reads the JSON number
        except OverflowError:  # Infinity in JavaScript: not finite
            return None
    if type(value) is not float or not math.isfinite(value):
        return None
    return value if value == -1 or value >= 0 else None
