"""What the Django, Django REST framework and Flask test apps guard, and what each must answer:
the same routes and the same table for every adapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clerk_async.models import User
from clerk_async.security import AuthObject

__all__ = ["CASES", "GUARDS", "MEMBER", "REVERIFY_STRICT", "Case", "describe", "in_acme", "who"]


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

#: A member of the organization who may read articles but not manage them (``session_claims``
#: makes an admin who may do both).
MEMBER = {"o": {"id": "org_2abc", "rol": "member", "slg": "acme", "per": "read,manage", "fpm": "1"}}
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
    #: Changes of the token's claims (``session_claims``).
    claims: dict[str, Any] = field(default_factory=dict)
    status: int = 200

    def __str__(self) -> str:
        return f"{self.route}-{self.status}-{'-'.join(self.claims) or 'admin'}"


CASES = [
    Case("me"),
    Case("admins"),
    Case("admins", MEMBER, 403),
    Case("managers"),
    Case("managers", MEMBER, 403),
    Case("articles"),
    Case("articles", {"fea": "o:other"}, 403),
    Case("pro", {"pla": "o:pro"}),
    Case("pro", {}, 403),
    Case("members", MEMBER),
    Case("members", {}, 404),
    Case("recent"),
    Case("recent", {"fva": [30, -1]}, 403),
    Case("acme"),
    Case("acme", {"o": {"id": "org_2xyz", "rol": "admin", "slg": "xyz"}}, 403),
    Case("me", {"sts": "pending"}, 401),
    Case("pending", {"sts": "pending"}),
    Case("machines", {}, 401),  # a session token, where machines only are accepted
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
