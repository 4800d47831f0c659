"""What the Django, Django REST framework and Flask test apps guard, and what each must answer:
the same routes and the same table for every adapter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clerk_async.models import User
from clerk_async.security import AuthObject

__all__ = ["CASES", "GUARDS", "REVERIFY_STRICT", "Case", "describe", "in_acme", "who"]


def in_acme(auth: AuthObject) -> bool:
    return getattr(auth, "org_slug", None) == "acme"


#: Route name -> the requirement's arguments (``clerk_required``, ``ClerkPermission.require``).
GUARDS: dict[str, dict[str, Any]] = {
    "me": {},
    "admins": {"role": "admin"},
    "managers": {"permission": "org:articles:manage"},
    "articles": {"feature": "articles"},
    "pro": {"plan": "pro"},
    "members": {"role": "member", "forbidden_status": 404},
    "recent": {"reverification": "strict"},
    "acme": {"check": in_acme},
    "machines": {"accepts_token": ["api_key", "m2m_token"]},
    "pending": {"treat_pending_as_signed_out": False},
    # Everything at once, every token type: the property tests' target.
    "everything": {
        "accepts_token": "any",
        "role": "admin",
        "feature": "articles",
        "reverification": "strict",
        "check": in_acme,
    },
}

#: The 403 body of a missing ``strict`` reverification, as Clerk's frontend SDKs read it.
REVERIFY_STRICT = {
    "clerk_error": {
        "type": "forbidden",
        "reason": "reverification-error",
        "metadata": {"reverification": {"level": "second_factor", "afterMinutes": 10}},
    }
}


@dataclass(frozen=True)
class Case:
    route: str
    #: Who asks (``personas.PERSONAS``): by default an admin of ``acme``, who may read and manage
    #: articles, verified just now.
    persona: str = "admin"
    status: int = 200

    def __str__(self) -> str:
        return f"{self.route}-{self.status}-{self.persona}"


CASES = [
    Case("me"),
    Case("admins"),
    Case("admins", "member", 403),
    Case("managers"),
    Case("managers", "member", 403),  # reads articles, cannot manage them
    Case("articles"),
    Case("articles", "teams_admin", 403),  # an organization without the feature
    Case("pro", "pro_admin"),
    Case("pro", "admin", 403),
    Case("members", "member"),
    Case("members", "admin", 404),
    Case("recent"),
    Case("recent", "stale", 403),
    Case("acme"),
    Case("acme", "other_admin", 403),
    Case("me", "pending", 401),
    Case("pending", "pending"),
    Case("machines", "admin", 401),  # a session token, where machines only are accepted
]


def describe(auth: Any) -> dict[str, Any]:
    """What the test views answer: who the auth object stands for."""
    return {
        "signed_in": auth.is_authenticated,
        "token_type": auth.token_type.value,
        "user_id": getattr(auth, "user_id", None),
        "org_role": getattr(auth, "org_role", None),
    }


def who(user: User | None) -> dict[str, Any]:
    """What the test views answer about the current user."""
    if user is None:
        return {"id": None, "email": None}
    return {"id": user.id, "email": user.email_addresses[0].email_address}
