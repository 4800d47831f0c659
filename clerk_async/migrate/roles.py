"""The organization roles and permissions memberships use, in Clerk before the memberships.

The journal counts the roles its pending memberships give (the ``access`` table). Before the first
membership of a batch is sent, every role counted and not yet settled is looked for in Clerk
(``GET /organization_roles``): a role Clerk has is ``exists``; a missing one is created
(``created``) from the input's definition (its name, description and permissions) or, without
one, with a name made from its key and no permissions. Its permissions are created first where
Clerk lacks them. A new role joins the role set new organizations get (Clerk's
``include_in_initial_role_set``); a role that exists but is not in that set is added to it,
since a membership's role must be one of its organization's role set. Each creation is written
``in_flight`` before its POST, and a key Clerk says is taken is looked up: nothing is made twice.

``create=False`` makes nothing: a missing role is ``missing`` and :func:`check_roles` (read only,
what the preflight asks) lists it, so that a migration can stop before anything is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio

from clerk_async import Clerk
from clerk_async.errors import ClerkError, NotFoundError, SDKError, UnprocessableEntityError
from clerk_async.migrate.records import PermissionDefinition, RoleDefinition
from clerk_async.models import Permission, Role

from .journal import Journal
from .throttle import Throttle

__all__ = ["RoleKeeper", "RolesCheck", "check_roles"]

logger = logging.getLogger("clerk.migrate")

T = TypeVar("T")
#: Statuses of a role or permission that needs nothing more.
_SETTLED = frozenset({"exists", "created"})
PAGE = 100


@dataclass
class RolesCheck:
    """What the instance lacks for the memberships of a journal."""

    #: Roles memberships use that Clerk does not have (with how many memberships use each).
    missing: dict[str, int] = field(default_factory=dict)
    #: Permissions the input's definitions of the missing roles need that Clerk does not have.
    missing_permissions: list[str] = field(default_factory=list)
    #: Roles Clerk has that the role set of new organizations does not hold.
    outside_role_set: list[str] = field(default_factory=list)
    initial_role_set: str | None = None

    @property
    def complete(self) -> bool:
        return not self.missing and not self.outside_role_set

    def lines(self) -> list[str]:
        out = [f"role      {key} is not in Clerk ({used:,} memberships use it)"
               for key, used in self.missing.items()]  # fmt: skip
        out += [f"role      {key} is not in the role set new organizations get "
                f"({self.initial_role_set})" for key in self.outside_role_set]  # fmt: skip
        if self.missing_permissions:
            needed = ", ".join(self.missing_permissions)
            out.append(f"role      needs the permissions {needed}, which Clerk lacks")
        return out


class _Instance:
    """Clerk's roles, permissions and the initial role set, as read once."""

    def __init__(self, roles: list[Role], permissions: list[Permission],
                 role_set: str | None, in_set: set[str] | None) -> None:  # fmt: skip
        self.roles = {role.key: role for role in roles}
        self.permissions = {permission.key: permission.id for permission in permissions}
        self.role_set = role_set
        #: The keys of the initial role set's roles (None: the instance has no role sets).
        self.in_set = in_set


async def _read(clerk: Clerk, call: Callable[[Callable[[], Awaitable[Any]]], Awaitable[Any]]
                ) -> _Instance:  # fmt: skip
    async def every(list_page: Callable[..., Awaitable[Any]]) -> list[Any]:
        found: list[Any] = []
        while True:
            offset = len(found)
            page = await call(lambda: list_page(limit=PAGE, offset=offset))  # noqa: B023
            items = list(page)
            found += items
            if len(items) < PAGE:
                return found

    roles = await every(clerk.organization_roles.list)
    permissions = await every(clerk.organization_permissions.list)
    settings = await call(clerk.instance_settings.get_organization_settings)
    key = settings.initial_role_set_key
    in_set: set[str] | None = None
    if key:
        try:
            role_set = await call(lambda: clerk.role_sets.get(key))
            in_set = {item.key for item in role_set.roles}
        except NotFoundError:
            in_set = None
    return _Instance(roles, permissions, key, in_set)


async def check_roles(
    clerk: Clerk, journal: Journal, definitions: Iterable[RoleDefinition] = ()
) -> RolesCheck:
    """What the instance lacks for the journal's memberships (reads only)."""
    used = {row["key"]: int(row["used"]) for row in journal.access("role") if row["used"]}
    instance = await _read(clerk, lambda action: action())
    check = RolesCheck(initial_role_set=instance.role_set)
    defined = {role.key: role for role in definitions}
    for key, count in used.items():
        if key not in instance.roles:
            check.missing[key] = count
            for permission in defined.get(key, RoleDefinition(key=key)).permissions:
                if permission.key not in instance.permissions:
                    check.missing_permissions.append(permission.key)
        elif instance.in_set is not None and key not in instance.in_set:
            check.outside_role_set.append(key)
    check.missing_permissions = sorted(set(check.missing_permissions))
    return check


class RoleKeeper:
    """Makes the roles a run's memberships use exist before they are sent (see the module)."""

    def __init__(
        self,
        clerk: Clerk,
        journal: Journal,
        throttle: Throttle,
        definitions: Iterable[RoleDefinition] = (),
        *,
        create: bool = True,
    ) -> None:
        self.clerk = clerk
        self.journal = journal
        self.throttle = throttle
        self.definitions = {role.key: role for role in definitions}
        self.create = create
        self._lock = anyio.Lock()

    async def ensure(self) -> None:
        """Settle every role the journal's memberships use so far (one query when all are)."""
        async with self._lock:
            todo = [row for row in self.journal.access("role")
                    if row["used"] and row["status"] not in _SETTLED]  # fmt: skip
            if not todo:
                return
            try:
                instance = await _read(self.clerk, self.throttle.call)
            except ClerkError as error:  # the memberships go on; Clerk says if a role lacks
                logger.warning("could not read the instance's roles: %s", error)
                return
            for row in todo:
                key = str(row["key"])
                try:
                    await self._role(instance, key, row["status"] == "in_flight")
                except ClerkError as error:
                    logger.warning("role %s: %s", key, error)
                    self.journal.set_access("role", key, "failed", message=str(error))

    async def _role(self, instance: _Instance, key: str, was_in_flight: bool) -> None:
        journal = self.journal
        role = instance.roles.get(key)
        if role is not None:
            if instance.in_set is not None and key not in instance.in_set:
                if not self.create:
                    message = "not in the role set new organizations get"
                    journal.set_access("role", key, "missing", clerk_id=role.id, message=message)
                    return
                await self._join_role_set(instance, key)
            status = "created" if was_in_flight else "exists"
            journal.set_access("role", key, status, clerk_id=role.id)
            return
        if not self.create:
            journal.set_access("role", key, "missing", message="not in Clerk")
            return
        definition = self.definitions.get(key, RoleDefinition(key=key))
        permission_ids = [await self._permission(instance, permission)
                          for permission in definition.permissions]  # fmt: skip
        journal.set_access("role", key, "in_flight")
        try:
            created: Role = await self.throttle.call(
                lambda: self.clerk.organization_roles.create(
                    name=definition.name or _name_of(key),
                    key=key,
                    description=definition.description,
                    permissions=permission_ids,
                    include_in_initial_role_set=True,
                    retries=None,
                )
            )
        except UnprocessableEntityError:  # taken: an earlier attempt's, looked up
            fresh = await _read(self.clerk, self.throttle.call)
            role = fresh.roles.get(key)
            if role is None:
                raise
            journal.set_access("role", key, "created", clerk_id=role.id)
            return
        journal.set_access("role", key, "created", clerk_id=created.id)
        if instance.in_set is not None:
            instance.in_set.add(key)

    async def _permission(self, instance: _Instance, permission: PermissionDefinition) -> str:
        """The Clerk id of ``permission``, created if Clerk lacks it."""
        known = instance.permissions.get(permission.key)
        if known is not None:
            status = self._status("permission", permission.key)
            if status != "created":
                self.journal.set_access("permission", permission.key, "exists", clerk_id=known)
            return known
        self.journal.set_access("permission", permission.key, "in_flight")
        try:
            created: Permission = await self.throttle.call(
                lambda: self.clerk.organization_permissions.create(
                    name=permission.name or _name_of(permission.key),
                    key=permission.key,
                    description=permission.description or "",
                    retries=None,
                )
            )
            permission_id = created.id
        except UnprocessableEntityError:
            fresh = await _read(self.clerk, self.throttle.call)
            found = fresh.permissions.get(permission.key)
            if found is None:
                raise
            permission_id = found
        self.journal.set_access("permission", permission.key, "created", clerk_id=permission_id)
        instance.permissions[permission.key] = permission_id
        return permission_id

    async def _join_role_set(self, instance: _Instance, key: str) -> None:
        role_set = instance.role_set
        assert role_set is not None and instance.in_set is not None
        try:
            await self.throttle.call(
                lambda: self.clerk.role_sets.add_roles(role_set, role_keys=[key])
            )
        except SDKError as error:
            if not isinstance(error, UnprocessableEntityError):
                raise
        instance.in_set.add(key)

    def _status(self, kind: str, key: str) -> str | None:
        for row in self.journal.access(kind):
            if row["key"] == key:
                return str(row["status"])
        return None


def _name_of(key: str) -> str:
    """A name for a role or permission key: ``org:billing_manager`` -> ``Billing manager``."""
    words = " ".join(key.removeprefix("org:").replace(":", " ").replace("_", " ").split())
    return words[:1].upper() + words[1:] if words else key
