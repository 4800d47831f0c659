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
definitions the same way.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from typing import Literal, NamedTuple

from clerk_async.migrate.readers import (
    auth0,
    authjs,
    clerk,
    cognito,
    django,
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
ORGANIZATION_READERS: dict[str, OrganizationReaders] = {}

_READERS: dict[str, Reader] = {
    "clerk": clerk.read,
    "auth0": auth0.read,
    "firebase": firebase.read,
    "supabase": supabase.read,
    "authjs": authjs.read,
    "cognito": cognito.read,
    "django": django.read,
    "werkzeug": werkzeug.read,
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
) -> Iterator[SourceRecord | SkippedRecord]:
    """Stream every record of ``paths`` (read in order) as ``source`` exports them, then every
    organization of ``organizations``, then every membership of ``memberships``.

    ``password_hashes`` is Auth0's password-hash export, ``hash_config`` Firebase's hash
    parameters; the ``cognito_*`` options make Clerk's lazy ``awscognito`` passwords; ``columns``
    names a werkzeug users table's columns by role (``{"id": "user_id"}``). An option
    the source does not use is refused, so that a mistyped ``--from`` cannot drop passwords.
    """
    reader = _READERS.get(source)
    if reader is None:
        raise UnknownSourceError(f"unknown source {source!r}; use one of {', '.join(SOURCES)}.")
    given = {
        "password_hashes": (password_hashes, "auth0"),
        "hash_config": (hash_config, "firebase"),
        "cognito_user_pool_id": (cognito_user_pool_id, "cognito"),
        "cognito_client_id": (cognito_client_id, "cognito"),
        "columns": (columns, "werkzeug"),
    }
    for name, (value, owner) in given.items():
        if value is not None and source != owner:
            raise SourceError(f"{name} is for the {owner} source, not {source}.")
    if cognito_identifier not in ("username", "email", "sub"):
        raise SourceError("cognito_identifier is one of username, email, sub.")
    options = ReaderOptions(
        password_hashes=password_hashes,
        hash_config=hash_config,
        cognito_user_pool_id=cognito_user_pool_id,
        cognito_client_id=cognito_client_id,
        cognito_identifier=cognito_identifier,
        columns=dict(columns or {}),
    )
    users = reader(list(paths), options)
    organization_files, membership_files = list(organizations), list(memberships)
    if not organization_files and not membership_files:
        return users
    kinds = ORGANIZATION_READERS.get(source, CLERK_NAMED)
    known = next(name for name in SOURCES if name == source)
    return itertools.chain(
        users,
        kinds.organizations(organization_files, options, known),
        kinds.memberships(membership_files, options, known),
    )


def read_roles(source: str, paths: Iterable[PathLike]) -> list[RoleDefinition]:
    """The custom organization roles (and their permissions) described by ``paths``."""
    if source not in _READERS:
        raise UnknownSourceError(f"unknown source {source!r}; use one of {', '.join(SOURCES)}.")
    return ORGANIZATION_READERS.get(source, CLERK_NAMED).roles(list(paths), ReaderOptions())
