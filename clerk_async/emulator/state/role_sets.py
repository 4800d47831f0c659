"""Role sets: which roles an organization's members can have, its default and creator roles.

The primary role set (``role_set:default``, admin and member, admin for creators) is the initial
one from the start: new organizations get the initial role set. A role set keeps its roles by id, so
renaming a role shows in every set. Replacing a set or one of its roles moves members, which is
:mod:`.org_access`'s job.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

from clerk_async.emulator.errors import (
    APIError,
    identifier_exists,
    not_found,
    param_invalid,
    param_missing,
    param_value_invalid,
)
from clerk_async.emulator.params import Body, Query

from .common import new_id, now_ms, order, parse_order
from .org_roles import ADMIN, CREATOR_PERMISSIONS, MEMBER, OrgRoles, RoleRecord, role_not_found

__all__ = ["PRIMARY_KEY", "RoleSetRecord", "RoleSets"]

PRIMARY_KEY = "role_set:default"
MAX_ROLES = 10
_KEY = re.compile(r"^role_set:[a-z0-9_]+$")
CREATE_FIELDS = frozenset(
    {"name", "key", "description", "default_role_key", "creator_role_key", "type", "roles"}
)
UPDATE_FIELDS = frozenset(
    {"name", "key", "description", "type", "default_role_key", "creator_role_key"}
)


class RoleSetRecord:
    __slots__ = ("creator_role_id", "data", "default_role_id", "role_ids", "seq")

    def __init__(
        self, data: dict[str, Any], role_ids: list[str], default: str, creator: str, seq: int
    ) -> None:
        self.data = data
        self.role_ids = role_ids
        self.default_role_id = default
        self.creator_role_id = creator
        self.seq = seq

    @property
    def key(self) -> str:
        return str(self.data["key"])


def missing_creator_permissions(role_key: str) -> APIError:
    return APIError(
        422,
        "organization_missing_creator_role_permissions",
        "missing permissions for creator role",
        f"The creator role ({role_key}) must contain the following permissions: "
        + ", ".join(CREATOR_PERMISSIONS),
    )


class RoleSets:
    def __init__(self, roles: OrgRoles) -> None:
        self.roles = roles
        self.sets: dict[str, RoleSetRecord] = {}  # by id
        self._keys: dict[str, str] = {}
        self._seq = itertools.count()
        admin, member = roles.by_key(ADMIN), roles.by_key(MEMBER)
        assert admin is not None and member is not None
        self._add(
            PRIMARY_KEY,
            "Primary role set",
            "Clerk's default roles: admin and member.",
            "initial",
            [admin.id, member.id],
            default=member.id,
            creator=admin.id,
        )

    def get(self, key_or_id: str) -> RoleSetRecord:
        set_id = self._keys.get(key_or_id, key_or_id)
        record = self.sets.get(set_id)
        if record is None:
            raise not_found("role set", key_or_id)
        return record

    def find(self, key: str) -> RoleSetRecord | None:
        set_id = self._keys.get(key)
        return None if set_id is None else self.sets[set_id]

    def initial(self) -> RoleSetRecord:
        return next(r for r in self.sets.values() if r.data["type"] == "initial")

    def create(self, body: Body) -> RoleSetRecord:
        body.only(CREATE_FIELDS)
        name = body.text("name", required=True) or ""
        generated = "role_set:" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        key = self._check_key(body.text("key") or generated, None)
        kind = _kind(body, ("initial", "custom")) or "custom"
        roles = self._roles("roles", body.strings("roles"))
        if not roles:
            raise param_missing("roles")
        ids = [r.id for r in roles]
        default_key = body.text("default_role_key", required=True)
        creator_key = body.text("creator_role_key", required=True)
        default = self._member_of(ids, "default_role_key", default_key)
        creator = self._member_of(ids, "creator_role_key", creator_key)
        self._check_creator(creator)
        if kind == "initial":
            self._demote_initial()
        return self._add(key, name, body.text("description"), kind, ids, default.id, creator.id)

    def update(self, key_or_id: str, body: Body) -> RoleSetRecord:
        record = self.get(key_or_id)
        body.only(UPDATE_FIELDS)
        key = body.text("key")
        if key is not None:
            key = self._check_key(key, record.data["id"])
        kind = _kind(body, ("initial",))
        default_role, creator_role = self._defaults(record.role_ids, body)
        if key is not None and key != record.key:
            del self._keys[record.key]
            self._keys[key] = record.data["id"]
            record.data["key"] = key
        if body.text("name"):
            record.data["name"] = body.text("name")
        if body.has("description"):
            record.data["description"] = body.text("description")
        if kind == "initial" and record.data["type"] != "initial":
            self._demote_initial()
            record.data["type"] = "initial"
        if default_role is not None:
            record.default_role_id = default_role.id
        if creator_role is not None:
            record.creator_role_id = creator_role.id
        record.data["updated_at"] = now_ms()
        return record

    def add_roles(self, key_or_id: str, body: Body) -> RoleSetRecord:
        record = self.get(key_or_id)
        body.only(("role_keys", "default_role_key", "creator_role_key"))
        roles = self._roles("role_keys", body.strings("role_keys"))
        if not roles:
            raise param_missing("role_keys")
        ids = list(dict.fromkeys([*record.role_ids, *(r.id for r in roles)]))
        if len(ids) > MAX_ROLES:
            raise param_value_invalid("role_keys", f"A role set holds at most {MAX_ROLES} roles.")
        default_role, creator_role = self._defaults(ids, body)
        record.role_ids = ids
        if default_role is not None:
            record.default_role_id = default_role.id
        if creator_role is not None:
            record.creator_role_id = creator_role.id
        record.data["updated_at"] = now_ms()
        return record

    def remove(self, record: RoleSetRecord) -> None:
        del self.sets[record.data["id"]]
        del self._keys[record.key]

    def listing(self, query: Query) -> dict[str, Any]:
        fields: dict[str, Callable[[RoleSetRecord], Any]] = {
            "created_at": lambda r: r.data["created_at"],
            "name": lambda r: r.data["name"].lower(),
            "key": lambda r: r.key,
        }
        text = query.text("query")
        records = [
            r
            for r in self.sets.values()
            if not text
            or r.data["id"] == text
            or text.lower() in r.data["name"].lower()
            or text.lower() in r.key
        ]
        limit, offset = query.page()
        ordered = order(records, parse_order(query.text("order_by"), fields), lambda r: r.seq)
        page = [self.render(r) for r in ordered[offset : offset + limit]]
        return {"data": page, "total_count": len(ordered)}

    def has_role(self, record: RoleSetRecord, role_key: str) -> bool:
        role = self.roles.by_key(role_key)
        return role is not None and role.id in record.role_ids

    def render(self, record: RoleSetRecord) -> dict[str, Any]:
        return {
            **record.data,
            "roles": [self._item(self.roles.roles[r]) for r in record.role_ids],
            "default_role": self._item(self.roles.roles[record.default_role_id]),
            "creator_role": self._item(self.roles.roles[record.creator_role_id]),
            "role_set_migration": None,
        }

    # -- helpers -------------------------------------------------------------------------------

    def _add(
        self,
        key: str,
        name: str,
        description: str | None,
        kind: str,
        role_ids: list[str],
        default: str,
        creator: str,
    ) -> RoleSetRecord:
        now = now_ms()
        set_id = new_id("rs_")
        data: dict[str, Any] = {
            "object": "role_set",
            "id": set_id,
            "key": key,
            "name": name,
            "description": description,
            "type": kind,
            "created_at": now,
            "updated_at": now,
        }
        record = RoleSetRecord(data, role_ids, default, creator, next(self._seq))
        self.sets[set_id] = record
        self._keys[key] = set_id
        return record

    def _roles(self, param: str, keys: list[str]) -> list[RoleRecord]:
        if len(keys) > MAX_ROLES:
            raise param_value_invalid(param, f"Send at most {MAX_ROLES} roles.")
        found = []
        for key in dict.fromkeys(keys):
            role = self.roles.by_key(key)
            if role is None:
                raise role_not_found(param, key)
            found.append(role)
        return found

    def _member_of(self, role_ids: list[str], param: str, key: str | None) -> RoleRecord:
        role = self.roles.by_key(key or "")
        if role is None:
            raise role_not_found(param, key)
        if role.id not in role_ids:
            raise param_value_invalid(param, f"{key} is not one of the role set's roles.")
        return role

    def _defaults(
        self, role_ids: list[str], body: Body
    ) -> tuple[RoleRecord | None, RoleRecord | None]:
        """The default and creator roles a request names (each optional), checked."""
        default, creator = body.text("default_role_key"), body.text("creator_role_key")
        default_role = self._member_of(role_ids, "default_role_key", default) if default else None
        creator_role = self._member_of(role_ids, "creator_role_key", creator) if creator else None
        if creator_role is not None:
            self._check_creator(creator_role)
        return default_role, creator_role

    def _check_creator(self, role: RoleRecord) -> None:
        if not self.roles.creator_eligible(role):
            raise missing_creator_permissions(role.key)

    def _check_key(self, key: str, set_id: str | None) -> str:
        if not _KEY.match(key):
            raise param_invalid(
                "key", "A role set key is 'role_set:' then lowercase letters, digits and '_'."
            )
        owner = self._keys.get(key)
        if owner is not None and owner != set_id:
            raise identifier_exists("key", "role set key")
        return key

    def _demote_initial(self) -> None:
        for record in self.sets.values():
            if record.data["type"] == "initial":
                record.data["type"] = "custom"

    @staticmethod
    def _item(role: RoleRecord) -> dict[str, Any]:
        data = role.data
        return {
            "object": "role_set_item",
            "id": role.id,
            "name": data["name"],
            "key": data["key"],
            "description": data["description"],
            "created_at": data["created_at"],
            "updated_at": data["updated_at"],
        }


def _kind(body: Body, allowed: tuple[str, ...]) -> str | None:
    kind = body.text("type")
    if kind is not None and kind not in allowed:
        raise param_value_invalid("type", f"type must be {' or '.join(allowed)}.")
    return kind
