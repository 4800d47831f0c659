"""Handlers for billing plans and the subscriptions of users and organizations (read only, as in
Clerk's Backend API; tests set plans up through the emulator's controls)."""

from __future__ import annotations

from typing import Any

from clerk_async.emulator.routing import Call

__all__ = ["ROUTES"]


def list_plans(call: Call) -> Any:
    return call.state.billing.list_plans(call.query)


def user_subscription(call: Call) -> Any:
    user = call.state.users.get(call.params["user_id"])
    return call.state.billing.subscription(user.id)


def org_subscription(call: Call) -> Any:
    org = call.state.orgs.get(call.params["organization_id"])
    return call.state.billing.subscription(org.id)


ROUTES = [
    ("GET", "/billing/plans", list_plans),
    ("GET", "/users/{user_id}/billing/subscription", user_subscription),
    ("GET", "/organizations/{organization_id}/billing/subscription", org_subscription),
]
