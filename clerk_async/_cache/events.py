"""Webhook events turned into cache changes: which keys an event touches, and how.

A user or organization event carries the whole object, which replaces the cached copy if it is
newer (``updated_at``; the event's own ``timestamp`` when the payload has none). A deletion leaves
a tombstone. Memberships embed the user's public data and the organization, so they are dropped
when either changes, and by every membership, role or permission event.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from clerk_async.webhooks import (
    OrganizationCreatedEvent,
    OrganizationDeletedEvent,
    OrganizationMembershipCreatedEvent,
    OrganizationMembershipDeletedEvent,
    OrganizationMembershipUpdatedEvent,
    OrganizationUpdatedEvent,
    PermissionDeletedEvent,
    PermissionUpdatedEvent,
    RoleDeletedEvent,
    RoleUpdatedEvent,
    UserCreatedEvent,
    UserDeletedEvent,
    UserUpdatedEvent,
)

from .kinds import Kind, value_type

__all__ = ["Change", "changes_of_event", "changes_of_write"]

Action = Literal["put", "delete", "invalidate", "organization_members", "all_memberships"]
_MEMBERSHIP_EVENTS = (
    OrganizationMembershipCreatedEvent,
    OrganizationMembershipUpdatedEvent,
    OrganizationMembershipDeletedEvent,
)
_ROLE_EVENTS = (RoleUpdatedEvent, RoleDeletedEvent, PermissionUpdatedEvent, PermissionDeletedEvent)


class Change(msgspec.Struct, frozen=True):
    """One change to the cache. ``organization_members`` drops the memberships of every cached
    member of the organization ``ident``; ``all_memberships`` drops every memberships entry."""

    action: Action
    kind: Kind
    ident: str
    value: Any = None
    version: int | None = None


def changes_of_event(event: object) -> list[Change]:
    """The changes a typed webhook event (``clerk_async.webhooks``) makes; none for the others."""
    if isinstance(event, (UserCreatedEvent, UserUpdatedEvent)):
        user_id = _text(getattr(event.data, "id", None))
        if user_id is None:
            return []
        return [
            _put(Kind.USER, user_id, event.data, event.timestamp),
            Change("invalidate", Kind.MEMBERSHIPS, user_id),
        ]
    if isinstance(event, UserDeletedEvent):
        user_id = _text(event.data.id)
        if user_id is None:
            return []
        return [
            Change("delete", Kind.USER, user_id),
            Change("invalidate", Kind.MEMBERSHIPS, user_id),
        ]
    if isinstance(event, (OrganizationCreatedEvent, OrganizationUpdatedEvent)):
        org_id = _text(getattr(event.data, "id", None))
        if org_id is None:
            return []
        return [
            _put(Kind.ORGANIZATION, org_id, event.data, event.timestamp),
            Change("organization_members", Kind.MEMBERSHIPS, org_id),
        ]
    if isinstance(event, OrganizationDeletedEvent):
        org_id = _text(event.data.id)
        if org_id is None:
            return [Change("all_memberships", Kind.MEMBERSHIPS, "")]
        return [
            Change("delete", Kind.ORGANIZATION, org_id),
            Change("organization_members", Kind.MEMBERSHIPS, org_id),
        ]
    if isinstance(event, _MEMBERSHIP_EVENTS):
        return [_membership_change(event.data)]
    if isinstance(event, _ROLE_EVENTS):
        return [Change("all_memberships", Kind.MEMBERSHIPS, "")]
    return []


def changes_of_write(
    action: str, kind: Kind, ident: str | None, result: Any, memberships: str
) -> list[Change]:
    """The changes of the client's own successful write (see ``kinds.WriteRoute``)."""
    changes: list[Change] = []
    if action == "put" and isinstance(result, list):  # bulk ban / unban
        for user in result:
            user_id = _text(getattr(user, "id", None))
            changes += changes_of_write("put", kind, user_id, user, memberships)
        return changes
    if kind is Kind.ORGANIZATION and action == "put":
        ident = _text(getattr(result, "id", None)) or ident  # the path may hold the slug
    if kind is Kind.ORGANIZATION and action == "delete":
        ident = _text(getattr(result, "id", None)) or ident
        if ident is not None and not ident.startswith("org_"):
            ident = None  # deleted by slug and the answer names no id: the webhook will
    if memberships == "member":
        changes.append(_membership_change(result, ident))
        return changes
    if ident is None:
        return changes
    if action == "put":
        version = getattr(result, "updated_at", None)
        changes.append(_put(kind, ident, result, version if isinstance(version, int) else None))
    else:
        changes.append(Change(action, kind, ident))  # type: ignore[arg-type]
    if memberships == "user":
        changes.append(Change("invalidate", Kind.MEMBERSHIPS, ident))
    elif memberships == "organization":
        changes.append(Change("organization_members", Kind.MEMBERSHIPS, ident))
    return changes


def _put(kind: Kind, ident: str, data: Any, fallback_version: int | None) -> Change:
    """A copy to store, converted to the API's model (a webhook's ``User`` is another class); if it
    does not convert, the entry is invalidated instead and the next read asks Clerk."""
    wanted = value_type(kind)
    if type(data) is not wanted:
        try:
            data = msgspec.convert(msgspec.to_builtins(data), wanted)
        except (msgspec.ValidationError, TypeError):
            return Change("invalidate", kind, ident)
    version = getattr(data, "updated_at", None)
    if not isinstance(version, int):
        version = fallback_version
    return Change("put", kind, ident, data, version)


def _membership_change(membership: Any, user_id: str | None = None) -> Change:
    public = getattr(membership, "public_user_data", None)
    user_id = _text(getattr(public, "user_id", None)) or user_id
    if user_id is not None:
        return Change("invalidate", Kind.MEMBERSHIPS, user_id)
    org_id = _text(getattr(getattr(membership, "organization", None), "id", None))
    if org_id is not None:
        return Change("organization_members", Kind.MEMBERSHIPS, org_id)
    return Change("all_memberships", Kind.MEMBERSHIPS, "")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
