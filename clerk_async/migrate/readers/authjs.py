"""Auth.js (NextAuth) database adapters: the ``users`` table as JSON or CSV.

Ids are integers (``SERIAL``, pg adapter) or cuid strings (Prisma); ``emailVerified`` (or
``email_verified``) is a timestamp, set when the address was verified. There is no password
column; a ``created_at``/``createdAt`` column is used when the export selected one.
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
from clerk_async.migrate.readers._values import boolean, contacts, text, timestamp
from clerk_async.migrate.records import SkippedRecord, SourceRecord, UserDraft

__all__ = ["IMPORTED", "read"]

IMPORTED = Fields(
    frozenset({"id", "email", "emailVerified", "email_verified", "name", "created_at", "createdAt"})
)


def read(
    paths: Iterable[PathLike], options: ReaderOptions
) -> Iterator[SourceRecord | SkippedRecord]:
    del options
    return records("authjs", paths, _convert, IMPORTED)


def _verified(value: object) -> bool:
    flag = boolean(value)
    if flag is not None:
        return flag
    return text(value) is not None and text(value) != "null"


def _convert(fields: dict[str, Any]) -> tuple[str, UserDraft] | Skip:
    user_id = text(fields.get("id"))
    if user_id is None:
        return no_id("id")
    email = text(fields.get("email"))
    verified = fields.get("emailVerified", fields.get("email_verified"))
    return user_id, UserDraft(
        emails=contacts(([email] if email else [], _verified(verified))),
        display_name=text(fields.get("name")),
        created_at=timestamp(fields.get("created_at", fields.get("createdAt"))),
    )
