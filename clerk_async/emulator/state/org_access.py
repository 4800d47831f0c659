"""Rules about roles that reach into organizations: what a role in use blocks, what a renamed or
replaced role moves, and the instance's organization settings that name roles.

Each function takes the whole :class:`~clerk_async.emulator.state.State`, checks everything first
and changes state only once nothing can fail, so a refused request leaves no trace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from clerk_async.emulator.errors import APIError, param_value_invalid
from clerk_async.emulator.params import Body

from .org_roles import CREATOR_PERMISSIONS, RoleRecord, role_not_found
from .org_settings import FIELDS as SETTINGS_FIELDS
from .role_sets import MAX_ROLES, RoleSetRecord, missing_creator_permissions

if TYPE_CHECKING:
    from . import State

__all__ = [
    "create_role",
    "delete_role",
    "remove_role_permission",
    "replace_role_in_set",
    "replace_role_set",
    "settings",
    "update_role",
    "update_role_set",
    "update_settings",
]


def create_role(state: State, body: Body) -> dict[str, Any]:
    roles = state.org_roles
    record = roles.create_role(body, state.org_settings.max_allowed_roles)
    initial = state.role_sets.initial()
    if body.flag("include_in_initial_role_set") and len(initial.role_ids) < MAX_ROLES:
        initial.role_ids.append(record.id)
    return roles.render_role(record)


def update_role(state: State, role_id: str, body: Body) -> dict[str, Any]:
    roles = state.org_roles
    record = roles.role(role_id)
    if body.data.get("permissions") is not None and _is_creator_role(state, record):
        ids = body.strings("permissions")
        keys = {roles.permission(p)["key"] for p in ids}
        if not set(CREATOR_PERMISSIONS) <= keys:
            raise missing_creator_permissions(record.key)
    old_key = roles.update_role(role_id, body)
    if record.key != old_key:
        state.orgs.rename_role(old_key, record.key)
        state.org_invitations.rename_role(old_key, record.key)
        if state.org_settings.domains_default_role == old_key:
            state.org_settings.domains_default_role = record.key
    return roles.render_role(record)


def delete_role(state: State, role_id: str) -> dict[str, Any]:
    record = state.org_roles.role(role_id)
    if _is_creator_role(state, record):
        raise APIError(
            422,
            "organization_role_default_creator_role",
            "role is used as the creator role",
            "The organization role cannot be deleted as it is currently used as the creator role.",
        )
    if state.org_settings.domains_default_role == record.key or any(
        s.default_role_id == record.id for s in state.role_sets.sets.values()
    ):
        raise APIError(
            422,
            "organization_role_domain_default_role",
            "role is used as the domain default role",
            "The organization role cannot be deleted as it is currently used as the default "
            "domain role.",
        )
    if any(m.data["role"] == record.key for m in state.orgs.all_memberships()):
        raise APIError(
            422,
            "organization_role_assigned_members",
            "role is assigned to organization members",
            "The organization role is currently assigned to one or more organization members.",
        )
    if record.key in state.org_invitations.roles_in_use():
        raise APIError(
            422,
            "organization_role_exists_in_invitations",
            "role exists in pending organization invitations",
            "The organization role exists in one or more pending organization invitations. "
            "Please revoke these invitations to proceed.",
        )
    for role_set in state.role_sets.sets.values():
        if record.id in role_set.role_ids:
            role_set.role_ids.remove(record.id)
    return state.org_roles.remove_role(role_id)


def remove_role_permission(state: State, role_id: str, permission_id: str) -> dict[str, Any]:
    roles = state.org_roles
    record = roles.role(role_id)
    permission = roles.permission(permission_id)
    if permission["key"] in CREATOR_PERMISSIONS and _is_creator_role(state, record):
        raise missing_creator_permissions(record.key)
    return roles.render_role(roles.remove_permission(role_id, permission_id))


def update_role_set(state: State, key_or_id: str, body: Body) -> dict[str, Any]:
    record = state.role_sets.get(key_or_id)
    old_key = record.key
    state.role_sets.update(key_or_id, body)
    if record.key != old_key:
        state.orgs.rename_role_set(old_key, record.key)
    return state.role_sets.render(record)


def replace_role_set(state: State, key_or_id: str, body: Body) -> dict[str, Any]:
    """Move every organization of a role set to another one, remapping roles it lacks."""
    sets = state.role_sets
    source = sets.get(key_or_id)
    body.only(("dest_role_set_key", "reassignment_mappings"))
    dest_key = body.text("dest_role_set_key", required=True) or ""
    dest = sets.get(dest_key)
    if dest is source:
        raise param_value_invalid("dest_role_set_key", "A role set cannot replace itself.")
    mappings = body.mapping("reassignment_mappings") or {}
    moves = _remapping(state, source, dest, mappings)
    _apply(state, source, moves)
    state.orgs.rename_role_set(source.key, dest.key)
    if source.data["type"] == "initial":
        dest.data["type"] = "initial"
    sets.remove(source)
    return {"object": "role_set", "id": source.data["id"], "deleted": True}


def replace_role_in_set(state: State, key_or_id: str, body: Body) -> dict[str, Any]:
    """Take a role out of a role set, moving its members to another role of the set."""
    sets, roles = state.role_sets, state.org_roles
    record = sets.get(key_or_id)
    body.only(("role_key", "to_role_key"))
    old = _set_role(state, record, "role_key", body.text("role_key", required=True))
    new = _set_role(state, record, "to_role_key", body.text("to_role_key", required=True))
    if old is new:
        raise param_value_invalid("to_role_key", "A role cannot replace itself.")
    if record.creator_role_id == old.id and not roles.creator_eligible(new):
        raise missing_creator_permissions(new.key)
    _apply(state, record, {old.key: new.key})
    record.role_ids.remove(old.id)
    if record.default_role_id == old.id:
        record.default_role_id = new.id
    if record.creator_role_id == old.id:
        record.creator_role_id = new.id
    return sets.render(record)


def settings(state: State) -> dict[str, Any]:
    initial = state.role_sets.initial()
    creator = state.org_roles.roles[initial.creator_role_id].key
    return state.org_settings.render(creator, initial.key)


def update_settings(state: State, body: Body) -> dict[str, Any]:
    """PATCH: the creator role is the initial role set's; it must be fit to create."""
    roles, org_settings = state.org_roles, state.org_settings
    body.only(SETTINGS_FIELDS)
    creator_id, default_id = body.text("creator_role_id"), body.text("domains_default_role_id")
    creator = _role_param(state, "creator_role_id", creator_id) if creator_id else None
    default = _role_param(state, "domains_default_role_id", default_id) if default_id else None
    initial = state.role_sets.initial()
    if creator is not None:
        if not roles.creator_eligible(creator):
            raise missing_creator_permissions(creator.key)
        if creator.id not in initial.role_ids:
            raise param_value_invalid(
                "creator_role_id", f"{creator.key} is not a role of the role set {initial.key}."
            )
    org_settings.update(body)
    if creator is not None:
        initial.creator_role_id = creator.id
    if default is not None:
        org_settings.domains_default_role = default.key
    return settings(state)


# -- helpers ----------------------------------------------------------------------------------


def _is_creator_role(state: State, record: RoleRecord) -> bool:
    return any(s.creator_role_id == record.id for s in state.role_sets.sets.values())


def _role_param(state: State, param: str, role_id: str) -> RoleRecord:
    record = state.org_roles.roles.get(role_id)
    if record is None:
        raise role_not_found(param, role_id)
    return record


def _set_role(state: State, record: RoleSetRecord, param: str, key: str | None) -> RoleRecord:
    role = state.org_roles.by_key(key or "")
    if role is None:
        raise role_not_found(param, key)
    if role.id not in record.role_ids:
        raise param_value_invalid(param, f"{key} is not a role of the role set {record.key}.")
    return role


def _remapping(
    state: State, source: RoleSetRecord, dest: RoleSetRecord, mappings: dict[str, Any]
) -> dict[str, str]:
    """Role key -> role key for every role of ``source``'s members that ``dest`` lacks."""
    dest_keys = {state.org_roles.roles[r].key for r in dest.role_ids}
    for target in mappings.values():
        if not isinstance(target, str) or target not in dest_keys:
            raise param_value_invalid(
                "reassignment_mappings", f"{target!r} is not a role of the role set {dest.key}."
            )
    used = {
        m.data["role"]
        for org in state.orgs.orgs.values()
        if org.data["role_set_key"] == source.key
        for m in org.members.values()
    } | {
        i.data["role"]
        for i in state.org_invitations.invites.values()
        if i.data["status"] == "pending" and i.org.data["role_set_key"] == source.key
    }
    lacking = sorted(used - dest_keys)
    unmapped = [key for key in lacking if key not in mappings]
    if unmapped:
        raise APIError(
            422,
            "form_param_missing",
            "is missing",
            f"reassignment_mappings must map the members' roles {', '.join(unmapped)} to roles "
            f"of {dest.key}.",
            {"param_name": "reassignment_mappings"},
        )
    return {key: str(mappings[key]) for key in lacking}


def _apply(state: State, role_set: RoleSetRecord, moves: dict[str, str]) -> None:
    """Move the members (and pending invitations) of ``role_set``'s organizations."""
    if not moves:
        return
    for org in state.orgs.orgs.values():
        if org.data["role_set_key"] != role_set.key:
            continue
        for member in org.members.values():
            if member.data["role"] in moves:
                member.data["role"] = moves[member.data["role"]]
    for invite in state.org_invitations.invites.values():
        role = invite.data["role"]
        in_set = invite.org.data["role_set_key"] == role_set.key
        if in_set and invite.data["status"] == "pending" and role in moves:
            invite.data["role"] = moves[role]
