"""Handlers for organization roles, permissions, role sets and the organization settings."""

from __future__ import annotations

from typing import Any

from clerk_async.emulator.routing import Call
from clerk_async.emulator.state import org_access

__all__ = ["ROUTES"]


def _role(call: Call) -> str:
    return call.params["organization_role_id"]


def _set(call: Call) -> str:
    return call.params["role_set_key_or_id"]


# -- permissions -------------------------------------------------------------------------------


def list_permissions(call: Call) -> Any:
    return call.state.org_roles.list_permissions(call.query)


def create_permission(call: Call) -> Any:
    return call.state.org_roles.create_permission(call.body())


def get_permission(call: Call) -> Any:
    return call.state.org_roles.permission(call.params["permission_id"])


def update_permission(call: Call) -> Any:
    return call.state.org_roles.update_permission(call.params["permission_id"], call.body())


def delete_permission(call: Call) -> Any:
    return call.state.org_roles.delete_permission(call.params["permission_id"])


# -- roles -------------------------------------------------------------------------------------


def list_roles(call: Call) -> Any:
    return call.state.org_roles.list_roles(call.query)


def create_role(call: Call) -> Any:
    return org_access.create_role(call.state, call.body())


def get_role(call: Call) -> Any:
    roles = call.state.org_roles
    return roles.render_role(roles.role(_role(call)))


def update_role(call: Call) -> Any:
    return org_access.update_role(call.state, _role(call), call.body())


def delete_role(call: Call) -> Any:
    return org_access.delete_role(call.state, _role(call))


def assign_permission(call: Call) -> Any:
    roles = call.state.org_roles
    return roles.render_role(roles.assign_permission(_role(call), call.params["permission_id"]))


def remove_permission(call: Call) -> Any:
    return org_access.remove_role_permission(call.state, _role(call), call.params["permission_id"])


# -- role sets ---------------------------------------------------------------------------------


def list_role_sets(call: Call) -> Any:
    return call.state.role_sets.listing(call.query)


def create_role_set(call: Call) -> Any:
    sets = call.state.role_sets
    return sets.render(sets.create(call.body()))


def get_role_set(call: Call) -> Any:
    sets = call.state.role_sets
    return sets.render(sets.get(_set(call)))


def update_role_set(call: Call) -> Any:
    return org_access.update_role_set(call.state, _set(call), call.body())


def replace_role_set(call: Call) -> Any:
    return org_access.replace_role_set(call.state, _set(call), call.body())


def add_roles(call: Call) -> Any:
    sets = call.state.role_sets
    return sets.render(sets.add_roles(_set(call), call.body()))


def replace_role(call: Call) -> Any:
    return org_access.replace_role_in_set(call.state, _set(call), call.body())


# -- the instance's organization settings ------------------------------------------------------


def get_settings(call: Call) -> Any:
    return org_access.settings(call.state)


def update_settings(call: Call) -> Any:
    return org_access.update_settings(call.state, call.body())


_ROLE = "/organization_roles/{organization_role_id}"
_PERMISSION = "/organization_permissions/{permission_id}"
_SET = "/role_sets/{role_set_key_or_id}"
ROUTES = [
    ("GET", "/organization_permissions", list_permissions),
    ("POST", "/organization_permissions", create_permission),
    ("GET", _PERMISSION, get_permission),
    ("PATCH", _PERMISSION, update_permission),
    ("DELETE", _PERMISSION, delete_permission),
    ("GET", "/organization_roles", list_roles),
    ("POST", "/organization_roles", create_role),
    ("GET", _ROLE, get_role),
    ("PATCH", _ROLE, update_role),
    ("DELETE", _ROLE, delete_role),
    ("POST", _ROLE + "/permissions/{permission_id}", assign_permission),
    ("DELETE", _ROLE + "/permissions/{permission_id}", remove_permission),
    ("GET", "/role_sets", list_role_sets),
    ("POST", "/role_sets", create_role_set),
    ("GET", _SET, get_role_set),
    ("PATCH", _SET, update_role_set),
    ("POST", _SET + "/replace", replace_role_set),
    ("POST", _SET + "/roles", add_roles),
    ("POST", _SET + "/roles/replace", replace_role),
    ("GET", "/instance/organization_settings", get_settings),
    ("PATCH", "/instance/organization_settings", update_settings),
]
