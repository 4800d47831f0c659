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

The types are frozen msgspec Structs (cheap to build a million of; copy one with
``msgspec.structs.replace``). Nothing here shows a password digest, TOTP secret, backup code or
the raw record in its ``repr`` (nor in rich's pretty printing).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, Literal, TypeAlias

import msgspec

from clerk_async.errors import ClerkError
from clerk_async.models import CreateUserRequest

__all__ = [
    "SOURCES",
    "Contact",
    "HashConfigError",
    "InvalidRecord",
    "MappedUser",
    "SkippedRecord",
    "SourceError",
    "SourceFileError",
    "SourceName",
    "SourceRecord",
    "UnknownSourceError",
    "UserDraft",
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


class _Redacted(msgspec.Struct, frozen=True, kw_only=True):
    """A Struct whose ``repr`` leaves out the fields named in ``_hidden``."""

    _hidden: ClassVar[frozenset[str]] = frozenset()

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        names = (name for name in self.__struct_fields__ if name not in self._hidden)
        return [(name, getattr(self, name)) for name in names]

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.__rich_repr__())
        return f"{type(self).__name__}({shown})"


class Contact(msgspec.Struct, frozen=True):
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


class SourceRecord(_Redacted, frozen=True, kw_only=True):
    """One user read from a source file."""

    source: SourceName
    #: The user's id in the source system; becomes the Clerk user's ``external_id``.
    source_id: str
    file: str
    #: 1-based line where the record starts (NDJSON, CSV); 0 inside a JSON document.
    line: int
    #: 1-based position of the record in its file (always known).
    index: int
    draft: UserDraft
    #: The record as read (a decoded JSON object, or a CSV row by column name).
    fields: Mapping[str, Any]

    _hidden: ClassVar[frozenset[str]] = frozenset({"fields"})

    @property
    def location(self) -> str:
        return _location(self.file, self.line, self.index)


class SkippedRecord(msgspec.Struct, frozen=True, kw_only=True):
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
        pairs = [("email_address", email) for email in self.emails]
        pairs += [("phone_number", phone) for phone in self.phones]
        if self.username is not None:
            pairs.append(("username", self.username))
        return tuple(pairs)


class InvalidRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A record Clerk would refuse; the run goes on without it.

    ``code`` is one of ``invalid_email_address``, ``invalid_phone_number``, ``invalid_username``,
    ``no_identifier``, ``invalid_password_digest``, ``unknown_password_hasher``,
    ``metadata_too_large``, ``invalid_metadata``, ``invalid_timestamp``, ``invalid_field``.
    ``field`` is the CreateUser field at fault; ``reason`` never holds a secret.
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
