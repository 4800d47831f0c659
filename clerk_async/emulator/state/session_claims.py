"""The claims of a v2 session token that come from state: ``o``, ``fea``, ``pla``, ``fva``, ``sts``.

As Clerk issues them (and as ``@clerk/shared``'s ``jwtPayloadParser`` reads them):

- ``o``: the active organization's ``id``, ``slg``, ``rol`` (without ``org:``) and, when the role
  has custom permissions in the organization's features, ``per`` (their actions, comma-separated)
  and ``fpm`` (one decimal mask per organization feature of ``fea``, in its order; bit ``i``, least
  significant first, grants ``per[i]``). System permissions (``org:sys_*``) never appear.
- ``fea``: the organization's features (``o:``, only with an active organization) then the user's
  (``u:``); a permission counts only if its feature is the organization's, as in Clerk.
- ``pla``: the plans the user (``u:``) and the active organization (``o:``) are subscribed to.
- ``fva``: minutes since the first and second factor were verified, ``-1`` for no second factor.
- ``sts``: ``active``, or ``pending`` while the session has tasks.
"""

from __future__ import annotations

from typing import Any

from .billing import Billing
from .orgs import OrgStore

__all__ = ["MINUTE_MS", "factor_ages", "state_claims"]

MINUTE_MS = 60_000


def factor_ages(now_ms: int, first: int, second: int | None) -> list[int]:
    """``fva``: whole minutes since each verification (``-1``: no second factor)."""
    return [
        max(0, now_ms - first) // MINUTE_MS,
        -1 if second is None else max(0, now_ms - second) // MINUTE_MS,
    ]


def state_claims(session: dict[str, Any], orgs: OrgStore, billing: Billing) -> dict[str, Any]:
    user_id = session["user_id"]
    claims: dict[str, Any] = {"sts": "pending" if session["status"] == "pending" else "active"}
    org_id = session["last_active_organization_id"]
    org = orgs.orgs.get(org_id) if org_id else None
    member = org.members.get(user_id) if org is not None else None
    org_features = billing.features_of(org.id) if org is not None and member is not None else []
    fea = [f"o:{f}" for f in org_features] + [f"u:{f}" for f in billing.features_of(user_id)]
    if fea:
        claims["fea"] = ",".join(fea)
    plans = [("u", billing.explicit_plan(user_id))]
    if member is not None and org is not None:
        plans.append(("o", billing.explicit_plan(org.id)))
    pla = [f"{scope}:{plan}" for scope, plan in plans if plan is not None]
    if pla:
        claims["pla"] = ",".join(pla)
    if org is not None and member is not None:
        role = orgs.member_role(member)
        claims["o"] = {
            "id": org.id,
            "rol": member.data["role"].removeprefix("org:"),
            "slg": org.data["slug"],
            **_permission_claims(orgs, role, org_features),
        }
    return claims


def _permission_claims(orgs: OrgStore, role: Any, org_features: list[str]) -> dict[str, str]:
    pairs = orgs.roles.custom_permissions(role) if role is not None else []
    granted = [(feature, action) for feature, action in pairs if feature in org_features]
    actions = sorted({action for _, action in granted})
    if not actions:
        return {}
    bit = {action: 1 << index for index, action in enumerate(actions)}
    masks = [
        sum(bit[action] for feature, action in granted if feature == org_feature)
        for org_feature in org_features
    ]
    return {"per": ",".join(actions), "fpm": ",".join(str(mask) for mask in masks)}
