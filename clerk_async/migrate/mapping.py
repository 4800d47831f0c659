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
from collections.abc import Mapping
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
    """The rules above, in as few calls as they allow: a record is mapped once per import, and
    a helper's call per rule was a good part of the cost."""
    external_id = record.source_id
    if external_id.startswith(("+", "-")):
        raise _Invalid(
            "invalid_field",
            "external_id",
            "an external_id starting with '+' or '-' cannot be looked up in Clerk",
        )
    body: dict[str, Any] = {"external_id": external_id}
    emails, phones = _contacts(draft, body)
    username = draft.username
    if username is not None and not USERNAME.match(username):
        raise _Invalid(
            "invalid_username",
            "username",
            f"{username!r} is not a Clerk username (4 to 64 letters, digits, '_', '-' or '.')",
        )
    extra = draft.extra
    if not (emails or phones or username or extra.get("web3_wallet")) and not boolean(
        extra.get("skip_user_requirement")
    ):
        raise _Invalid("no_identifier", "email_address", "the user has no email, phone or username")
    if username is not None:
        body["username"] = username
    first, last = draft.first_name, draft.last_name
    if first is None and last is None and draft.display_name and draft.display_name.strip():
        first, last = split_name(draft.display_name.strip())
    if first is not None:
        body["first_name"] = first
    if last is not None:
        body["last_name"] = last
    if draft.created_at is not None:
        body["created_at"] = rfc3339(draft.created_at)
    if draft.banned is not None:
        body["banned"] = draft.banned
    if draft.password is None and draft.password_digest is None and draft.password_hasher is None:
        body["skip_password_requirement"] = True  # social and passwordless users
    else:
        body.update(_password(draft, extra))
    if draft.totp_secret is not None or draft.backup_codes is not None:
        body.update(_second_factor(draft))
    if draft.public_metadata is not None:
        body["public_metadata"] = metadata_object("public_metadata", draft.public_metadata)
    if draft.private_metadata is not None:
        body["private_metadata"] = metadata_object("private_metadata", draft.private_metadata)
    if draft.unsafe_metadata is not None:
        body["unsafe_metadata"] = metadata_object("unsafe_metadata", draft.unsafe_metadata)
    for key, value in extra.items():
        body.setdefault(key, value)
    return MappedUser(
        record=record,
        external_id=external_id,
        request=request_of(body, CreateUserRequest),
        emails=emails,
        phones=phones,
        username=None if username is None else username.lower(),
        notes=draft.notes,
    )


def _contacts(draft: UserDraft, body: dict[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Put the draft's emails and phones in ``body``, each with its status; return them as
    the user claims them (lower-case emails, E.164 phones)."""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    if draft.emails:
        values, statuses, folded = [], [], []
        for contact in draft.emails:
            value = contact.value.strip()
            if len(value) > 254 or not EMAIL.match(value):
                raise _Invalid(
                    "invalid_email_address", "email_address", f"{value!r} is not an email address"
                )
            values.append(value)
            statuses.append("verified" if contact.verified else "reserved")
            folded.append(value.lower())
        body["email_address"] = values
        body["email_address_identification_status"] = statuses
        emails = tuple(folded)
    if draft.phones:
        values, statuses = [], []
        for contact in draft.phones:
            values.append(_phone(contact))
            statuses.append("verified" if contact.verified else "reserved")
        body["phone_number"] = values
        body["phone_number_identification_status"] = statuses
        phones = tuple(values)
    return emails, phones


def _phone(contact: Contact) -> str:
    value = _PHONE_PUNCTUATION.sub("", contact.value)
    if not PHONE.match(value):
        raise _Invalid(
            "invalid_phone_number",
            "phone_number",
            f"{contact.value!r} is not an E.164 phone number (+ and 7 to 15 digits)",
        )
    return value


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


def _password(draft: UserDraft, extra: Mapping[str, Any]) -> dict[str, Any]:
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
