"""What the migration's front end hands to its engine: records, their outcomes, and the errors.

The interface, in the order a record travels (everything here is pure: no network, no client)::

    from clerk_async.migrate.readers import read_source
    from clerk_async.migrate.mapping import map_record

    for item in read_source("auth0", ["users.json.gz"], password_hashes="hashes.json"):
        if isinstance(item, SkippedRecord):      # unreadable, no id, soft-deleted, anonymous...
            report(item)
            continue
        outcome = map_record(item)               # MappedUser | InvalidRecord, never raises
        ...

``read_source(source, paths, *, password_hashes=None, hash_config=None,
cognito_user_pool_id=None, cognito_client_id=None, columns=None)`` streams every file in order
and yields a :class:`SourceRecord` or a :class:`SkippedRecord` per record; a problem with a whole
file (it cannot be opened or decoded, its format is not one the source writes, a Firebase export
holds password hashes but no hash config was given) raises a :class:`SourceError` subclass before
or while reading it. ``map_record(record)`` turns one record into a :class:`MappedUser` (a validated
``CreateUserRequest``) or an :class:`InvalidRecord` naming the field and the reason.

Organizations and memberships are more kinds of records through the same pipe: a reader yields a
:class:`SourceRecord` whose ``draft`` is an :class:`OrganizationDraft` or a
:class:`MembershipDraft` (its ``kind`` says which), and ``map_record`` turns it into a
:class:`MappedOrganization` or a :class:`MappedMembership`. A membership names its user and its
organization by their ids in the source, as the user's and the organization's records give them.
``read_source`` yields every user first, then every organization, then every membership: the order
the engine imports them in. The custom roles memberships use are described, where the source has
them, by :class:`RoleDefinition` values (``read_roles``), not by records.

The types are frozen msgspec Structs (cheap to build a million of; copy one with
``msgspec.structs.replace``), left out of the cyclic garbage collector: they hold values, never
themselves, and a run keeps thousands alive between reading and sending, which the collector
would otherwise walk again and again. Nothing here shows a password digest, TOTP secret, backup
code or the raw record in its ``repr`` (nor in rich's pretty printing).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, Literal, TypeAlias

import msgspec

from clerk_async.errors import ClerkError
from clerk_async.models import CreateOrganizationRequest, CreateUserRequest

__all__ = [
    "KINDS",
    "SOURCES",
    "Contact",
    "Domain",
    "Draft",
    "HashConfigError",
    "InvalidRecord",
    "Mapped",
    "MappedMembership",
    "MappedOrganization",
    "MappedUser",
    "MembershipDraft",
    "ORGANIZATION_MARKER",
    "OrganizationDraft",
    "PermissionDefinition",
    "RecordKind",
    "RoleDefinition",
    "SkippedRecord",
    "SourceError",
    "SourceFileError",
    "SourceName",
    "SourceRecord",
    "UnknownSourceError",
    "UserDraft",
    "kind_of",
    "membership_key",
    "split_membership_key",
]

SourceName: TypeAlias = Literal[
    "clerk",
    "auth0",
    "firebase",
    "supabase",
    "authjs",
    "cognito",
    "django",
    "werkzeug",
    "betterauth",
    "jsonl",
    "csv",
]
#: Every value ``read_source`` accepts as its ``source``, the CLI's ``--from``.
SOURCES: tuple[SourceName, ...] = (
    "clerk",
    "auth0",
    "firebase",
    "supabase",
    "authjs",
    "cognito",
    "django",
    "werkzeug",
    "betterauth",
    "jsonl",
    "csv",
)


class SourceError(ClerkError, ValueError):
    """A whole input cannot be read as the source says; the message names the file and why."""


class UnknownSourceError(SourceError):
    """``source`` is not one of :data:`SOURCES`."""


class SourceFileError(SourceError):
    """A file cannot be opened or decoded, or is not in a format this source writes."""


class HashConfigError(SourceError):
    """The Firebase hash config is missing (and the export holds password hashes) or malformed."""


class _Redacted(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A Struct whose ``repr`` leaves out the fields named in ``_hidden``."""

    _hidden: ClassVar[frozenset[str]] = frozenset()

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        names = (name for name in self.__struct_fields__ if name not in self._hidden)
        return [(name, getattr(self, name)) for name in names]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.__rich_repr__())
        return f"{type(self).__name__}({shown})"


class Contact(msgspec.Struct, frozen=True, gc=False):
    """An email address or phone number as the source gave it, and whether it was verified."""

    value: str
    verified: bool


class UserDraft(_Redacted, frozen=True, kw_only=True):
    """A source's user in Clerk's terms, as its reader understood it; not validated yet.

    Readers fill what their source has; :func:`~clerk_async.migrate.mapping.map_record` checks
    every value and builds the request. A value the reader could not interpret is passed on as
    found (a ``str`` ``created_at``, metadata that is not an object) so that the mapping reports
    it against its field instead of the record being dropped.
    """

    emails: tuple[Contact, ...] = ()  # the first is the primary one
    phones: tuple[Contact, ...] = ()
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    #: A full name, split by the mapping when first and last names are missing.
    display_name: str | None = None
    created_at: datetime | str | None = None
    banned: bool | None = None
    password_digest: str | None = None
    password_hasher: str | None = None
    #: A plaintext password (only the generic ``jsonl``/``csv`` sources may carry one).
    password: str | None = None
    totp_secret: str | None = None
    backup_codes: tuple[str, ...] | None = None
    public_metadata: object = None
    private_metadata: object = None
    unsafe_metadata: object = None
    #: Other ``CreateUserRequest`` fields by their Clerk names (``locale``, ``skip_legal_checks``).
    extra: Mapping[str, Any] = msgspec.field(default_factory=dict)
    #: What the reader noticed without refusing the record; carried to ``MappedUser.notes``.
    notes: tuple[str, ...] = ()
    #: The record's fields, holding a value, that the import leaves out (the report names them).
    dropped: tuple[str, ...] = ()

    _hidden: ClassVar[frozenset[str]] = frozenset(
        {"password_digest", "password", "totp_secret", "backup_codes"}
    )


class Domain(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """An organization's domain as the source gave it (Clerk's ``CreateOrganizationDomain``)."""

    name: str
    #: ``manual_invitation`` (Clerk's default), ``automatic_invitation``...
    enrollment_mode: str | None = None
    #: None: Clerk's default (a domain the Backend API adds is verified).
    verified: bool | None = None


class OrganizationDraft(_Redacted, frozen=True, kw_only=True):
    """A source's organization in Clerk's terms, not validated yet (see :class:`UserDraft`)."""

    name: str | None = None
    #: None: made from the name, as Clerk would.
    slug: str | None = None
    #: The source id of the user who created it: Clerk's ``created_by``, its first admin.
    created_by: str | None = None
    #: The organization's own member limit (``0``: none); None: the instance's default.
    max_allowed_memberships: object = None
    created_at: datetime | str | None = None
    public_metadata: object = None
    private_metadata: object = None
    domains: tuple[Domain, ...] = ()
    #: Other ``CreateOrganizationRequest`` fields by their Clerk names (``role_set_key``).
    extra: Mapping[str, Any] = msgspec.field(default_factory=dict)
    notes: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()


class MembershipDraft(_Redacted, frozen=True, kw_only=True):
    """A user's membership of an organization, both named by their ids in the source."""

    user: str
    organization: str
    #: A Clerk role key (``org:admin``, ``org:member``, ``org:billing``...).
    role: str | None = None
    public_metadata: object = None
    private_metadata: object = None
    #: Other fields of the record: ``CreateOrganizationMembership`` has none, so each one makes
    #: the record invalid (a source that leaves fields out names them in ``dropped`` instead).
    extra: Mapping[str, Any] = msgspec.field(default_factory=dict)
    notes: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()


RecordKind: TypeAlias = Literal["user", "organization", "membership"]
#: The kinds of records, in the order a migration imports them.
KINDS: tuple[RecordKind, ...] = ("user", "organization", "membership")
#: What a reader makes of one record, by kind.
Draft: TypeAlias = UserDraft | OrganizationDraft | MembershipDraft


class SourceRecord(_Redacted, frozen=True, kw_only=True):
    """One user, organization or membership read from a source file."""

    source: SourceName
    #: The record's id in the source system: a user's becomes its Clerk ``external_id``, an
    #: organization's is kept in its private metadata; a membership's is ``<organization>/<user>``.
    source_id: str
    file: str
    #: 1-based line where the record starts (NDJSON, CSV); 0 inside a JSON document.
    line: int
    #: 1-based position of the record in its file (always known).
    index: int
    draft: Draft
    #: The record as read (a decoded JSON object, or a CSV row by column name).
    fields: Mapping[str, Any]

    _hidden: ClassVar[frozenset[str]] = frozenset({"fields"})

    @property
    def location(self) -> str:
        return _location(self.file, self.line, self.index)

    @property
    def kind(self) -> RecordKind:
        return kind_of(self.draft)


def kind_of(draft: Draft) -> RecordKind:
    if isinstance(draft, OrganizationDraft):
        return "organization"
    if isinstance(draft, MembershipDraft):
        return "membership"
    return "user"


class SkippedRecord(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A record a reader did not turn into a :class:`SourceRecord`, and why.

    ``code`` is one of ``unreadable`` (not valid JSON/CSV for this source), ``no_id`` (no source id
    to use as ``external_id``), ``soft_deleted``, ``anonymous`` (Supabase), ``not_a_user``.
    """

    source: SourceName
    file: str
    line: int
    index: int
    code: str
    reason: str
    source_id: str | None = None
    #: What the record would have been (the file it is in says).
    kind: RecordKind = "user"

    @property
    def location(self) -> str:
        return _location(self.file, self.line, self.index)


class MappedUser(_Redacted, frozen=True, kw_only=True):
    """A record ready to send: its validated request and the identifiers it claims."""

    record: SourceRecord
    external_id: str
    request: CreateUserRequest
    #: Normalised (lower-case emails and username, E.164 phones) for in-file duplicate detection.
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    username: str | None = None
    #: Things worth reporting that did not stop the import (a hash missing from the hash export).
    notes: tuple[str, ...] = ()

    _hidden: ClassVar[frozenset[str]] = frozenset({"request"})

    @property
    def identifiers(self) -> tuple[tuple[str, str], ...]:
        """``(kind, value)`` pairs: ``email_address``, ``phone_number``, ``username``."""
        return identifier_pairs(self.emails, self.phones, self.username)


def identifier_pairs(
    emails: tuple[str, ...], phones: tuple[str, ...], username: str | None
) -> tuple[tuple[str, str], ...]:
    """A user's identifiers as ``(kind, value)`` pairs (see :attr:`MappedUser.identifiers`)."""
    pairs = []  # loops, not comprehensions: each of those is one more call (once per record)
    for email in emails:
        pairs.append(("email_address", email))
    for phone in phones:
        pairs.append(("phone_number", phone))
    if username is not None:
        pairs.append(("username", username))
    return tuple(pairs)


class MappedOrganization(_Redacted, frozen=True, kw_only=True):
    """An organization ready to send.

    ``request`` has no ``created_by`` (the creator's Clerk id is known once the creator is
    imported) and carries :data:`ORGANIZATION_MARKER` in its private metadata: the organization's
    source id, by which a later run tells this import's organization from another one with the
    same slug.
    """

    record: SourceRecord
    source_id: str
    request: CreateOrganizationRequest
    slug: str
    #: The source id of the creator (a user record of the input), if any.
    creator: str | None = None
    domains: tuple[Domain, ...] = ()
    #: ``max_allowed_memberships`` as given (None: the instance's default applies).
    member_limit: int | None = None
    notes: tuple[str, ...] = ()

    _hidden: ClassVar[frozenset[str]] = frozenset({"request"})


class MappedMembership(_Redacted, frozen=True, kw_only=True):
    """A membership ready to send once its user and its organization are in Clerk."""

    record: SourceRecord
    #: The user's and the organization's source ids.
    user: str
    organization: str
    role: str
    public_metadata: dict[str, Any] | None = None
    private_metadata: dict[str, Any] | None = None
    notes: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """What identifies the membership: one per user and organization."""
        return membership_key(self.organization, self.user)


#: Where an imported organization's source id is kept, in its private metadata.
ORGANIZATION_MARKER = "clerk_migrate"
#: A mapped record of any kind.
Mapped: TypeAlias = MappedUser | MappedOrganization | MappedMembership


def membership_key(organization: str, user: str) -> str:
    """The journal's key of a membership: the organization's and the user's source ids."""
    return f"{organization}\x1f{user}"


def split_membership_key(key: str) -> tuple[str, str]:
    """``(organization, user)`` of a :func:`membership_key`."""
    organization, _, user = key.partition("\x1f")
    return organization, user


class PermissionDefinition(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A custom organization permission: ``org:<feature>:<action>``."""

    key: str
    name: str | None = None
    description: str | None = None


class RoleDefinition(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A custom organization role as the source describes it: created when Clerk lacks it."""

    key: str
    name: str | None = None
    description: str | None = None
    permissions: tuple[PermissionDefinition, ...] = ()


class InvalidRecord(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A record Clerk would refuse; the run goes on without it.

    ``code`` is one of ``invalid_email_address``, ``invalid_phone_number``, ``invalid_username``,
    ``no_identifier``, ``invalid_password_digest``, ``unknown_password_hasher``,
    ``metadata_too_large``, ``invalid_metadata``, ``invalid_timestamp``, ``invalid_field``;
    for organizations also ``invalid_name``, ``invalid_slug``, ``invalid_domain``; for memberships
    ``invalid_role``. ``field`` is the field at fault; ``reason`` never holds a secret. A
    membership's ``external_id`` is its :func:`membership_key`.
    """

    record: SourceRecord
    external_id: str
    code: str
    field: str
    reason: str

    @property
    def location(self) -> str:
        return self.record.location


def _location(file: str, line: int, index: int) -> str:
    return f"{file}:{line}" if line else f"{file} record {index}"
