"""Supabase: rows of ``auth.users`` as JSON (objects or an array) or CSV with a header row.

Told apart per record: ``encrypted_password`` is bcrypt, argon2i/argon2id, or Supabase's
``$fbscrypt$`` form of a Firebase hash (rewritten into Clerk's ``scrypt_firebase`` digest);
anything else (an encrypted value, an unknown scheme) is passed on without a hasher, so the
mapping reports the record instead of importing a password that could never work. Phones are
stored without their ``+`` and get it back. ``raw_user_meta_data`` (editable by the user) goes to
``unsafe_metadata``, ``raw_app_meta_data`` to ``private_metadata``, whether jsonb came as objects
or as JSON text. Soft-deleted (``deleted_at``) and anonymous rows are skipped and reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import Any

from clerk_async.migrate.readers._common import (
    Fields,
    PathLike,
    ReaderOptions,
    Skip,
    no_id,
    records,
)
from clerk_async.migrate.readers._values import boolean, contacts, json_object, text, timestamp
from clerk_async.migrate.records import SkippedRecord, SourceRecord, UserDraft

__all__ = ["IMPORTED", "read"]

IMPORTED = Fields(
    frozenset(
        {
            "id",
            "deleted_at",
            "is_anonymous",
            "email",
            "email_confirmed_at",
            "phone",
            "phone_confirmed_at",
            "username",
            "first_name",
            "last_name",
            "raw_user_meta_data",
            "raw_app_meta_data",
            "encrypted_password",
            "created_at",
            "banned_until",
        }
    )
)

_FBSCRYPT = re.compile(
    r"^\$fbscrypt\$v=\d+,n=(?P<n>\d+),r=(?P<r>\d+),p=(?P<p>\d+)"
    r"(?:,ss=(?P<ss>[^,$]+))?(?:,sk=(?P<sk>[^$]+))?\$(?P<salt>[^$]+)\$(?P<hash>.+)$"
)
_DIGITS = re.compile(r"^\d{7,15}$")
_DISCORD_SUFFIX = re.compile(r"#0$")


def read(
    paths: Iterable[PathLike], options: ReaderOptions
) -> Iterator[SourceRecord | SkippedRecord]:
    del options
    return records("supabase", paths, _convert, IMPORTED)


def password_hasher(encrypted: str) -> tuple[str, str | None]:
    """The digest to send and its Clerk hasher (None: not a hash Clerk can take)."""
    if encrypted.startswith(("$2a$", "$2b$", "$2y$")):
        return encrypted, "bcrypt"
    if encrypted.startswith("$argon2id$"):
        return encrypted, "argon2id"
    if encrypted.startswith("$argon2i$"):
        return encrypted, "argon2i"
    match = _FBSCRYPT.match(encrypted)
    if match is not None and match["p"] == "1" and match["ss"] and match["sk"]:
        # Supabase's n is log2(N) (Clerk's memory cost) and its r is Firebase's rounds.
        parts = (match["hash"], match["salt"], match["sk"], match["ss"], match["r"], match["n"])
        return "$".join(parts), "scrypt_firebase"
    return encrypted, None


def _phone(value: str | None) -> str | None:
    if value is not None and _DIGITS.match(value):
        return "+" + value  # auth.users keeps E.164 without its "+"
    return value


def _name(meta: object, key: str) -> str | None:
    if not isinstance(meta, dict):
        return None
    value = text(meta.get(key))
    return None if value is None else _DISCORD_SUFFIX.sub("", value).strip() or None


def _banned(value: object) -> bool | None:
    until = timestamp(value)
    if not isinstance(until, datetime):
        return None
    return until > datetime.now(timezone.utc)


def _convert(fields: dict[str, Any]) -> tuple[str, UserDraft] | Skip:
    user_id = text(fields.get("id"))
    if user_id is None:
        return no_id("id")
    if text(fields.get("deleted_at")) is not None:
        return Skip("soft_deleted", "the user was deleted in Supabase (deleted_at is set)", user_id)
    if boolean(fields.get("is_anonymous")) is True:
        return Skip("anonymous", "an anonymous Supabase user has no identifier to import", user_id)
    email = text(fields.get("email"))
    phone = _phone(text(fields.get("phone")))
    user_meta = json_object(fields.get("raw_user_meta_data"))
    encrypted = text(fields.get("encrypted_password"))
    digest, hasher = password_hasher(encrypted) if encrypted is not None else (None, None)
    display = _name(user_meta, "display_name") or _name(user_meta, "full_name")
    return user_id, UserDraft(
        emails=contacts(([email] if email else [], _confirmed(fields.get("email_confirmed_at")))),
        phones=contacts(([phone] if phone else [], _confirmed(fields.get("phone_confirmed_at")))),
        username=text(fields.get("username")),
        first_name=text(fields.get("first_name")) or _name(user_meta, "first_name"),
        last_name=text(fields.get("last_name")) or _name(user_meta, "last_name"),
        display_name=display or _name(user_meta, "name"),
        created_at=timestamp(fields.get("created_at")),
        banned=_banned(fields.get("banned_until")),
        password_digest=digest,
        password_hasher=hasher,
        unsafe_metadata=user_meta,
        private_metadata=json_object(fields.get("raw_app_meta_data")),
    )


def _confirmed(value: object) -> bool:
    return text(value) is not None and text(value) != "null"
