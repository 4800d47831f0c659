"""Records for engine tests, built directly (the readers are tested on their own)."""

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


def stand_in_map_record(record: SourceRecord) -> MappedUser | InvalidRecord:
    """A tiny mapping for the ``jsonl`` source, for engine tests until the real one is merged.

    Emails, username, names and a password digest; an email without ``@`` is invalid.
    """
    draft = record.draft
    emails = [contact.value for contact in draft.emails]
    for email in emails:
        if "@" not in email:
            return InvalidRecord(
                record=record,
                external_id=record.source_id,
                code="invalid_email_address",
                field="email_address",
                reason=f"{email!r} is not an email address",
            )
    fields: dict[str, Any] = {}
    if draft.password_digest:
        fields.update(password_digest=draft.password_digest, password_hasher=draft.password_hasher)
    else:
        fields["skip_password_requirement"] = True
    request = CreateUserRequest(
        external_id=record.source_id,
        email_address=emails,
        email_address_identification_status=[
            "verified" if contact.verified else "reserved" for contact in draft.emails
        ],
        username=draft.username,
        first_name=draft.first_name,
        last_name=draft.last_name,
        **fields,
    )
    return MappedUser(
        record=record,
        external_id=record.source_id,
        request=request,
        emails=tuple(email.lower() for email in emails),
        username=draft.username.lower() if draft.username else None,
    )


def run_cli() -> None:
    """``clerk-migrate`` in a subprocess, with the stand-in mapping until the real one is merged."""
    import sys

    from clerk_async.migrate import mapping, plan
    from clerk_async.migrate.cli import main

    try:
        mapping.map_record(None)  # type: ignore[arg-type]
    except NotImplementedError:
        plan.map_record = stand_in_map_record  # type: ignore[attr-defined]
    except Exception:
        pass
    raise SystemExit(main(sys.argv[1:]))
