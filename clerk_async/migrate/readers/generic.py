"""The ``jsonl`` and ``csv`` sources: records whose fields are Clerk's CreateUser names.

One reader serves both names, since the file's shape is told by its content: NDJSON, a JSON
array or CSV with a header row. ``external_id`` is required (it is what makes a run resumable).
``email_address``/``phone_number`` take a list, or in CSV one cell of ``|``- or ``,``-separated
values, with an optional parallel ``*_identification_status`` (``verified``; anything else is
imported as ``reserved``); metadata columns hold JSON text in CSV. Every other CreateUser field
is passed on by name and checked by the mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
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
    if values is None:
        return ()
    if statuses is None and type(values) is list and len(values) == 1 and type(values[0]) is str:
        value = values[0].strip()  # the common case: one address, verified by default
        return (Contact(value, True),) if value else ()
    found = split_list(values)
    if not found:
        return ()
    given = split_list(statuses)
    if not given:
        return contacts((found, True))  # Clerk's own default: created verified
    flags = [index < len(given) and given[index] == "verified" for index in range(len(found))]
    return contacts(*(([value], flag) for value, flag in zip(found, flags, strict=True)))


#: The draft's fields read from one field of the same name, and how each is read.
_READ: dict[str, Callable[[Any], object]] = {
    "username": text,
    "first_name": text,
    "last_name": text,
    "created_at": timestamp,
    "banned": boolean,
    "password": text,
    "password_digest": text,
    "password_hasher": text,
    "totp_secret": text,
    "public_metadata": json_object,
    "private_metadata": json_object,
    "unsafe_metadata": json_object,
}


def _convert(fields: dict[str, Any]) -> tuple[str, UserDraft] | Skip:
    external_id = fields.get("external_id")
    external_id = external_id.strip() or None if type(external_id) is str else text(external_id)
    if external_id is None:
        return no_id("external_id")
    read: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in fields.items():  # the record's own fields only: most are absent
        reader = _READ.get(key)
        if reader is None:
            if key not in _DRAFTED and value is not None and value != "":
                extra[key] = value
        elif reader is text and type(value) is str:  # text(), without its call
            read[key] = value.strip() or None
        elif reader is json_object and type(value) is dict:
            read[key] = value
        else:
            read[key] = reader(value)
    codes = fields.get("backup_codes")
    if codes is not None and codes != "":
        read["backup_codes"] = tuple(split_list(codes))
    return external_id, UserDraft(
        emails=_identifiers(
            fields.get("email_address"), fields.get("email_address_identification_status")
        ),
        phones=()
        if "phone_number" not in fields
        else _identifiers(fields["phone_number"], fields.get("phone_number_identification_status")),
        extra=extra,
        **read,
    )
