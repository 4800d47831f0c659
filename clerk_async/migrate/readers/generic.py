"""The ``jsonl`` and ``csv`` sources: records whose fields are Clerk's CreateUser names.

One reader serves both names, since the file's shape is told by its content: NDJSON, a JSON
array or CSV with a header row. ``external_id`` is required (it is what makes a run resumable).
``email_address``/``phone_number`` take a list, or in CSV one cell of ``|``- or ``,``-separated
values, with an optional parallel ``*_identification_status`` (``verified``; anything else is
imported as ``reserved``); metadata columns hold JSON text in CSV. Every other CreateUser field
is passed on by name and checked by the mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from clerk_async.migrate.readers._common import PathLike, ReaderOptions, Skip, no_id, records
from clerk_async.migrate.readers._values import (
    boolean,
    contacts,
    json_object,
    split_list,
    text,
    timestamp,
)
from clerk_async.migrate.records import (
    Contact,
    SkippedRecord,
    SourceName,
    SourceRecord,
    UserDraft,
)

__all__ = ["read"]

_DRAFTED = frozenset(
    {
        "external_id",
        "email_address",
        "email_address_identification_status",
        "phone_number",
        "phone_number_identification_status",
        "username",
        "first_name",
        "last_name",
        "created_at",
        "banned",
        "password",
        "password_digest",
        "password_hasher",
        "totp_secret",
        "backup_codes",
        "public_metadata",
        "private_metadata",
        "unsafe_metadata",
    }
)


def read(
    paths: Iterable[PathLike], options: ReaderOptions, source: SourceName = "jsonl"
) -> Iterator[SourceRecord | SkippedRecord]:
    del options
    return records(source, paths, _convert, None)  # every field: passed on by name


def _identifiers(values: object, statuses: object) -> tuple[Contact, ...]:
    found = split_list(values)
    if not found:
        return ()
    given = split_list(statuses)
    if not given:
        return contacts((found, True))  # Clerk's own default: created verified
    flags = [index < len(given) and given[index] == "verified" for index in range(len(found))]
    return contacts(*(([value], flag) for value, flag in zip(found, flags, strict=True)))


def _convert(fields: dict[str, Any]) -> tuple[str, UserDraft] | Skip:
    external_id = text(fields.get("external_id"))
    if external_id is None:
        return no_id("external_id")
    codes = fields.get("backup_codes")
    extra = {
        key: value
        for key, value in fields.items()
        if key not in _DRAFTED and value is not None and value != ""
    }
    return external_id, UserDraft(
        emails=_identifiers(
            fields.get("email_address"), fields.get("email_address_identification_status")
        ),
        phones=_identifiers(
            fields.get("phone_number"), fields.get("phone_number_identification_status")
        ),
        username=text(fields.get("username")),
        first_name=text(fields.get("first_name")),
        last_name=text(fields.get("last_name")),
        created_at=timestamp(fields.get("created_at")),
        banned=boolean(fields.get("banned")),
        password=text(fields.get("password")),
        password_digest=text(fields.get("password_digest")),
        password_hasher=text(fields.get("password_hasher")),
        totp_secret=text(fields.get("totp_secret")),
        backup_codes=tuple(split_list(codes)) if codes not in (None, "") else None,
        public_metadata=json_object(fields.get("public_metadata")),
        private_metadata=json_object(fields.get("private_metadata")),
        unsafe_metadata=json_object(fields.get("unsafe_metadata")),
        extra=extra,
    )
