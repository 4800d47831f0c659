"""Organizations, memberships and roles in files with Clerk's field names (NDJSON, JSON or CSV).

The generic source's organizations and memberships, and those of any source that has no export of
its own for them: the files name things as Clerk's Backend API does.

- An organization: ``id`` (its id in the source, required: what its memberships name it by),
  ``name``, ``slug``, ``created_by`` (the source id of a user of the input),
  ``max_allowed_memberships``, ``created_at``, ``public_metadata``, ``private_metadata``
  (objects, or JSON text in CSV), ``domains`` (names, ``|``-joined in CSV, or objects with
  ``name``, ``enrollment_mode`` and ``verified``), and any other ``CreateOrganization`` field
  (``role_set_key``).
- A membership: ``organization_id`` and ``user_id`` (the source ids of an organization and a user
  of the input), ``role`` (``org:admin``, ``org:member``...), ``public_metadata``,
  ``private_metadata``.
- A role (``read_roles``): ``key``, ``name``, ``description``, ``permissions`` (keys such as
  ``org:invoices:read``, ``|``-joined in CSV, or objects with ``key``, ``name``,
  ``description``).

A field the record's kind does not have makes the record invalid (the mapping says which), as in
the generic users files: nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from clerk_async._identifiers import PERMISSION_KEY, ROLE_KEY
from clerk_async.migrate.readers._common import PathLike, Skip, no_id, records
from clerk_async.migrate.readers._files import RawItem, iter_items
from clerk_async.migrate.readers._values import (
    boolean,
    json_object,
    split_list,
    text,
    timestamp,
)
from clerk_async.migrate.records import (
    Domain,
    MembershipDraft,
    OrganizationDraft,
    PermissionDefinition,
    RoleDefinition,
    SkippedRecord,
    SourceFileError,
    SourceName,
    SourceRecord,
    membership_key,
)

__all__ = [
    "MAX_ROLES",
    "add_role",
    "read_memberships",
    "read_organizations",
    "read_roles",
    "role_problem",
]

#: Role definitions one input may hold (Clerk allows 10 custom roles per instance by default).
MAX_ROLES = 1000
_ORGANIZATION_FIELDS = frozenset(
    {"id", "name", "slug", "created_by", "max_allowed_memberships", "created_at",
     "public_metadata", "private_metadata", "domains"}
)  # fmt: skip
_MEMBERSHIP_FIELDS = frozenset(
    {"organization_id", "user_id", "role", "public_metadata", "private_metadata"}
)


def read_organizations(
    paths: Iterable[PathLike], source: SourceName
) -> Iterator[SourceRecord | SkippedRecord]:
    return records(source, paths, _organization, None, kind="organization")


def read_memberships(
    paths: Iterable[PathLike], source: SourceName
) -> Iterator[SourceRecord | SkippedRecord]:
    return records(source, paths, _membership, None, kind="membership")


def _extra(fields: dict[str, Any], known: frozenset[str]) -> dict[str, Any]:
    return {
        key: value
        for key, value in fields.items()
        if key not in known and value is not None and value != ""
    }


def _organization(fields: dict[str, Any]) -> tuple[str, OrganizationDraft] | Skip:
    source_id = text(fields.get("id"))
    if source_id is None:
        return no_id("id")
    return source_id, OrganizationDraft(
        name=text(fields.get("name")),
        slug=text(fields.get("slug")),
        created_by=text(fields.get("created_by")),
        max_allowed_memberships=_blank_is_none(fields.get("max_allowed_memberships")),
        created_at=timestamp(fields.get("created_at")),
        public_metadata=json_object(fields.get("public_metadata")),
        private_metadata=json_object(fields.get("private_metadata")),
        domains=_domains(fields.get("domains")),
        extra=_extra(fields, _ORGANIZATION_FIELDS),
    )


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


def _domains(value: object) -> tuple[Domain, ...]:
    items = value if isinstance(value, list) else split_list(json_object(value))
    found = []
    for item in items:
        if isinstance(item, dict):
            name = text(item.get("name"))
            if name is None:
                raise ValueError("a domain without a name")
            verified = item.get("verified")
            found.append(
                Domain(
                    name=name,
                    enrollment_mode=text(item.get("enrollment_mode")),
                    verified=None if verified is None else boolean(verified),
                )
            )
        elif (name := text(item)) is not None:
            found.append(Domain(name=name))
    return tuple(found)


def _membership(fields: dict[str, Any]) -> tuple[str, MembershipDraft] | Skip:
    organization = text(fields.get("organization_id"))
    user = text(fields.get("user_id"))
    if organization is None:
        return no_id("organization_id")
    if user is None:
        return no_id("user_id")
    return membership_key(organization, user), MembershipDraft(
        user=user,
        organization=organization,
        role=text(fields.get("role")),
        public_metadata=json_object(fields.get("public_metadata")),
        private_metadata=json_object(fields.get("private_metadata")),
        extra=_extra(fields, _MEMBERSHIP_FIELDS),
    )


def read_roles(paths: Iterable[PathLike]) -> list[RoleDefinition]:
    """Every role of ``paths``; a role file is small, so it is read whole, and a record that is
    not a role stops the run before anything is sent (a role is instance-wide)."""
    roles: dict[str, RoleDefinition] = {}
    for path in paths:
        for item in iter_items(path):
            if not isinstance(item, RawItem):
                raise SourceFileError(f"{item.file}:{item.line or item.index}: {item.reason}")
            add_role(roles, item)
    return list(roles.values())


def add_role(roles: dict[str, RoleDefinition], item: RawItem) -> None:
    """Add the role ``item`` defines in Clerk's names to ``roles`` (by key), or stop with what
    Clerk would refuse in it."""
    role = _role(item)
    problem = role_problem(role)
    if problem is not None:
        raise SourceFileError(f"{_where(item)}: {problem}")
    if role.key in roles and roles[role.key] != role:
        raise SourceFileError(f"{_where(item)}: the role {role.key} is defined twice")
    roles[role.key] = role
    if len(roles) > MAX_ROLES:
        raise SourceFileError(f"{item.file}: more than {MAX_ROLES} roles")


def role_problem(role: RoleDefinition) -> str | None:
    """What Clerk would refuse in a role definition, or None."""
    if not ROLE_KEY.match(role.key):
        return (
            f"{role.key!r} is not a Clerk role key ('org:' then lowercase letters, digits and '_')"
        )
    for permission in role.permissions:
        if not PERMISSION_KEY.match(permission.key):
            return (
                f"{permission.key!r} (a permission of {role.key}) is not a Clerk permission key "
                "('org:<feature>:<action>', lowercase letters, digits and '_')"
            )
    return None


def _where(item: RawItem) -> str:
    return f"{item.file}:{item.line}" if item.line else f"{item.file} record {item.index}"


def _role(item: RawItem) -> RoleDefinition:
    fields = item.fields
    key = text(fields.get("key"))
    if key is None:
        raise SourceFileError(f"{_where(item)}: a role without a key")
    unknown = sorted(_extra(fields, frozenset({"key", "name", "description", "permissions"})))
    if unknown:
        raise SourceFileError(f"{_where(item)}: a role has no field {unknown[0]!r}")
    permissions = fields.get("permissions")
    items = permissions if isinstance(permissions, list) else split_list(permissions)
    found: list[PermissionDefinition] = []
    for permission in items:
        if isinstance(permission, dict) and text(permission.get("key")) is not None:
            found.append(
                PermissionDefinition(
                    key=str(text(permission.get("key"))),
                    name=text(permission.get("name")),
                    description=text(permission.get("description")),
                )
            )
        elif isinstance(permission, str) and text(permission) is not None:
            found.append(PermissionDefinition(key=str(text(permission))))
        else:
            raise SourceFileError(f"{_where(item)}: the role {key} has a permission without a key")
    return RoleDefinition(
        key=key,
        name=text(fields.get("name")),
        description=text(fields.get("description")),
        permissions=tuple(found),
    )
