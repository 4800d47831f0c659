"""The operations the emulator models, as ``(method, path template, handler)`` rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import billing, instance, machines, org_domains, org_roles, orgs, sessions, users

__all__ = ["MODELED"]

MODELED: list[tuple[str, str, Callable[[Any], Any]]] = [
    *users.ROUTES,
    *orgs.ROUTES,
    *org_roles.ROUTES,
    *org_domains.ROUTES,
    *billing.ROUTES,
    *instance.ROUTES,
    *sessions.ROUTES,
    *machines.ROUTES,
]
