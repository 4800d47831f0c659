"""Which webhook events a successful write of the emulator causes, and their ``data``.

One rule per modeled route (method, path template). A rule sees the call, the handler's result and,
for deletes that cascade, what the state held before the handler ran (a user's memberships and
sessions vanish with the user). Events are ``(type, data)`` pairs, in the order they are sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clerk_async.emulator.errors import APIError
from clerk_async.emulator.routing import Call
from clerk_async.emulator.state.identifiers import Kind

__all__ = ["RULES", "Event", "Rule", "snapshot"]

Event = tuple[str, Any]
Emit = Callable[[Call, Any, Any], list[Event]]


@dataclass(frozen=True)
class Rule:
    emit: Emit  # (call, result, what ``before`` saw) -> events
    before: Callable[[Call], Any] | None = None


# -- users ---------------------------------------------------------------------------------------


def _user_created(call: Call, result: Any, _: Any) -> list[Event]:
    return [("user.created", result)]


def _user_updated(call: Call, result: Any, _: Any) -> list[Event]:
    return [("user.updated", result)]


def _users_updated(call: Call, result: Any, _: Any) -> list[Event]:
    return [("user.updated", user) for user in result]


def _user_links(call: Call) -> tuple[list[Any], list[Any]]:
    """The memberships and active sessions that deleting the user ends."""
    state, user_id = call.state, call.params["user_id"]
    user = state.users.find(user_id)
    if user is None:
        return [], []
    members = [state.orgs.render_membership(m) for m in state.orgs.memberships_of(user_id)]
    sessions = [
        {**s, "status": "removed", "user": user.data}
        for s in state.sessions.sessions.values()
        if s["user_id"] == user_id and s["status"] in ("active", "pending")
    ]
    return members, sessions


def _user_deleted(call: Call, result: Any, links: Any) -> list[Event]:
    members, sessions = links or ([], [])
    events: list[Event] = [("session.removed", session) for session in sessions]
    events += [("organizationMembership.deleted", member) for member in members]
    return [*events, ("user.deleted", result)]


def _owner_updated(kind: Kind) -> Emit:
    """An email address or phone number changed: its user is updated."""

    def emit(call: Call, result: Any, owner: Any) -> list[Event]:
        users = call.state.users
        if owner is None:
            ident = users.identifiers.get(kind, result["id"])
            owner = ident.user_id if ident is not None else None
        user = users.find(owner) if owner is not None else None
        return [] if user is None else [("user.updated", user.data)]

    return emit


def _owner_of(kind: Kind) -> Callable[[Call], Any]:
    def before(call: Call) -> Any:
        ident = call.state.users.identifiers.get(kind, call.params[f"{kind}_id"])
        return None if ident is None else ident.user_id

    return before


# -- organizations, memberships, invitations ----------------------------------------------------


def _org_created(call: Call, result: Any, _: Any) -> list[Event]:
    events: list[Event] = [("organization.created", result)]
    creator = result.get("created_by")
    if creator:
        orgs = call.state.orgs
        member = orgs.render_membership(orgs.membership(result["id"], creator))
        events.append(("organizationMembership.created", member))
    return events


def _org_updated(call: Call, result: Any, _: Any) -> list[Event]:
    return [("organization.updated", call.state.orgs.get(call.params["organization_id"]).data)]


def _org_members(call: Call) -> list[Any]:
    orgs = call.state.orgs
    record = orgs.get(call.params["organization_id"])
    return [orgs.render_membership(m) for m in record.members.values()]


def _org_deleted(call: Call, result: Any, members: Any) -> list[Event]:
    events: list[Event] = [("organizationMembership.deleted", m) for m in members or ()]
    return [*events, ("organization.deleted", result)]


def _simple(event_type: str) -> Emit:
    def emit(call: Call, result: Any, _: Any) -> list[Event]:
        return [(event_type, result)]

    return emit


def _invitations_created(call: Call, result: Any, _: Any) -> list[Event]:
    items = result.get("data", []) if isinstance(result, dict) else result
    return [("organizationInvitation.created", item) for item in items]


# -- sessions ------------------------------------------------------------------------------------


def _session(event_type: str) -> Emit:
    def emit(call: Call, result: Any, _: Any) -> list[Event]:
        user = call.state.users.find(result["user_id"])
        return [(event_type, {**result, "user": user.data if user else None})]

    return emit


_USER = "/users/{user_id}"
_ORG = "/organizations/{organization_id}"
_UPDATED = Rule(_user_updated)

RULES: dict[tuple[str, str], Rule] = {
    ("POST", "/users"): Rule(_user_created),
    ("PATCH", _USER): _UPDATED,
    ("DELETE", _USER): Rule(_user_deleted, _user_links),
    ("POST", "/users/ban"): Rule(_users_updated),
    ("POST", "/users/unban"): Rule(_users_updated),
    **{
        (method, _USER + tail): _UPDATED
        for method, tail in (
            ("POST", "/ban"),
            ("POST", "/unban"),
            ("POST", "/lock"),
            ("POST", "/unlock"),
            ("POST", "/profile_image"),
            ("DELETE", "/profile_image"),
            ("PATCH", "/metadata"),
            ("PUT", "/metadata"),
            ("POST", "/remove_password"),
        )
    },
    ("POST", "/email_addresses"): Rule(_owner_updated("email_address")),
    ("PATCH", "/email_addresses/{email_address_id}"): Rule(_owner_updated("email_address")),
    ("DELETE", "/email_addresses/{email_address_id}"): Rule(
        _owner_updated("email_address"), _owner_of("email_address")
    ),
    ("POST", "/phone_numbers"): Rule(_owner_updated("phone_number")),
    ("PATCH", "/phone_numbers/{phone_number_id}"): Rule(_owner_updated("phone_number")),
    ("DELETE", "/phone_numbers/{phone_number_id}"): Rule(
        _owner_updated("phone_number"), _owner_of("phone_number")
    ),
    ("POST", "/organizations"): Rule(_org_created),
    ("DELETE", _ORG): Rule(_org_deleted, _org_members),
    **{
        (method, _ORG + tail): Rule(_org_updated)
        for method, tail in (
            ("PATCH", ""),
            ("PATCH", "/metadata"),
            ("PUT", "/metadata"),
            ("PUT", "/logo"),
            ("DELETE", "/logo"),
        )
    },
    ("POST", _ORG + "/memberships"): Rule(_simple("organizationMembership.created")),
    ("PATCH", _ORG + "/memberships/{user_id}"): Rule(_simple("organizationMembership.updated")),
    ("PATCH", _ORG + "/memberships/{user_id}/metadata"): Rule(
        _simple("organizationMembership.updated")
    ),
    ("DELETE", _ORG + "/memberships/{user_id}"): Rule(_simple("organizationMembership.deleted")),
    ("POST", _ORG + "/invitations"): Rule(_simple("organizationInvitation.created")),
    ("POST", _ORG + "/invitations/bulk"): Rule(_invitations_created),
    ("POST", _ORG + "/invitations/{invitation_id}/revoke"): Rule(
        _simple("organizationInvitation.revoked")
    ),
    ("POST", "/sessions"): Rule(_session("session.created")),
    ("POST", "/sessions/{session_id}/revoke"): Rule(_session("session.revoked")),
}


def snapshot(rule: Rule, call: Call) -> Any:
    """What ``rule.before`` sees; nothing when the handler is about to fail anyway."""
    if rule.before is None:
        return None
    try:
        return rule.before(call)
    except APIError:
        return None
