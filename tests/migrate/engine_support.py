"""Records for the engine's tests, built directly (the readers are tested on their own)."""

from __future__ import annotations

from typing import Any

from clerk_async.migrate.records import (
    InvalidRecord,
    MappedUser,
    SkippedRecord,
    SourceRecord,
    UserDraft,
)
from clerk_async.models import CreateUserRequest


def source_record(external_id: str, index: int = 1, file: str = "users.jsonl") -> SourceRecord:
    return SourceRecord(
        source="jsonl",
        source_id=external_id,
        file=file,
        line=index,
        index=index,
        draft=UserDraft(),
        fields={},
    )


def mapped(
    external_id: str,
    email: str | None = None,
    *,
    index: int = 1,
    username: str | None = None,
    **fields: Any,
) -> MappedUser:
    """A user ready to send: ``email`` defaults to one derived from the id."""
    email = email if email is not None else f"{external_id.lower()}@example.com"
    request = CreateUserRequest(
        external_id=external_id,
        email_address=[email],
        username=username if username is not None else fields.pop("username", None) or None,
        skip_password_requirement=True,
        **fields,
    )
    return MappedUser(
        record=source_record(external_id, index),
        external_id=external_id,
        request=request,
        emails=(email.lower(),),
        username=username.lower() if username else None,
    )


def invalid(external_id: str, index: int = 1) -> InvalidRecord:
    return InvalidRecord(
        record=source_record(external_id, index),
        external_id=external_id,
        code="invalid_email_address",
        field="email_address",
        reason="'nope' is not an email address",
    )


def skipped(external_id: str | None, code: str = "soft_deleted", index: int = 1) -> SkippedRecord:
    return SkippedRecord(
        source="jsonl",
        file="users.jsonl",
        line=index,
        index=index,
        code=code,
        reason=f"the record is {code}",
        source_id=external_id,
    )


def users(count: int, prefix: str = "u") -> list[MappedUser]:
    return [mapped(f"{prefix}{i:05d}", index=i + 1) for i in range(count)]
