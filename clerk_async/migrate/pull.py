"""``clerk-migrate pull --from clerk``: a snapshot of another Clerk instance's organizations,
memberships and roles, in the files ``import --from clerk`` reads.

A migration never reads a live instance: the journal fingerprints its input, and a resumed run must
read the same records again. So the source instance (a development instance, typically) is read
once, here, into files with Clerk's field names (those of
:mod:`clerk_async.migrate.readers.organizations`):

- organizations: ``id`` (the source instance's ``org_...``), ``name``, ``slug``, ``created_by``
  (the source's ``user_...``), ``max_allowed_memberships``, ``created_at``, the metadata, and
  ``domains`` (name, enrollment mode, verified);
- memberships: ``organization_id`` and ``user_id`` (the source's ids), ``role``, the metadata;
- roles: every role, with its name, description and permissions.

Users come from the Dashboard's CSV export (it alone has password digests and TOTP secrets), whose
``id`` is the same ``user_...`` the memberships and creators name. What an organization has that
Clerk's create call does not take (its logo, ``admin_delete_enabled``, its role set) is counted
and said, not written. Every list is paged (500 a page) under the source key's rate limit; the
files appear under their names only once complete. The source's secret key is never printed.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from clerk_async import Clerk
from clerk_async._config import DEFAULT_SERVER_URL

from .export import PAGE_SIZE, ExportProgress, _export

__all__ = ["SOURCE_API_URL_ENV", "SOURCE_KEY_ENV", "PullResult", "pull_clerk"]

#: Where the source instance's secret key (and, for an emulator, its API URL) are read from.
SOURCE_KEY_ENV = "CLERK_SOURCE_SECRET_KEY"
SOURCE_API_URL_ENV = "CLERK_SOURCE_API_URL"


@dataclass
class PullResult:
    """How many records each file holds, and what the source has that is not carried."""

    counts: dict[str, int] = field(default_factory=dict)
    #: ``(what, how many organizations)``: logos, admin_delete_enabled, role sets.
    not_carried: list[tuple[str, int]] = field(default_factory=list)


async def pull_clerk(
    secret_key: str,
    *,
    server_url: str | None = None,
    organizations: str | os.PathLike[str],
    memberships: str | os.PathLike[str],
    roles: str | os.PathLike[str],
    rate_limit: str = "auto",
    on_progress: Callable[[str, ExportProgress], None] | None = None,
) -> PullResult:
    """Write the source instance's organizations, memberships and roles (see the module)."""
    result = PullResult()
    url = server_url or DEFAULT_SERVER_URL  # never CLERK_API_URL: that is the target's
    async with Clerk(bearer_auth=secret_key, server_url=url, rate_limit=rate_limit) as clerk:
        domains = await _domains(clerk)
        counted: dict[str, int] = {"logo": 0, "admin_delete_enabled": 0, "role_set_key": 0}

        async def organization_rows() -> AsyncIterator[dict[str, Any]]:
            async for organization in clerk.paginate(clerk.organizations.list, page_size=PAGE_SIZE):
                counted["logo"] += bool(organization.has_image)
                counted["admin_delete_enabled"] += organization.admin_delete_enabled is False
                counted["role_set_key"] += bool(organization.role_set_key)
                yield _organization(organization, domains.get(organization.id, []))

        async def organization_count() -> int:
            return (await clerk.organizations.list(limit=1)).total_count or 0

        listing = clerk.users.get_instance_organization_memberships

        async def membership_rows() -> AsyncIterator[dict[str, Any]]:
            async for membership in clerk.paginate(listing, page_size=PAGE_SIZE):
                yield _membership(membership)

        async def membership_count() -> int:
            return (await listing(limit=1)).total_count or 0

        async def role_rows() -> AsyncIterator[dict[str, Any]]:
            roles_list = clerk.organization_roles.list
            async for role in clerk.paginate(roles_list, page_size=PAGE_SIZE):
                yield _role(role)

        async def role_count() -> int:
            return (await clerk.organization_roles.list(limit=1)).total_count or 0

        kinds: list[tuple[str, Any, Callable[[], Awaitable[int]], str | os.PathLike[str]]] = [
            ("roles", role_rows, role_count, roles),
            ("organizations", organization_rows, organization_count, organizations),
            ("memberships", membership_rows, membership_count, memberships),
        ]
        for name, rows, count, path in kinds:
            shown = None if on_progress is None else _labelled(on_progress, name)
            result.counts[name] = await _export(rows(), path, count, shown)
    labels = {"logo": "a logo (upload it again)",
              "admin_delete_enabled": "admin_delete_enabled false (set it again)",
              "role_set_key": "a role set (give the target the same role sets)"}  # fmt: skip
    result.not_carried = [(labels[key], n) for key, n in counted.items() if n]
    return result


def _labelled(
    on_progress: Callable[[str, ExportProgress], None], name: str
) -> Callable[[ExportProgress], None]:
    return lambda progress: on_progress(name, progress)


async def _domains(clerk: Clerk) -> dict[str, list[dict[str, Any]]]:
    """Every organization's domains, by organization id (an instance has few)."""
    found: dict[str, list[dict[str, Any]]] = {}
    async for domain in clerk.paginate(clerk.organization_domains.list_all, page_size=PAGE_SIZE):
        status = domain.verification.status if domain.verification is not None else None
        row = {"name": domain.name, "enrollment_mode": domain.enrollment_mode,
               "verified": status == "verified"}  # fmt: skip
        found.setdefault(domain.organization_id, []).append(row)
    return found


def _organization(organization: Any, domains: list[dict[str, Any]]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": organization.id,
        "name": organization.name,
        "slug": organization.slug,
        "max_allowed_memberships": organization.max_allowed_memberships,
        "created_at": organization.created_at,
    }
    if organization.created_by:
        row["created_by"] = organization.created_by
    for name in ("public_metadata", "private_metadata"):
        value = getattr(organization, name)
        if value:
            row[name] = value
    if domains:
        row["domains"] = domains
    return row


def _membership(membership: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "organization_id": membership.organization.id,
        "user_id": user.user_id if (user := membership.public_user_data) is not None else None,
        "role": membership.role,
    }
    for name in ("public_metadata", "private_metadata"):
        value = getattr(membership, name)
        if value:
            row[name] = value
    return row


def _role(role: Any) -> dict[str, Any]:
    permissions = [
        {"key": permission.key, "name": permission.name, "description": permission.description}
        for permission in role.permissions or ()
    ]
    return {"key": role.key, "name": role.name, "description": role.description,
            "permissions": permissions}  # fmt: skip
