"""Mapping: one source record to a validated ``CreateUserRequest`` (pure, offline).

The rules, whatever the source:

- the source id becomes ``external_id`` (one starting with ``+`` or ``-`` is refused: Clerk's
  ``external_id`` filter reads those as include/exclude, so the import could not be looked up);
- every email and phone goes into the one CreateUser call, the first as primary, each with its
  ``*_identification_status``: ``verified``, or ``reserved`` for an unverified one (kept, and
  locked against other users, never dropped and never promoted to verified);
- a record needs an email, a phone or a username (or ``web3_wallet``/``skip_user_requirement``);
- first and last names are kept; without them, a display name is split (``"Ada Lovelace"``,
  ``"Lovelace, Ada"``), and a single word is kept as the first name;
- ``created_at`` is sent as RFC 3339 UTC; ``banned`` as given;
- ``password_digest`` is checked against its ``password_hasher``'s documented format by the
  same parser the emulator verifies with; a user with no password gets
  ``skip_password_requirement`` (social and passwordless users);
- ``totp_secret`` must be base32; each metadata object must be a JSON object of at most 8 KB
  (Clerk's limit);
- the result is converted into ``CreateUserRequest`` by msgspec, so a field of the wrong type or
  an unknown one (generic sources) is refused here rather than by Clerk.

A record failing a rule becomes an :class:`InvalidRecord` naming the field; nothing raises.
Organizations and memberships have their rules in :mod:`clerk_async.migrate.mapping_orgs`.
"""

from __future__ import annotations

import re
from typing import Any

from clerk_async._identifiers import EMAIL, PHONE, USERNAME
from clerk_async._password_digests import KNOWN_HASHERS, DigestFormatError, parse_digest
from clerk_async.migrate.mapping_orgs import map_org_record
from clerk_async.migrate.mapping_rules import (
    METADATA_LIMIT,
    Invalid,
    metadata_object,
    request_of,
    rfc3339,
)
from clerk_async.migrate.readers._values import boolean
from clerk_async.migrate.records import (
    Contact,
    InvalidRecord,
    MappedMembership,
    MappedOrganization,
    MappedUser,
    SourceRecord,
    UserDraft,
)
from clerk_async.models import CreateUserRequest

__all__ = ["METADATA_LIMIT", "map_record", "split_name"]

_PHONE_PUNCTUATION = re.compile(r"[\s().-]")
_BASE32 = re.compile(r"^[A-Z2-7]+=*$")
_BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")
_MIN_PASSWORD = 8
_METADATA = ("public_metadata", "private_metadata", "unsafe_metadata")


_Invalid = Invalid


def map_record(
    record: SourceRecord,
) -> MappedUser | MappedOrganization | MappedMembership | InvalidRecord:
    """The request that imports ``record``, or why Clerk would refuse it."""
    draft = record.draft
    if not isinstance(draft, UserDraft):
        return map_org_record(record)
    try:
        return _map(record, draft)
    except _Invalid as problem:
        return InvalidRecord(
            record=record,
            external_id=record.source_id,
            code=problem.code,
            field=problem.field,
            reason=problem.reason,
        )


def _map(record: SourceRecord, draft: UserDraft) -> MappedUser:
    external_id = record.source_id
    if external_id.startswith(("+", "-")):
        raise _Invalid(
            "invalid_field",
            "external_id",
            "an external_id starting with '+' or '-' cannot be looked up in Clerk",
        )
    emails = [_email(contact) for contact in draft.emails]
    phones = [_phone(contact) for contact in draft.phones]
    username = draft.username
    if username is not None and not USERNAME.match(username):
        raise _Invalid(
            "invalid_username",
            "username",
            f"{username!r} is not a Clerk username (4 to 64 letters, digits, '_', '-' or '.')",
        )
    extra = dict(draft.extra)
    if not (emails or phones or username or extra.get("web3_wallet")) and not boolean(
        extra.get("skip_user_requirement")
    ):
        raise _Invalid("no_identifier", "email_address", "the user has no email, phone or username")
    body: dict[str, Any] = {"external_id": external_id}
    if emails:
        body["email_address"] = [value for value, _ in emails]
        body["email_address_identification_status"] = [status for _, status in emails]
    if phones:
        body["phone_number"] = [value for value, _ in phones]
        body["phone_number_identification_status"] = [status for _, status in phones]
    if username is not None:
        body["username"] = username
    body.update(_names(draft))
    if draft.created_at is not None:
        body["created_at"] = rfc3339(draft.created_at)
    if draft.banned is not None:
        body["banned"] = draft.banned
    body.update(_password(draft, extra))
    body.update(_second_factor(draft))
    for name in _METADATA:
        value = getattr(draft, name)
        if value is not None:
            body[name] = metadata_object(name, value)
    for key, value in extra.items():
        body.setdefault(key, value)
    request = _request(body)
    return MappedUser(
        record=record,
        external_id=external_id,
        request=request,
        emails=tuple(value.lower() for value, _ in emails),
        phones=tuple(value for value, _ in phones),
        username=None if username is None else username.lower(),
        notes=draft.notes,
    )


def _status(contact: Contact) -> str:
    return "verified" if contact.verified else "reserved"


def _email(contact: Contact) -> tuple[str, str]:
    value = contact.value.strip()
    if len(value) > 254 or not EMAIL.match(value):
        raise _Invalid(
            "invalid_email_address", "email_address", f"{value!r} is not an email address"
        )
    return value, _status(contact)


def _phone(contact: Contact) -> tuple[str, str]:
    value = _PHONE_PUNCTUATION.sub("", contact.value)
    if not PHONE.match(value):
        raise _Invalid(
            "invalid_phone_number",
            "phone_number",
            f"{contact.value!r} is not an E.164 phone number (+ and 7 to 15 digits)",
        )
    return value, _status(contact)


def split_name(display_name: str) -> tuple[str, str | None]:
    """First and last name of a display name: ``"Ada Lovelace"``, ``"Lovelace, Ada"``, ``"Ada"``."""
    if "," in display_name:
        last, _, first = display_name.partition(",")
        if first.strip() and last.strip():
            return first.strip(), last.strip()
    words = display_name.split()
    if len(words) == 1:
        return words[0], None
    return words[0], " ".join(words[1:])


def _names(draft: UserDraft) -> dict[str, str]:
    first, last = draft.first_name, draft.last_name
    if first is None and last is None and draft.display_name and draft.display_name.strip():
        first, last = split_name(draft.display_name.strip())
    names = {"first_name": first, "last_name": last}
    return {key: value for key, value in names.items() if value is not None}


def _password(draft: UserDraft, extra: dict[str, Any]) -> dict[str, Any]:
    digest, hasher = draft.password_digest, draft.password_hasher
    if digest is not None and draft.password is not None:
        raise _Invalid(
            "invalid_field", "password", "give a password or a password_digest, not both"
        )
    if draft.password is not None:
        if len(draft.password) < _MIN_PASSWORD and not boolean(extra.get("skip_password_checks")):
            raise _Invalid(
                "invalid_field", "password", f"the password is shorter than {_MIN_PASSWORD}"
            )
        return {"password": draft.password}
    if digest is None:
        if hasher is not None:
            raise _Invalid("invalid_field", "password_digest", "password_hasher without a digest")
        return {"skip_password_requirement": True}
    if hasher is None:
        if not digest.startswith(_BCRYPT_PREFIXES):
            raise _Invalid(
                "unknown_password_hasher",
                "password_hasher",
                "the password digest's format names no hasher Clerk knows",
            )
        hasher = "bcrypt"
    if hasher not in KNOWN_HASHERS:
        raise _Invalid(
            "unknown_password_hasher", "password_hasher", f"{hasher!r} is not a Clerk hasher"
        )
    try:
        parse_digest(hasher, digest)
    except DigestFormatError as error:
        raise _Invalid("invalid_password_digest", "password_digest", str(error)) from None
    return {"password_digest": digest, "password_hasher": hasher}


def _second_factor(draft: UserDraft) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if draft.totp_secret is not None:
        secret = draft.totp_secret.replace(" ", "").upper()
        if not _BASE32.match(secret):
            raise _Invalid("invalid_field", "totp_secret", "the TOTP secret is not base32")
        found["totp_secret"] = secret
    if draft.backup_codes is not None:
        codes = [code.strip() for code in draft.backup_codes if code.strip()]
        if codes:
            found["backup_codes"] = codes
    return found


def _request(body: dict[str, Any]) -> CreateUserRequest:
    return request_of(body, CreateUserRequest)
