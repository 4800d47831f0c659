"""Clerk: the Dashboard's "Export all users" CSV (or JSON records with the same keys).

Multi-valued cells are ``|``- or ``,``-joined. The primary address comes first and keeps its
status (verified unless it is listed as unverified); verified addresses follow, then unverified
ones, which are imported as ``reserved`` rather than promoted to verified. JSON records may also
use ``email_addresses``/``phone_numbers``. The old Clerk user id becomes the ``external_id``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from clerk_async.migrate.readers._common import (
    Fields,
    PathLike,
    ReaderOptions,
    Skip,
    no_id,
    records,
)
from clerk_async.migrate.readers._values import (
    boolean,
    contacts,
    json_object,
    split_list,
    text,
    timestamp,
)
from clerk_async.migrate.records import Contact, SkippedRecord, SourceRecord, UserDraft

__all__ = ["IMPORTED", "read"]

IMPORTED = Fields(
    frozenset(
        {
            "id",
            "first_name",
            "last_name",
            "username",
            "primary_email_address",
            "primary_phone_number",
            "verified_email_addresses",
            "unverified_email_addresses",
            "email_addresses",
            "verified_phone_numbers",
            "unverified_phone_numbers",
            "phone_numbers",
            "totp_secret",
            "password_digest",
            "password_hasher",
            "created_at",
            "banned",
            "backup_codes",
            "public_metadata",
            "private_metadata",
            "unsafe_metadata",
        }
    )
)


def read(
    paths: Iterable[PathLike], options: ReaderOptions
) -> Iterator[SourceRecord | SkippedRecord]:
    del options
    return records("clerk", paths, _convert, IMPORTED)


def _identifiers(fields: dict[str, Any], primary: str, plural: str) -> tuple[Contact, ...]:
    verified = split_list(fields.get(f"verified_{plural}")) + split_list(fields.get(plural))
    unverified = split_list(fields.get(f"unverified_{plural}"))
    first = text(fields.get(primary))
    unverified_keys = {value.lower() for value in unverified}
    head = [] if first is None else [first]
    primary_verified = first is not None and first.lower() not in unverified_keys
    return contacts((head, primary_verified), (verified, True), (unverified, False))


def _convert(fields: dict[str, Any]) -> tuple[str, UserDraft] | Skip:
    user_id = text(fields.get("id"))
    if user_id is None:
        return no_id("id")
    codes = split_list(fields.get("backup_codes"))
    digest = text(fields.get("password_digest"))
    return user_id, UserDraft(
        emails=_identifiers(fields, "primary_email_address", "email_addresses"),
        phones=_identifiers(fields, "primary_phone_number", "phone_numbers"),
        username=text(fields.get("username")),
        first_name=text(fields.get("first_name")),
        last_name=text(fields.get("last_name")),
        created_at=timestamp(fields.get("created_at")),
        banned=boolean(fields.get("banned")),
        password_digest=digest,
        password_hasher=(text(fields.get("password_hasher")) or "bcrypt") if digest else None,
        totp_secret=text(fields.get("totp_secret")),
        backup_codes=tuple(codes) if codes else None,
        public_metadata=json_object(fields.get("public_metadata")),
        private_metadata=json_object(fields.get("private_metadata")),
        unsafe_metadata=json_object(fields.get("unsafe_metadata")),
    )
