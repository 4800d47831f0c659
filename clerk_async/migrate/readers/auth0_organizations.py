"""Auth0's organizations, their members and the members' roles, as the Management API returns them.

Each file holds one kind of answer, saved as the API gives it: a JSON array, a page object
(``{"organizations": [...], "start": 0, ...}`` with ``include_totals``, ``{"members": [...],
"next": ...}`` with checkpoint paging), several pages one per line (NDJSON), or the records one
per line.

- Organizations (``GET /api/v2/organizations``): ``id`` is the source id, ``display_name`` (else
  ``name``) the Clerk name, ``name`` the slug (Auth0 allows ``_``, which Clerk slugs do not:
  each run of ``_`` and ``-`` becomes one ``-``, with a note), ``metadata`` the private metadata,
  ``branding`` (logo URL and colours) the public metadata's ``branding``.
- Members (``GET /api/v2/organizations/{id}/members?fields=user_id,roles``): the answer does not
  name its organization, so each saved page says which: ``{"organization_id": "org_...",
  "members": [...]}`` (or each member carries ``organization_id``). ``user_id`` names a user of
  the users export; ``roles`` (``[{"id", "name"}]``) are the member's roles. The answer of
  ``GET /api/v2/organizations/{id}/members/{user_id}/roles``, saved as ``{"organization_id",
  "user_id", "roles": [...]}``, is a member too (give one or the other for a member, not both).
- Roles (``GET /api/v2/roles``, optional): ``name`` and ``description`` of the roles Clerk lacks
  and the import creates. Auth0's roles carry no Clerk permissions; a record in Clerk's names
  (``key``, ``name``, ``description``, ``permissions``) in the same files defines a role with
  them, and wins over the Auth0 role of the same key.

A role becomes ``org:`` and its name in lowercase words joined by ``_`` (``Billing Manager`` ->
``org:billing_manager``; ``admin`` -> ``org:admin``), or the key ``role_map`` gives its name or
id. A member with no roles is ``org:member``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from clerk_async._identifiers import ORGANIZATION_SLUG, ROLE_KEY
from clerk_async.migrate.readers._common import (
    Fields,
    PathLike,
    ReaderOptions,
    Skip,
    no_id,
    records,
)
from clerk_async.migrate.readers._files import RawItem, iter_items
from clerk_async.migrate.readers._roles import choose_role, role_key
from clerk_async.migrate.readers._values import json_object, text
from clerk_async.migrate.readers.organizations import add_role
from clerk_async.migrate.records import (
    MembershipDraft,
    OrganizationDraft,
    RoleDefinition,
    SkippedRecord,
    SourceFileError,
    SourceName,
    SourceRecord,
    membership_key,
)

__all__ = ["read_memberships", "read_organizations", "read_roles"]

ORGANIZATION_FIELDS = Fields(frozenset({"id", "name", "display_name", "branding", "metadata"}))
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_NO_ROLES = (
    "the record has no roles (save the members call with fields=roles, or the member roles "
    "call): imported as org:member"
)


def read_organizations(
    paths: Iterable[PathLike], options: ReaderOptions, source: SourceName
) -> Iterator[SourceRecord | SkippedRecord]:
    return records(source, paths, _organization, ORGANIZATION_FIELDS,
                   wrappers=("organizations",), kind="organization")  # fmt: skip


def read_memberships(
    paths: Iterable[PathLike], options: ReaderOptions, source: SourceName
) -> Iterator[SourceRecord | SkippedRecord]:
    def convert(fields: dict[str, Any]) -> tuple[str, MembershipDraft] | Skip:
        return _member(fields, options)

    return records(source, paths, convert, None, kind="membership", expand=_members)


def _organization(fields: dict[str, Any]) -> tuple[str, OrganizationDraft] | Skip:
    source_id = text(fields.get("id"))
    if source_id is None:
        return no_id("id")
    name = text(fields.get("name"))
    slug, notes = name, tuple[str, ...]()
    if name is not None and not ORGANIZATION_SLUG.match(name):
        slug = _NOT_SLUG.sub("-", name.lower()).strip("-") or None
        notes = (f"slug {slug} made from the Auth0 name {name!r}",) if slug else ()
    branding = json_object(fields.get("branding"))
    return source_id, OrganizationDraft(
        name=text(fields.get("display_name")) or name,
        slug=slug,
        private_metadata=json_object(fields.get("metadata")) or None,
        public_metadata={"branding": branding} if branding else None,
        notes=notes,
    )


def _members(fields: dict[str, Any]) -> list[dict[str, Any]]:
    """The members of one saved answer: a page names its organization for all of them."""
    page = fields.get("members")
    if not isinstance(page, list):
        return [fields]
    organization = fields.get("organization_id")
    return [
        {"organization_id": organization, **member} if isinstance(member, dict) else member
        for member in page
    ]


def _member(fields: dict[str, Any], options: ReaderOptions) -> tuple[str, MembershipDraft] | Skip:
    organization = text(fields.get("organization_id"))
    user = text(fields.get("user_id"))
    if organization is None:
        return no_id("organization_id")
    if user is None:
        return no_id("user_id")
    roles = fields.get("roles")
    if isinstance(roles, dict):  # the member roles call's page
        roles = roles.get("roles")
    notes: list[str] = []
    if roles is None:
        notes.append(_NO_ROLES)
    keys = []
    for role in roles if isinstance(roles, list) else ():
        name = text(role.get("name")) if isinstance(role, dict) else text(role)
        role_id = text(role.get("id")) if isinstance(role, dict) else None
        if name is not None or role_id is not None:
            keys.append(role_key(name or str(role_id), options.role_map, role_id=role_id))
    choice = choose_role(keys)
    if choice.note:
        notes.append(choice.note)
    return membership_key(organization, user), MembershipDraft(
        user=user, organization=organization, role=choice.role, notes=tuple(notes)
    )


def read_roles(paths: Iterable[PathLike], options: ReaderOptions) -> list[RoleDefinition]:
    """The tenant's roles (``GET /api/v2/roles``) under the keys their memberships get; a role
    whose name makes no Clerk key (and that ``role_map`` does not name) is left out. A record
    with a ``key`` is a role in Clerk's names (:mod:`.organizations`), the one way to give a role
    Clerk permissions (Auth0's are an API's scopes): it wins over the Auth0 role of its key."""
    roles: dict[str, RoleDefinition] = {}
    clerk_named: dict[str, RoleDefinition] = {}
    for path in paths:
        for item in iter_items(path, wrappers=("roles",)):
            if not isinstance(item, RawItem):
                raise SourceFileError(f"{item.file}:{item.line or item.index}: {item.reason}")
            if "key" in item.fields:
                add_role(clerk_named, item)
                continue
            name = text(item.fields.get("name"))
            role_id = text(item.fields.get("id"))
            if name is None:
                raise SourceFileError(f"{item.file} record {item.index}: a role without a name")
            key = role_key(name, options.role_map, role_id=role_id)
            if ROLE_KEY.match(key):
                description = text(item.fields.get("description"))
                roles.setdefault(key, RoleDefinition(key=key, name=name, description=description))
    return list({**roles, **clerk_named}.values())
