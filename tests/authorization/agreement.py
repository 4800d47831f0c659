"""Whether our auth object and Clerk JS's agree: the token refused or not, the auth object's
fields, and every ``has()`` check (the Node runner's answers, ``clerk_js/decide.cjs``)."""

from __future__ import annotations

from typing import Any

from clerk_async.security import AuthObject, SignedOutAuthObject

__all__ = ["disagreements", "refused"]


def refused(auth: AuthObject) -> bool:
    """Whether ``auth`` is what we give for claims Clerk JS's ``toAuth()`` refuses."""
    return isinstance(auth, SignedOutAuthObject) and auth.session_status is None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _expected_fields(js: dict[str, Any], coerced: bool) -> dict[str, Any]:
    """Clerk JS's fields as ours hold them: a value of a type Clerk never issues is ``None``."""
    permissions = js.get("orgPermissions")
    fields = {
        "user_id": _text(js.get("userId")),
        "session_id": _text(js.get("sessionId")),
        "session_status": _text(js.get("sessionStatus")),
        "org_slug": _text(js.get("orgSlug")),
        "org_permissions": (
            [item for item in permissions if isinstance(item, str)]
            if isinstance(permissions, list)
            else None
        ),
    }
    if not coerced:
        fields.update(org_id=_text(js.get("orgId")), org_role=_text(js.get("orgRole")))
    return fields


def disagreements(
    auth: AuthObject,
    checks: list[dict[str, Any]],
    js: dict[str, Any],
    *,
    where: str,
    coerced: bool = False,
) -> tuple[int, list[str]]:
    """How many decisions were compared, and what disagreed. Where the claims are ``coerced``
    (a value Clerk never issues, which Clerk JS turns into a string), only that we never grant
    more than Clerk JS."""
    ours_refused = refused(auth)
    if ours_refused != js["refused"]:
        return 1, [f"refused: ours {ours_refused}, Clerk JS {js['refused']}; {where}"]
    if ours_refused:
        return 1, []
    problems = []
    if auth.is_authenticated != js["auth"]["isAuthenticated"]:
        problems.append(f"is_authenticated: ours {auth.is_authenticated}; {where}")
    if auth.is_authenticated:
        for name, expected in _expected_fields(js["auth"], coerced).items():
            if getattr(auth, name) != expected:
                ours = getattr(auth, name)
                problems.append(f"{name}: ours {ours!r}, Clerk JS {expected!r}; {where}")
    for check, theirs in zip(checks, js["results"], strict=True):
        ours = auth.has(**check)
        agrees = (not ours or theirs is True) if coerced else ours is theirs
        if not agrees:
            problems.append(f"has({check!r}): ours {ours}, Clerk JS {theirs}; {where}")
    return 1 + len(checks), problems
