"""Organization permissions and roles, as Clerk keeps them per instance.

Clerk's system permissions (``org:sys_*``) and its two default roles exist from the start: admin has
every system permission, member reads members and billing. Custom permissions are keyed
``org:<feature>:<action>``; each one's feature joins the billing features (see :mod:`.billing`).
Roles keep their permissions by id, so renaming a permission shows everywhere at once. Rules that
reach beyond roles (a role in use cannot go, a renamed key follows into memberships) live in
:mod:`.org_access`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

from clerk_async._identifiers import PERMISSION_KEY as _PERMISSION_KEY
from clerk_async._identifiers import ROLE_KEY as _ROLE_KEY
from clerk_async.emulator.errors import (
    APIError,
    identifier_exists,
    param_invalid,
    param_missing,
    param_value_invalid,
)
from clerk_async.emulator.params import Body, Query

from .billing import Billing
from .common import new_id, now_ms, order, parse_order

__all__ = [
    "ADMIN",
    "CREATOR_PERMISSIONS",
    "MEMBER",
    "OrgRoles",
    "RoleRecord",
    "role_not_found",
]

ADMIN = "org:admin"
MEMBER = "org:member"
SYSTEM_PERMISSIONS = {
    "org:sys_profile:manage": "Manage organization",
    "org:sys_profile:delete": "Delete organization",
    "org:sys_memberships:read": "Read members",
    "org:sys_memberships:manage": "Manage members",
    "org:sys_domains:read": "Read domains",
    "org:sys_domains:manage": "Manage domains",
    "org:sys_billing:read": "Read billing",
    "org:sys_billing:manage": "Manage billing",
    "org:sys_entconns:manage": "Manage enterprise connections",
}
_MEMBER_PERMISSIONS = ("org:sys_memberships:read", "org:sys_billing:read")
#: What a role needs to be the one an organization's creator gets.
CREATOR_PERMISSIONS = (
    "org:sys_memberships:manage",
    "org:sys_memberships:read",
    "org:sys_profile:delete",
)
ROLE_FIELDS = frozenset({"name", "key", "description", "permissions"})
PERMISSION_FIELDS = frozenset({"name", "key", "description"})


def role_not_found(param: str | None = None, role: str | None = None) -> APIError:
    detail = "Organization role not found" + (f": {role}" if role else "")
    meta = {"param_name": param} if param else None
    return APIError(404, "resource_not_found", "not found", detail, meta)


def _permission_not_found(ident: str) -> APIError:
    return APIError(
        404, "resource_not_found", "not found", f"Organization permission not found: {ident}"
    )


def _system_permission(key: str) -> APIError:
    return APIError(
        403,
        "organization_system_permission_not_modifiable",
        "organization system permission cannot be modified",
        f"{key} cannot be modified because it is a system permission.",
    )


def default_role_name(key: str) -> str:
    return key.removeprefix("org:").replace("_", " ").title()


class RoleRecord:
    __slots__ = ("data", "permission_ids", "seq", "system")

    def __init__(self, data: dict[str, Any], permission_ids: list[str], seq: int, system: bool):
        self.data = data
        self.permission_ids = permission_ids
        self.seq = seq
        self.system = system

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @property
    def key(self) -> str:
        return str(self.data["key"])


class OrgRoles:
    def __init__(self, billing: Billing) -> None:
        self.billing = billing
        self.permissions: dict[str, dict[str, Any]] = {}  # by id, in creation order
        self.roles: dict[str, RoleRecord] = {}
        self._permission_keys: dict[str, str] = {}
        self._role_keys: dict[str, str] = {}
        self._seq = itertools.count()
        self._permission_seq: dict[str, int] = {}
        for key, name in SYSTEM_PERMISSIONS.items():
            self._add_permission(key, name, "", "system")
        self._add_role(ADMIN, "Admin", "Full access to the organization.", list(SYSTEM_PERMISSIONS))
        self._add_role(MEMBER, "Member", "Reads members and billing.", list(_MEMBER_PERMISSIONS))

    # -- permissions ---------------------------------------------------------------------------

    def permission(self, permission_id: str) -> dict[str, Any]:
        found = self.permissions.get(permission_id)
        if found is None:
            raise _permission_not_found(permission_id)
        return found

    def create_permission(self, body: Body) -> dict[str, Any]:
        body.only(PERMISSION_FIELDS)
        name = _required(body, "name")
        key = self._check_permission_key(_required(body, "key"), None)
        description = body.text("description") or ""
        return self._add_permission(key, name, description, "user")

    def update_permission(self, permission_id: str, body: Body) -> dict[str, Any]:
        permission = self.permission(permission_id)
        body.only(PERMISSION_FIELDS)
        if permission["type"] == "system":
            raise _system_permission(permission["key"])
        key = body.text("key")
        if key is not None:
            key = self._check_permission_key(key, permission_id)
            del self._permission_keys[permission["key"]]
            self._permission_keys[key] = permission_id
            permission["key"] = key
        if body.text("name"):
            permission["name"] = body.text("name")
        if body.has("description"):
            permission["description"] = body.text("description") or ""
        permission["updated_at"] = now_ms()
        return permission

    def delete_permission(self, permission_id: str) -> dict[str, Any]:
        permission = self.permission(permission_id)
        if permission["type"] == "system":
            raise _system_permission(permission["key"])
        del self.permissions[permission_id]
        del self._permission_keys[permission["key"]]
        for role in self.roles.values():
            if permission_id in role.permission_ids:
                role.permission_ids.remove(permission_id)
        return {"object": "permission", "id": permission_id, "deleted": True}

    def list_permissions(self, query: Query) -> dict[str, Any]:
        fields: dict[str, Callable[[dict[str, Any]], Any]] = {
            "created_at": lambda p: p["created_at"],
            "name": lambda p: p["name"].lower(),
            "key": lambda p: p["key"],
        }
        items = self._matching(query, list(self.permissions.values()))
        ordering = parse_order(query.text("order_by"), fields)
        return _page(query, order(items, ordering, lambda p: self._permission_seq[p["id"]]))

    # -- roles ---------------------------------------------------------------------------------

    def role(self, role_id: str) -> RoleRecord:
        record = self.roles.get(role_id)
        if record is None:
            raise role_not_found(role=role_id)
        return record

    def by_key(self, key: str) -> RoleRecord | None:
        role_id = self._role_keys.get(key)
        return None if role_id is None else self.roles[role_id]

    def create_role(self, body: Body, limit: int) -> RoleRecord:
        body.only({*ROLE_FIELDS, "include_in_initial_role_set"})
        name = _required(body, "name")
        key = self._check_role_key(_required(body, "key"), None)
        permission_ids = self._permission_ids(body.strings("permissions"))
        body.flag("include_in_initial_role_set")
        custom = sum(1 for role in self.roles.values() if not role.system)
        if custom >= limit:
            raise APIError(
                403,
                "organization_instance_roles_quota_exceeded",
                "organization roles for instance quota exceeded",
                f"You have reached your limit of {limit} organization roles per instance.",
            )
        return self._add_role(key, name, body.text("description"), permission_ids, system=False)

    def update_role(self, role_id: str, body: Body) -> str:
        """Apply a PATCH; the role's key before it (for the caller to follow into memberships)."""
        record = self.role(role_id)
        body.only(ROLE_FIELDS)
        old_key = record.key
        key = body.text("key")
        if key is not None:
            key = self._check_role_key(key, role_id)
        permission_ids = (
            self._permission_ids(body.strings("permissions"))
            if body.data.get("permissions") is not None
            else None
        )
        if key is not None and key != old_key:
            del self._role_keys[old_key]
            self._role_keys[key] = role_id
            record.data["key"] = key
        if body.text("name"):
            record.data["name"] = body.text("name")
        if body.has("description"):
            record.data["description"] = body.text("description")
        if permission_ids is not None:
            record.permission_ids = permission_ids
        record.data["updated_at"] = now_ms()
        return old_key

    def remove_role(self, role_id: str) -> dict[str, Any]:
        record = self.role(role_id)
        del self.roles[role_id]
        del self._role_keys[record.key]
        return {"object": "role", "id": role_id, "deleted": True}

    def assign_permission(self, role_id: str, permission_id: str) -> RoleRecord:
        record = self.role(role_id)
        self.permission(permission_id)
        if permission_id in record.permission_ids:
            raise APIError(
                409,
                "organization_role_permission_association_exists",
                "permission already assigned to role",
                "This organization permission is already associated to this organization role.",
            )
        record.permission_ids.append(permission_id)
        record.data["updated_at"] = now_ms()
        return record

    def remove_permission(self, role_id: str, permission_id: str) -> RoleRecord:
        record = self.role(role_id)
        self.permission(permission_id)
        if permission_id not in record.permission_ids:
            raise APIError(
                404,
                "resource_not_found",
                "not found",
                f"The permission {permission_id} is not assigned to the role {role_id}.",
            )
        record.permission_ids.remove(permission_id)
        record.data["updated_at"] = now_ms()
        return record

    def list_roles(self, query: Query) -> dict[str, Any]:
        fields: dict[str, Callable[[RoleRecord], Any]] = {
            "created_at": lambda r: r.data["created_at"],
            "name": lambda r: r.data["name"].lower(),
            "key": lambda r: r.key,
        }
        records = self._matching(query, list(self.roles.values()), lambda r: r.data)
        ordering = parse_order(query.text("order_by"), fields)
        page = _page(query, order(records, ordering, lambda r: r.seq))
        page["data"] = [self.render_role(r) for r in page["data"]]
        return page

    def render_role(self, record: RoleRecord) -> dict[str, Any]:
        return {
            **record.data,
            "is_creator_eligible": self.creator_eligible(record),
            "permissions": [self.permissions[p] for p in record.permission_ids],
        }

    def permission_keys(self, record: RoleRecord) -> list[str]:
        return [self.permissions[p]["key"] for p in record.permission_ids]

    def custom_permissions(self, record: RoleRecord) -> list[tuple[str, str]]:
        """``(feature, action)`` of each custom permission of the role (none of ``org:sys_*``)."""
        pairs = []
        for permission_id in record.permission_ids:
            permission = self.permissions[permission_id]
            match = _PERMISSION_KEY.match(permission["key"])
            if permission["type"] != "system" and match:
                pairs.append((match.group(1), match.group(2)))
        return pairs

    def creator_eligible(self, record: RoleRecord) -> bool:
        return set(CREATOR_PERMISSIONS) <= set(self.permission_keys(record))

    # -- helpers -------------------------------------------------------------------------------

    def _add_permission(self, key: str, name: str, description: str, kind: str) -> dict[str, Any]:
        now = now_ms()
        permission_id = new_id("perm_")
        permission: dict[str, Any] = {
            "object": "permission",
            "id": permission_id,
            "name": name,
            "key": key,
            "description": description,
            "type": kind,
            "created_at": now,
            "updated_at": now,
        }
        self.permissions[permission_id] = permission
        self._permission_keys[key] = permission_id
        self._permission_seq[permission_id] = next(self._seq)
        if kind != "system":
            match = _PERMISSION_KEY.match(key)
            if match:
                self.billing.add_permission_feature(match.group(1))
        return permission

    def _add_role(
        self,
        key: str,
        name: str,
        description: str | None,
        permissions: list[str],
        *,
        system: bool = True,
    ) -> RoleRecord:
        now = now_ms()
        ids = [self._permission_keys.get(p, p) for p in permissions]
        data = {
            "object": "role",
            "id": new_id("role_"),
            "name": name,
            "key": key,
            "description": description,
            "created_at": now,
            "updated_at": now,
        }
        record = RoleRecord(data, ids, next(self._seq), system)
        self.roles[record.id] = record
        self._role_keys[key] = record.id
        return record

    def _permission_ids(self, ids: list[str]) -> list[str]:
        for permission_id in ids:
            if permission_id not in self.permissions:
                raise _permission_not_found(permission_id)
        return list(dict.fromkeys(ids))

    def _check_role_key(self, key: str, role_id: str | None) -> str:
        if not _ROLE_KEY.match(key):
            raise param_invalid(
                "key", "A role key is 'org:' then lowercase letters, digits and underscores."
            )
        owner = self._role_keys.get(key)
        if owner is not None and owner != role_id:
            raise identifier_exists("key", "role key")
        return key

    def _check_permission_key(self, key: str, permission_id: str | None) -> str:
        if key.startswith("org:sys_"):
            raise param_value_invalid(
                "key", "The org:sys_ prefix is reserved for system permissions."
            )
        if not _PERMISSION_KEY.match(key):
            raise param_invalid(
                "key",
                "A permission key is org:<feature>:<action>, each part lowercase letters, digits "
                "and underscores.",
            )
        owner = self._permission_keys.get(key)
        if owner is not None and owner != permission_id:
            raise identifier_exists("key", "permission key")
        return key

    @staticmethod
    def _matching(
        query: Query,
        items: list[Any],
        data: Callable[[Any], dict[str, Any]] = lambda item: item,
    ) -> list[Any]:
        text = query.text("query")
        if not text:
            return items
        lowered = text.lower()
        return [
            item
            for item in items
            if data(item)["id"] == text
            or lowered in data(item)["name"].lower()
            or lowered in data(item)["key"]
        ]


def _required(body: Body, name: str) -> str:
    value = body.text(name, required=True)
    if value is None or not value.strip():
        raise param_missing(name)
    return value


def _page(query: Query, items: Iterable[Any]) -> dict[str, Any]:
    selected = list(items)
    limit, offset = query.page()
    return {"data": selected[offset : offset + limit], "total_count": len(selected)}
