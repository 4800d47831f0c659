"""Organizations and their memberships.

Organizations are wire dicts; a membership is rendered on read from its own fields, its
organization and its user, so renaming a user or an organization shows up everywhere at once.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

from clerk_async._identifiers import ORGANIZATION_SLUG as _SLUG
from clerk_async.emulator.errors import (
    APIError,
    identifier_exists,
    not_found,
    param_invalid,
    param_missing,
    param_value_invalid,
)
from clerk_async.emulator.params import Body, Query

from .common import deep_merge, new_id, now_ms, order, parse_order, parse_timestamp, random_token
from .org_roles import OrgRoles, RoleRecord, role_not_found
from .org_settings import OrgSettings
from .role_sets import RoleSetRecord, RoleSets
from .users import ORDER_FIELDS as USER_ORDER_FIELDS
from .users import UserRecord, UserStore

__all__ = ["DEFAULT_ORG_IMAGE_URL", "Membership", "OrgRecord", "OrgStore", "identifier_of"]

DEFAULT_ORG_IMAGE_URL = "https://img.clerk.com/emulator/default-organization.png"
MAX_NAME_LENGTH = 256
CREATE_FIELDS = frozenset(
    {"name", "created_by", "private_metadata", "public_metadata", "slug",
     "max_allowed_memberships", "created_at", "role_set_key"}
)  # fmt: skip
UPDATE_FIELDS = frozenset(
    {"name", "slug", "max_allowed_memberships", "admin_delete_enabled", "created_at",
     "role_set_key"}
)  # fmt: skip


class OrgRecord:
    __slots__ = ("data", "members", "seq")

    def __init__(self, data: dict[str, Any], seq: int) -> None:
        self.data = data
        self.seq = seq
        self.members: dict[str, Membership] = {}  # by user id, in joining order

    @property
    def id(self) -> str:
        return str(self.data["id"])


class Membership:
    __slots__ = ("data", "org", "seq", "user_id")

    def __init__(self, org: OrgRecord, user_id: str, data: dict[str, Any], seq: int) -> None:
        self.org = org
        self.user_id = user_id
        self.data = data
        self.seq = seq


class OrgStore:
    def __init__(
        self, users: UserStore, roles: OrgRoles, role_sets: RoleSets, settings: OrgSettings
    ) -> None:
        self.users = users
        self.roles = roles
        self.role_sets = role_sets
        self.settings = settings
        #: An organization's pending invitations (set by the invitation store): they count
        #: against its membership limit, as in Clerk.
        self.pending_invitations: Callable[[OrgRecord], int] = lambda record: 0
        self.orgs: dict[str, OrgRecord] = {}
        self._slugs: dict[str, str] = {}
        self._by_user: dict[str, dict[str, Membership]] = {}  # user id -> org id -> membership
        self._seq = itertools.count()

    # -- organizations -------------------------------------------------------------------------

    def get(self, id_or_slug: str) -> OrgRecord:
        record = self.orgs.get(id_or_slug)
        if record is None:
            org_id = self._slugs.get(id_or_slug)
            record = self.orgs.get(org_id) if org_id else None
        if record is None:
            raise not_found("organization", id_or_slug)
        return record

    def render(self, record: OrgRecord, *, counts: bool = False) -> dict[str, Any]:
        if not counts:
            return record.data
        return {
            **record.data,
            "members_count": len(record.members),
            "missing_member_with_elevated_permissions": False,
        }

    def create(self, body: Body) -> dict[str, Any]:
        body.only(CREATE_FIELDS)
        name = _check_name(body.text("name", required=True))
        slug = body.text("slug")
        slug = self._check_slug(slug, None) if slug is not None else self._free_slug(name)
        creator_id = body.text("created_by")
        creator = self.users.find(creator_id) if creator_id else None
        if creator_id and creator is None:
            raise APIError(
                400,
                "organization_creator_not_found",
                "creator not found",
                f"No users found with id {creator_id}.",
            )
        public = body.mapping("public_metadata") or {}
        private = body.mapping("private_metadata") or {}
        limit = body.integer("max_allowed_memberships", minimum=0)
        if limit is None:
            limit = self.settings.max_allowed_memberships
        role_set = self._role_set(body.text("role_set_key"))
        created_at = parse_timestamp("created_at", body.text("created_at"))
        now = now_ms()
        data: dict[str, Any] = {
            "object": "organization", "id": new_id("org_"), "name": name, "slug": slug,
            "image_url": DEFAULT_ORG_IMAGE_URL, "has_image": False,
            "max_allowed_memberships": limit,
            "admin_delete_enabled": self.settings.admin_delete_enabled,
            "public_metadata": public, "private_metadata": private,
            "created_at": created_at or now, "updated_at": now, "role_set_key": role_set.key,
        }  # fmt: skip
        if creator_id:
            data["created_by"] = creator_id
        record = OrgRecord(data, next(self._seq))
        self.orgs[record.id] = record
        self._slugs[slug] = record.id
        if creator is not None:
            creator_role = self.roles.roles[role_set.creator_role_id].key
            self._join(record, creator.id, creator_role, {}, {})
        return data

    def update(self, id_or_slug: str, body: Body) -> dict[str, Any]:
        record = self.get(id_or_slug)
        body.only(UPDATE_FIELDS)
        data = record.data
        changes: dict[str, Any] = {}
        if body.text("name") is not None:
            changes["name"] = _check_name(body.text("name"))
        if body.text("slug") is not None:
            changes["slug"] = self._check_slug(body.text("slug"), record.id)
        limit = body.integer("max_allowed_memberships", minimum=0)
        if limit is not None:
            changes["max_allowed_memberships"] = limit
        if body.data.get("admin_delete_enabled") is not None:
            changes["admin_delete_enabled"] = body.flag("admin_delete_enabled")
        created_at = parse_timestamp("created_at", body.text("created_at"))
        if created_at is not None:
            changes["created_at"] = created_at
        if body.text("role_set_key") is not None:
            changes["role_set_key"] = self._switch_role_set(record, body.text("role_set_key"))
        if "slug" in changes:
            del self._slugs[data["slug"]]
            self._slugs[changes["slug"]] = record.id
        data.update(changes, updated_at=now_ms())
        return data

    def delete(self, id_or_slug: str) -> dict[str, Any]:
        record = self.get(id_or_slug)
        for user_id in record.members:
            self._by_user.get(user_id, {}).pop(record.id, None)
        del self.orgs[record.id]
        del self._slugs[record.data["slug"]]
        return {
            "object": "organization",
            "id": record.id,
            "slug": record.data["slug"],
            "deleted": True,
        }

    def merge_metadata(self, id_or_slug: str, body: Body, *, replace: bool) -> dict[str, Any]:
        record = self.get(id_or_slug)
        data = record.data
        body.only(("public_metadata", "private_metadata"))
        for name in ("public_metadata", "private_metadata"):
            patch = body.mapping(name)
            if patch is not None:
                data[name] = patch if replace else deep_merge(data[name], patch)
        data["updated_at"] = now_ms()
        return data

    def set_logo(self, id_or_slug: str, has_logo: bool) -> dict[str, Any]:
        record = self.get(id_or_slug)
        data = record.data
        url = (
            f"https://img.clerk.com/emulator/{record.id}/{random_token(12)}.png"
            if has_logo
            else DEFAULT_ORG_IMAGE_URL
        )
        data.update(image_url=url, has_image=has_logo, updated_at=now_ms())
        return {**data, "logo_url": url} if has_logo else data

    def listing(self, query: Query) -> dict[str, Any]:
        limit, offset = query.page()
        fields: dict[str, Callable[[OrgRecord], Any]] = {
            "created_at": lambda o: o.data["created_at"],
            "name": lambda o: o.data["name"].lower(),
            "members_count": lambda o: len(o.members),
        }
        ordering = parse_order(query.text("order_by"), fields)
        records = list(self.orgs.values())
        text = (query.text("query") or "").lower()
        if text:
            records = [
                o
                for o in records
                if o.id == query.text("query")
                or text in o.data["name"].lower()
                or text in o.data["slug"]
            ]
        records = self._signed_filter(records, query.strings("user_id"), self._orgs_of)
        records = self._signed_filter(records, query.strings("organization_id"), lambda i: {i})
        records = order(records, ordering, lambda o: o.seq)
        counts = bool(query.flag("include_members_count"))
        page = [self.render(o, counts=counts) for o in records[offset : offset + limit]]
        return {"data": page, "total_count": len(records)}

    # -- memberships ---------------------------------------------------------------------------

    def add_member(self, id_or_slug: str, body: Body) -> dict[str, Any]:
        record = self.get(id_or_slug)
        body.only(("user_id", "role", "public_metadata", "private_metadata"))
        user_id = body.text("user_id", required=True) or ""
        role = self.check_role(record, body.text("role", required=True))
        user = self.users.get(user_id)
        if user_id in record.members:
            raise already_a_member(user_id)
        self.check_quota(record)
        public = body.mapping("public_metadata") or {}
        private = body.mapping("private_metadata") or {}
        return self.render_membership(self._join(record, user.id, role, public, private))

    def membership(self, id_or_slug: str, user_id: str) -> Membership:
        record = self.get(id_or_slug)
        member = record.members.get(user_id)
        if member is None:
            raise not_found("organization membership", f"{record.id}/{user_id}")
        return member

    def update_member(self, id_or_slug: str, user_id: str, body: Body) -> dict[str, Any]:
        member = self.membership(id_or_slug, user_id)
        role = self.check_role(member.org, body.only(("role",)).text("role", required=True))
        member.data.update(role=role, updated_at=now_ms())
        return self.render_membership(member)

    def merge_member_metadata(self, id_or_slug: str, user_id: str, body: Body) -> dict[str, Any]:
        member = self.membership(id_or_slug, user_id)
        body.only(("public_metadata", "private_metadata"))
        for name in ("public_metadata", "private_metadata"):
            patch = body.mapping(name)
            if patch is not None:
                deep_merge(member.data[name], patch)
        member.data["updated_at"] = now_ms()
        return self.render_membership(member)

    def remove_member(self, id_or_slug: str, user_id: str) -> dict[str, Any]:
        member = self.membership(id_or_slug, user_id)
        rendered = self.render_membership(member)
        del member.org.members[user_id]
        self._by_user.get(user_id, {}).pop(member.org.id, None)
        return rendered

    def remove_user(self, user_id: str) -> None:
        for org_id in self._by_user.pop(user_id, {}):
            self.orgs[org_id].members.pop(user_id, None)

    def member_ids(self, org_ids: list[str]) -> set[str]:
        found: set[str] = set()
        for org_id in org_ids:
            record = self.orgs.get(org_id)
            if record is not None:
                found.update(record.members)
        return found

    def memberships_of(self, user_id: str) -> list[Membership]:
        return list(self._by_user.get(user_id, {}).values())

    def list_members(self, query: Query, members: list[Membership]) -> dict[str, Any]:
        """A page of ``members`` filtered by the user filters and ``role``, ordered."""
        limit, offset = query.page()
        ids = {m.user_id for m in members}
        matching = {r.id for r in self.users.select(query, ids)}
        roles = set(query.strings("role"))
        selected = [
            m for m in members if m.user_id in matching and (not roles or m.data["role"] in roles)
        ]
        fields = {name: self._by_user_field(getter) for name, getter in USER_ORDER_FIELDS.items()}
        fields["created_at"] = lambda m: m.data["created_at"]
        ordering = parse_order(query.text("order_by"), fields)
        selected = order(selected, ordering, lambda m: m.seq)
        page = [self.render_membership(m) for m in selected[offset : offset + limit]]
        return {"data": page, "total_count": len(selected)}

    def all_memberships(self) -> list[Membership]:
        return [m for org in self.orgs.values() for m in org.members.values()]

    def render_membership(self, member: Membership) -> dict[str, Any]:
        user = self.users.find(member.user_id)
        role = self.roles.by_key(member.data["role"])
        return {
            **member.data,
            "role_name": role.data["name"] if role else member.data["role"],
            "permissions": self.roles.permission_keys(role) if role else [],
            "organization": member.org.data,
            "public_user_data": _public_user_data(member.user_id, user),
        }

    # -- helpers -------------------------------------------------------------------------------

    def _join(
        self,
        record: OrgRecord,
        user_id: str,
        role: str,
        public: dict[str, Any],
        private: dict[str, Any],
    ) -> Membership:
        now = now_ms()
        data = {
            "object": "organization_membership",
            "id": new_id("orgmem_"),
            "role": role,
            "public_metadata": public,
            "private_metadata": private,
            "created_at": now,
            "updated_at": now,
        }
        member = Membership(record, user_id, data, next(self._seq))
        record.members[user_id] = member
        self._by_user.setdefault(user_id, {})[record.id] = member
        return member

    def check_role(self, record: OrgRecord, role: str | None) -> str:
        """``role`` must be a role of the organization's role set (404, as Clerk answers)."""
        if not role:
            raise param_missing("role")
        role_set = self.role_set_of(record)
        if not self.role_sets.has_role(role_set, role):
            raise role_not_found("role", role)
        return role

    def check_quota(self, record: OrgRecord, adding: int = 1) -> None:
        """Members and pending invitations together stay within the limit (0: no limit)."""
        limit = record.data["max_allowed_memberships"]
        taken = len(record.members) + self.pending_invitations(record)
        if limit and taken + adding > limit:
            raise APIError(
                403,
                "organization_membership_quota_exceeded",
                "organization membership quota exceeded",
                f"You have reached your limit of {limit} organization memberships, including "
                "outstanding invitations.",
            )

    def role_set_of(self, record: OrgRecord) -> RoleSetRecord:
        found = self.role_sets.find(record.data["role_set_key"] or "")
        return found if found is not None else self.role_sets.initial()

    def member_role(self, member: Membership) -> RoleRecord | None:
        return self.roles.by_key(member.data["role"])

    def rename_role(self, old: str, new: str) -> None:
        for member in self.all_memberships():
            if member.data["role"] == old:
                member.data["role"] = new

    def rename_role_set(self, old: str, new: str) -> None:
        for record in self.orgs.values():
            if record.data["role_set_key"] == old:
                record.data["role_set_key"] = new

    def _role_set(self, key: str | None) -> RoleSetRecord:
        if key is None:
            return self.role_sets.initial()
        found = self.role_sets.find(key)
        if found is None:
            raise not_found("role set", key)
        return found

    def _switch_role_set(self, record: OrgRecord, key: str | None) -> str:
        target = self._role_set(key)
        stray = sorted(
            {m.data["role"] for m in record.members.values()}
            - {self.roles.roles[r].key for r in target.role_ids}
        )
        if stray:
            raise param_value_invalid(
                "role_set_key",
                f"{target.key} lacks the members' roles {', '.join(stray)}: replace the role set "
                "with reassignment mappings instead.",
            )
        return target.key

    def _orgs_of(self, user_id: str) -> set[str]:
        return set(self._by_user.get(user_id, {}))

    @staticmethod
    def _signed_filter(
        records: list[OrgRecord], values: list[str], expand: Callable[[str], set[str]]
    ) -> list[OrgRecord]:
        """``+x``/``x`` include the organizations ``x`` expands to, ``-x`` excludes them."""
        if not values:
            return records
        include: set[str] | None = None
        exclude: set[str] = set()
        for value in values:
            if value.startswith("-"):
                exclude |= expand(value[1:])
            else:
                include = (include or set()) | expand(value.removeprefix("+"))
        return [o for o in records if (include is None or o.id in include) and o.id not in exclude]

    def _by_user_field(self, getter: Callable[[UserRecord], Any]) -> Callable[[Membership], Any]:
        return lambda member: getter(self._user_or_blank(member.user_id))

    def _user_or_blank(self, user_id: str) -> UserRecord:
        user = self.users.find(user_id)
        return user if user is not None else UserRecord(_BLANK_USER, 0)

    def _check_slug(self, slug: str | None, org_id: str | None) -> str:
        if not slug or not _SLUG.match(slug):
            raise param_invalid("slug", "Slugs have lowercase letters, digits and dashes.")
        owner = self._slugs.get(slug)
        if owner is not None and owner != org_id:
            raise identifier_exists("slug")
        return slug

    def _free_slug(self, name: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "organization"
        slug = base
        while slug in self._slugs:
            slug = f"{base}-{random_token(6).lower()}"
        return slug


_BLANK_FIELDS = (
    "created_at",
    "updated_at",
    "first_name",
    "last_name",
    "username",
    "last_active_at",
    "last_sign_in_at",
    "primary_email_address_id",
    "primary_phone_number_id",
    "primary_web3_wallet_id",
)
_BLANK_USER: dict[str, Any] = {
    **dict.fromkeys(_BLANK_FIELDS),
    "email_addresses": [],
    "phone_numbers": [],
    "web3_wallets": [],
}


def _check_name(name: str | None) -> str:
    if not name or not name.strip():
        raise param_missing("name")
    if len(name) > MAX_NAME_LENGTH:
        raise param_invalid("name", f"name must be at most {MAX_NAME_LENGTH} characters.")
    return name


def already_a_member(who: str) -> APIError:
    return APIError(
        400,
        "already_a_member_in_organization",
        "already a member",
        f"{who} is already a member of the organization.",
    )


def _public_user_data(user_id: str, user: UserRecord | None) -> dict[str, Any]:
    if user is None:
        return {
            "user_id": user_id,
            "first_name": None,
            "last_name": None,
            "profile_image_url": None,
            "image_url": "",
            "has_image": False,
            "identifier": None,
        }
    data = user.data
    return {
        "user_id": user_id,
        "first_name": data["first_name"],
        "last_name": data["last_name"],
        "profile_image_url": data["profile_image_url"],
        "image_url": data["image_url"],
        "has_image": data["has_image"],
        "identifier": identifier_of(data),
        "username": data["username"],
        "banned": data["banned"],
        "deprovisioned": data["deprovisioned"],
    }


def identifier_of(data: dict[str, Any]) -> str | None:
    """A user's main identifier: primary email, else primary phone, else username."""
    for field, attr, primary in (
        ("email_addresses", "email_address", "primary_email_address_id"),
        ("phone_numbers", "phone_number", "primary_phone_number_id"),
    ):
        for item in data[field]:
            if item["id"] == data[primary]:
                return str(item[attr])
    username = data.get("username")
    return None if username is None else str(username)
