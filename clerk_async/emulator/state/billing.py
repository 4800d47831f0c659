"""Billing as far as session tokens and the Backend API show it: features, plans, subscriptions.

Clerk's Backend API only reads plans and subscriptions (they are made in the Dashboard), so tests
make them through the emulator's controls (:mod:`clerk_async.emulator.controls`). As in Clerk, every
user starts on the default user plan and every organization on the default organization plan, and
the feature of each custom permission (``org:<feature>:<action>``) is added to the default
organization plan when the permission is created, so custom permissions reach session tokens before
any plan is set up. A plan a payer is subscribed to explicitly shows in the token's ``pla``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

from clerk_async.emulator.errors import param_value_invalid
from clerk_async.emulator.params import Query

from .common import new_id, now_ms

__all__ = ["DEFAULT_ORG_PLAN", "DEFAULT_USER_PLAN", "Billing", "check_slug", "payer_type_of"]

DEFAULT_USER_PLAN = "free_user"
DEFAULT_ORG_PLAN = "free_org"
PAYER_TYPES = ("user", "org")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def check_slug(kind: str, slug: object) -> str:
    """A feature or plan slug: lowercase letters, digits, ``_`` and ``-`` (no ``,`` or ``:``)."""
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise ValueError(
            f"a {kind} slug is lowercase letters, digits, '_' and '-' (starting with a letter "
            f"or digit), not {slug!r}"
        )
    return slug


def payer_type_of(payer_id: str) -> str:
    """``user`` for a ``user_`` id, ``org`` for an ``org_`` id."""
    if payer_id.startswith("user_"):
        return "user"
    if payer_id.startswith("org_"):
        return "org"
    raise ValueError(f"a payer is a user (user_...) or an organization (org_...), not {payer_id!r}")


def _money(amount: int) -> dict[str, Any]:
    return {
        "amount": amount,
        "amount_formatted": f"{amount // 100}.{amount % 100:02d}",
        "currency": "USD",
        "currency_symbol": "$",
    }


class _Plan:
    __slots__ = ("data", "features", "seq")

    def __init__(self, data: dict[str, Any], features: list[str], seq: int) -> None:
        self.data = data
        self.features = features
        self.seq = seq


class _Payer:
    """A user's or organization's billing: its explicit plan, extra features and ids."""

    __slots__ = ("created_at", "features", "item_id", "payer_id", "plan", "subscription_id")

    def __init__(self) -> None:
        self.plan: str | None = None
        self.features: list[str] = []
        self.payer_id = new_id("cpayer_")
        self.subscription_id = new_id("csub_")
        self.item_id = new_id("csubi_")
        self.created_at = now_ms()


class Billing:
    def __init__(self, instance_id: str) -> None:
        self.instance_id = instance_id
        self.features: dict[str, dict[str, Any]] = {}
        self.plans: dict[str, _Plan] = {}
        self._payers: dict[str, _Payer] = {}
        self._seq = itertools.count()
        self.create_plan(DEFAULT_USER_PLAN, payer_type="user", name="Free", default=True)
        self.create_plan(DEFAULT_ORG_PLAN, payer_type="org", name="Free", default=True)

    # -- what tests set up ---------------------------------------------------------------------

    def create_feature(self, slug: str, *, name: str | None = None) -> dict[str, Any]:
        """The feature ``slug``, made if it is new (its name is kept if it exists)."""
        check_slug("feature", slug)
        feature = self.features.get(slug)
        if feature is None:
            feature = {
                "object": "feature",
                "id": new_id("feat_"),
                "name": name or slug,
                "description": None,
                "slug": slug,
                "avatar_url": None,
            }
            self.features[slug] = feature
        return feature

    def create_plan(
        self,
        slug: str,
        *,
        payer_type: str,
        features: Iterable[str] = (),
        name: str | None = None,
        fee: int = 0,
        default: bool = False,
    ) -> dict[str, Any]:
        check_slug("plan", slug)
        if payer_type not in PAYER_TYPES:
            raise ValueError(f"payer_type is 'user' or 'org', not {payer_type!r}")
        if slug in self.plans:
            raise ValueError(f"a plan with the slug {slug!r} exists")
        if isinstance(fee, bool) or not isinstance(fee, int) or fee < 0:
            raise ValueError(f"fee is an amount in cents (an int >= 0), not {fee!r}")
        slugs = self._feature_slugs(features)
        data: dict[str, Any] = {
            "object": "commerce_plan", "id": new_id("cplan_"), "name": name or slug,
            "fee": _money(fee), "annual_monthly_fee": _money(fee), "annual_fee": _money(fee * 12),
            "description": None, "product_id": new_id("cprod_"), "is_default": default,
            "is_recurring": True, "publicly_visible": True, "has_base_fee": fee > 0,
            "for_payer_type": payer_type, "slug": slug, "avatar_url": None,
            "free_trial_enabled": False, "free_trial_days": None,
        }  # fmt: skip
        self.plans[slug] = _Plan(data, slugs, next(self._seq))
        return self.render_plan(self.plans[slug])

    def subscribe(self, payer_id: str, plan: str | None) -> None:
        """Subscribe a user or organization to ``plan`` (``None``: back to the default plan)."""
        kind = payer_type_of(payer_id)
        if plan is not None:
            found = self.plans.get(plan)
            if found is None:
                raise LookupError(f"no plan has the slug {plan!r}")
            if found.data["for_payer_type"] != kind:
                raise ValueError(f"{plan!r} is a plan for {found.data['for_payer_type']} payers")
        self._payer(payer_id).plan = plan

    def grant_features(self, payer_id: str, features: Iterable[str]) -> None:
        """Features a user or organization has besides its plan's (replacing earlier grants)."""
        payer_type_of(payer_id)
        self._payer(payer_id).features = self._feature_slugs(features)

    def add_permission_feature(self, slug: str) -> None:
        """A custom permission's feature: made if new, and part of the default organization plan."""
        self.create_feature(slug)
        default = self.plans[DEFAULT_ORG_PLAN].features
        if slug not in default:
            default.append(slug)

    def remove_payer(self, payer_id: str) -> None:
        self._payers.pop(payer_id, None)

    # -- what tokens and the API read ----------------------------------------------------------

    def explicit_plan(self, payer_id: str) -> str | None:
        payer = self._payers.get(payer_id)
        return None if payer is None else payer.plan

    def features_of(self, payer_id: str) -> list[str]:
        """The payer's plan's features (the default plan's without one), then its granted ones."""
        plan = self.plans[self._plan_slug(payer_id)]
        payer = self._payers.get(payer_id)
        extra = payer.features if payer is not None else []
        return list(dict.fromkeys([*plan.features, *extra]))

    def render_plan(self, plan: _Plan) -> dict[str, Any]:
        return {**plan.data, "features": [self.features[slug] for slug in plan.features]}

    def list_plans(self, query: Query) -> dict[str, Any]:
        payer_type = query.text("payer_type")
        if payer_type is not None and payer_type not in PAYER_TYPES:
            raise param_value_invalid("payer_type", "payer_type must be user or org.")
        plans = sorted(self.plans.values(), key=lambda p: p.seq)
        selected = [p for p in plans if payer_type in (None, p.data["for_payer_type"])]
        limit, offset = query.optional_page(len(selected))
        page = [self.render_plan(p) for p in selected[offset : offset + limit]]
        return {"data": page, "total_count": len(selected)}

    def subscription(self, payer_id: str) -> dict[str, Any]:
        """The payer's subscription: one active item on its plan (the default plan without one)."""
        payer = self._payer(payer_id)
        plan = self.plans[self._plan_slug(payer_id)]
        item = {
            "object": "commerce_subscription_item", "id": payer.item_id,
            "instance_id": self.instance_id, "status": "active", "plan_id": plan.data["id"],
            "plan": self.render_plan(plan), "plan_period": "month", "payer_id": payer.payer_id,
            "is_free_trial": False, "period_start": payer.created_at, "period_end": None,
            "canceled_at": None, "past_due_at": None, "ended_at": None,
            "created_at": payer.created_at, "updated_at": payer.created_at,
        }  # fmt: skip
        return {
            "object": "commerce_subscription",
            "id": payer.subscription_id,
            "instance_id": self.instance_id,
            "status": "active",
            "payer_id": payer.payer_id,
            "created_at": payer.created_at,
            "updated_at": payer.created_at,
            "active_at": payer.created_at,
            "past_due_at": None,
            "eligible_for_free_trial": False,
            "subscription_items": [item],
        }

    # -- helpers -------------------------------------------------------------------------------

    def _plan_slug(self, payer_id: str) -> str:
        explicit = self.explicit_plan(payer_id)
        if explicit is not None:
            return explicit
        return DEFAULT_ORG_PLAN if payer_id.startswith("org_") else DEFAULT_USER_PLAN

    def _payer(self, payer_id: str) -> _Payer:
        payer = self._payers.get(payer_id)
        if payer is None:
            payer = self._payers[payer_id] = _Payer()
        return payer

    def _feature_slugs(self, features: Iterable[str]) -> list[str]:
        if isinstance(features, str):
            raise ValueError("features is a list of feature slugs, not one string")
        slugs = [check_slug("feature", slug) for slug in features]
        for slug in slugs:
            self.create_feature(slug)
        return list(dict.fromkeys(slugs))
