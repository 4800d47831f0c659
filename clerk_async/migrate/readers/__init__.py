"""Readers: one module per source, each streaming its export files into records.

``read_source`` is the entry point; see :mod:`clerk_async.migrate.records` for what it yields.
Every reader streams (memory stays flat whatever the file size), reads ``.gz`` files
transparently and tells NDJSON, JSON documents and CSV apart by their content.

A source's organizations and memberships come from their own files (``organizations=``,
``memberships=``), read by the source's own readers of them where :data:`ORGANIZATION_READERS`
has some, and otherwise as files with Clerk's field names
(:mod:`clerk_async.migrate.readers.organizations`). A reader of organizations is any function
``(paths, options, source) -> Iterator[SourceRecord | SkippedRecord]`` yielding records whose draft
is an ``OrganizationDraft`` (a ``MembershipDraft`` for memberships); ``read_roles`` reads role
definitions the same way. Django's groups are read from the users' own records instead
(``groups_as``, :mod:`clerk_async.migrate.readers.django_groups`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from typing import Literal, NamedTuple

from clerk_async._identifiers import ROLE_KEY
from clerk_async.migrate.readers import (
    auth0,
    auth0_organizations,
    authjs,
    betterauth,
    clerk,
    cognito,
    django,
    django_groups,
    firebase,
    generic,
    organizations,
    supabase,
    werkzeug,
)
from clerk_async.migrate.readers._common import PathLike, ReaderOptions
from clerk_async.migrate.readers.firebase_config import (
    FirebaseHashConfig,
    load_hash_config,
    parse_hash_config,
)
from clerk_async.migrate.records import (
    SOURCES,
    RoleDefinition,
    SkippedRecord,
    SourceError,
    SourceName,
    SourceRecord,
    UnknownSourceError,
)

__all__ = [
    "ORGANIZATION_READERS",
    "FirebaseHashConfig",
    "OrganizationReaders",
    "PathLike",
    "ReaderOptions",
    "load_hash_config",
    "parse_hash_config",
    "read_roles",
    "read_source",
]

Reader = Callable[[Iterable[PathLike], ReaderOptions], Iterator[SourceRecord | SkippedRecord]]
KindReader = Callable[
    [Iterable[PathLike], ReaderOptions, SourceName], Iterator[SourceRecord | SkippedRecord]
]


class OrganizationReaders(NamedTuple):
    """A source's own readers of its organizations, memberships and roles exports."""

    organizations: KindReader
    memberships: KindReader
    roles: Callable[[Iterable[PathLike], ReaderOptions], list[RoleDefinition]]


def _clerk_named(reader: Callable[..., Iterator[SourceRecord | SkippedRecord]]) -> KindReader:
    return lambda paths, options, source: reader(paths, source)


#: Readers with Clerk's field names: every source's, until it has its own.
CLERK_NAMED = OrganizationReaders(
    _clerk_named(organizations.read_organizations),
    _clerk_named(organizations.read_memberships),
    lambda paths, options: organizations.read_roles(paths),
)
#: Sources whose organizations, memberships and roles exports have a format of their own.
ORGANIZATION_READERS: dict[str, OrganizationReaders] = {
    "auth0": OrganizationReaders(
        auth0_organizations.read_organizations,
        auth0_organizations.read_memberships,
        auth0_organizations.read_roles,
    ),
    "betterauth": OrganizationReaders(
        betterauth.read_organizations, betterauth.read_memberships, CLERK_NAMED.roles
    ),
}

_READERS: dict[str, Reader] = {
    "clerk": clerk.read,
    "auth0": auth0.read,
    "firebase": firebase.read,
    "supabase": supabase.read,
    "authjs": authjs.read,
    "cognito": cognito.read,
    "django": django.read,
    "werkzeug": werkzeug.read,
    "betterauth": betterauth.read,
    "jsonl": partial(generic.read, source="jsonl"),
    "csv": partial(generic.read, source="csv"),
}
assert tuple(_READERS) == SOURCES


def read_source(
    source: str,
    paths: Iterable[PathLike],
    *,
    password_hashes: PathLike | None = None,
    hash_config: PathLike | None = None,
    cognito_user_pool_id: str | None = None,
    cognito_client_id: str | None = None,
    cognito_identifier: Literal["username", "email", "sub"] = "username",
    columns: Mapping[str, str] | None = None,
    organizations: Iterable[PathLike] = (),
    memberships: Iterable[PathLike] = (),
    role_map: Mapping[str, str] | None = None,
    groups_as: Literal["organizations", "roles"] | None = None,
    groups: PathLike | None = None,
    groups_organization: str | None = None,
    group_role: str | None = None,
) -> Iterator[SourceRecord | SkippedRecord]:
    """Stream every record of ``paths`` (read in order) as ``source`` exports them, then every
    organization of ``organizations``, then every membership of ``memberships``.

    ``password_hashes`` is Auth0's password-hash export (Better Auth's ``account`` table);
    ``hash_config`` Firebase's hash parameters; the ``cognito_*`` options make Clerk's lazy
    ``awscognito`` passwords; ``columns`` names a werkzeug users table's columns by role
    (``{"id": "user_id"}``); ``role_map`` gives Auth0's or Better Auth's roles their Clerk keys
    (``{"Billing Manager": "org:billing"}``); ``groups_as`` makes Django's groups (named by the
    ``auth.group`` dump ``groups``) organizations, each member with ``group_role``, or roles in
    the one organization ``groups_organization``. An option the source does not use is
    refused, so that a mistyped ``--from`` cannot drop passwords.
    """
    reader = _READERS.get(source)
    if reader is None:
        raise UnknownSourceError(f"unknown source {source!r}; use one of {', '.join(SOURCES)}.")
    given: dict[str, tuple[object, tuple[str, ...]]] = {
        "password_hashes": (password_hashes, ("auth0", "betterauth")),
        "hash_config": (hash_config, ("firebase",)),
        "cognito_user_pool_id": (cognito_user_pool_id, ("cognito",)),
        "cognito_client_id": (cognito_client_id, ("cognito",)),
        "columns": (columns, ("werkzeug",)),
        "role_map": (role_map, ("auth0", "betterauth")),
        "groups_as": (groups_as, ("django",)),
        "groups": (groups, ("django",)),
        "groups_organization": (groups_organization, ("django",)),
        "group_role": (group_role, ("django",)),
    }
    for name, (value, owners) in given.items():
        if value is not None and value != {} and source not in owners:
            raise SourceError(f"{name} is for the {' or '.join(owners)} source, not {source}.")
    for role, key in (role_map or {}).items():
        if not ROLE_KEY.match(key):
            raise SourceError(f"role_map: {role} -> {key!r} is not a Clerk role key (org:...).")
    if cognito_identifier not in ("username", "email", "sub"):
        raise SourceError("cognito_identifier is one of username, email, sub.")
    options = ReaderOptions(
        password_hashes=password_hashes,
        hash_config=hash_config,
        cognito_user_pool_id=cognito_user_pool_id,
        cognito_client_id=cognito_client_id,
        cognito_identifier=cognito_identifier,
        columns=dict(columns or {}),
        role_map=dict(role_map or {}),
        groups_as=groups_as,
        groups=groups,
        groups_organization=groups_organization,
        group_role=group_role,
    )
    organization_files, membership_files = list(organizations), list(memberships)
    user_files = list(paths)
    if source == "django" and (groups_as is not None or groups is not None):
        django_groups.check_options(options, bool(organization_files or membership_files))
        kinds = django_groups.read(user_files, options)
        return itertools.chain(reader(user_files, options), kinds)
    users = reader(user_files, options)
    if not organization_files and not membership_files:
        return users
    own = ORGANIZATION_READERS.get(source, CLERK_NAMED)
    known = next(name for name in SOURCES if name == source)
    return itertools.chain(
        users,
        own.organizations(organization_files, options, known),
        own.memberships(membership_files, options, known),
    )


def read_roles(
    source: str, paths: Iterable[PathLike], *, role_map: Mapping[str, str] | None = None
) -> list[RoleDefinition]:
    """The custom organization roles (and their permissions) described by ``paths``; with
    ``role_map``, keyed as the memberships' roles are."""
    if source not in _READERS:
        raise UnknownSourceError(f"unknown source {source!r}; use one of {', '.join(SOURCES)}.")
    options = ReaderOptions(role_map=dict(role_map or {}))
    return ORGANIZATION_READERS.get(source, CLERK_NAMED).roles(list(paths), options)
