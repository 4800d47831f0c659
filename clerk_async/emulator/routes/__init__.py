"""The operations the emulator models, as ``(method, path template, handler)`` rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import instance, machines, orgs, sessions, users

__all__ = ["MODELED"]

MODELED: list[tuple[str, str, Callable[[Any], Any]]] = [
    *users.ROUTES,
    *orgs.ROUTES,
    *instance.ROUTES,
    *sessions.ROUTES,
    *machines.ROUTES,
]
