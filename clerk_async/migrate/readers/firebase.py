"""Firebase: ``firebase auth:export`` as JSON (``{"users": [...]}``) or header-less CSV.

Password hashes are Firebase's modified scrypt and only usable with the project's hash
parameters; an export holding hashes without ``hash_config`` raises :class:`HashConfigError`
at its first hashed record (never a silent import of passwords that cannot work). A hash that
is Firebase's placeholder (an export made without the right to read hashes) is no hash: the user
is imported without a password, with a warning. The phone number, set by Firebase phone sign-in
or the Admin SDK, counts as verified. ``customAttributes`` (custom claims, set by the backend
and readable by the app) go to ``public_metadata``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

from clerk_async.migrate.readers._common import (
    Fields,
    PathLike,
    ReaderOptions,
    Skip,
    no_id,
    records,
)
from clerk_async.migrate.readers._files import CsvLayout
from clerk_async.migrate.readers._values import boolean, contacts, json_object, text, timestamp
from clerk_async.migrate.readers.firebase_config import FirebaseHashConfig, load_hash_config
from clerk_async.migrate.records import HashConfigError, SkippedRecord, SourceRecord, UserDraft

__all__ = ["CSV_COLUMNS", "IMPORTED", "PLACEHOLDER_NOTE", "read"]

#: What Firebase exports instead of a hash the exporting account may not read: "REDACTED", in
#: base64 as the API returns it, or as text.
_PLACEHOLDERS = frozenset({"UkVEQUNURUQ=", "REDACTED"})
PLACEHOLDER_NOTE = (
    "the password hash is Firebase's placeholder (REDACTED), not a hash: the user is imported "
    "without a password; export with an account allowed to read password hashes to keep them"
)

_PROVIDERS = ("google", "facebook", "twitter", "github")
#: The 29 cells of a CSV row (the last one empty: every row ends with a comma).
CSV_COLUMNS = (
    "localId",
    "email",
    "emailVerified",
    "passwordHash",
    "salt",
    "displayName",
    "photoUrl",
    *(
        f"{provider}.{key}"
        for provider in _PROVIDERS
        for key in ("rawId", "email", "displayName", "photoUrl")
    ),
    "createdAt",
    "lastSignedInAt",
    "phoneNumber",
    "disabled",
    "customAttributes",
    "",
)
IMPORTED = Fields(
    frozenset(
        {
            "localId",
            "email",
            "emailVerified",
            "passwordHash",
            "salt",
            "displayName",
            "createdAt",
            "phoneNumber",
            "disabled",
            "customAttributes",
        }
    )
)


def read(
    paths: Iterable[PathLike], options: ReaderOptions
) -> Iterator[SourceRecord | SkippedRecord]:
    config = load_hash_config(options.hash_config) if options.hash_config is not None else None
    layout = CsvLayout(fieldnames=CSV_COLUMNS, header_marker="localId")
    convert = partial(_convert, config)
    return records("firebase", paths, convert, IMPORTED, wrappers=("users",), csv_layout=layout)


def _convert(
    config: FirebaseHashConfig | None, fields: dict[str, Any]
) -> tuple[str, UserDraft] | Skip:
    local_id = text(fields.get("localId"))
    if local_id is None:
        return no_id("localId")
    password_hash = text(fields.get("passwordHash"))
    digest = None
    notes: tuple[str, ...] = ()
    if password_hash in _PLACEHOLDERS:
        password_hash, notes = None, (PLACEHOLDER_NOTE,)
    if password_hash is not None:
        if config is None:
            raise HashConfigError(
                "this Firebase export holds password hashes: give its hash config (Console: "
                "Authentication, Users, Password hash parameters) or they could never be checked"
            )
        digest = config.digest(password_hash, text(fields.get("salt")) or "")
    email = text(fields.get("email"))
    phone = text(fields.get("phoneNumber"))
    return local_id, UserDraft(
        emails=contacts(([email] if email else [], boolean(fields.get("emailVerified")) is True)),
        phones=contacts(([phone] if phone else [], True)),
        display_name=text(fields.get("displayName")),
        created_at=timestamp(fields.get("createdAt")),
        banned=boolean(fields.get("disabled")),
        password_digest=digest,
        password_hasher="scrypt_firebase" if digest is not None else None,
        public_metadata=json_object(fields.get("customAttributes")),
        notes=notes,
    )
