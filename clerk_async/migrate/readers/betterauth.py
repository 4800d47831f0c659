"""Better Auth: its ``user``, ``account``, ``organization`` and ``member`` tables, as CSV (a header
row of the column names) or JSON (an array, or one row per line).

Columns are Better Auth's default schema's (camelCase: ``emailVerified``, ``userId``); their
snake_case spellings (``email_verified``) are read too, for adapters configured so.

- ``user``: ``id`` is the source id; ``email``/``emailVerified``, ``name`` (split into first and
  last), ``createdAt``; the plugins' ``username``, ``phoneNumber``/``phoneNumberVerified``,
  ``banned`` (a ban whose ``banExpires`` has passed is none), ``role`` (the admin plugin's, kept in
  private metadata); ``isAnonymous`` rows are skipped. A user with ``twoFactorEnabled`` gets a
  note: Better Auth keeps the TOTP secret encrypted with the application's secret.
- ``account`` (given as ``password_hashes``): the ``credential`` provider's ``password`` of each
  ``userId``, indexed on disk. Better Auth hashes with scrypt (N=16384, r=16, p=1, a 64-byte key)
  over the NFKC form of the password, salted with the hex salt's text, and stores
  ``<salt>:<key in hex>``: werkzeug's scrypt with those parameters, so it is imported as Clerk's
  ``scrypt_werkzeug`` digest ``$scrypt:16384:16:1$<salt>$<key>``. (A password whose NFKC form
  differs from what the user types, rare outside compatibility characters, will not verify.)
  An application's own ``bcrypt`` or argon2 hash is imported as such; anything else is left out
  with a note.
- ``organization``: ``id``, ``name``, ``slug``, ``metadata`` (public metadata: Better Auth
  hands it to its clients), ``createdAt``; ``logo`` is not imported (named in the report).
- ``member``: ``organizationId``, ``userId``, ``role``: several roles are joined by ``,``; the
  default roles ``owner`` and ``admin`` are ``org:admin``, ``member`` ``org:member``, any other
  ``org:<role>``; ``role_map`` maps a role to another key (``owner=org:owner``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import Any

from clerk_async.migrate.readers._app_users import (
    ClerkPassword,
    NoPassword,
    checked,
    password_fields,
)
from clerk_async.migrate.readers._common import (
    Fields,
    PathLike,
    ReaderOptions,
    Skip,
    no_id,
    records,
)
from clerk_async.migrate.readers._roles import ADMIN, MEMBER, choose_role, role_key
from clerk_async.migrate.readers._values import (
    boolean,
    contacts,
    json_object,
    split_list,
    text,
    timestamp,
)
from clerk_async.migrate.readers.auth0 import HashIndex
from clerk_async.migrate.readers.werkzeug import scrypt_digest
from clerk_async.migrate.records import (
    MembershipDraft,
    OrganizationDraft,
    SkippedRecord,
    SourceName,
    SourceRecord,
    UserDraft,
    membership_key,
)

__all__ = ["DEFAULT_ROLES", "clerk_password", "read", "read_memberships", "read_organizations"]

#: Better Auth's scrypt parameters (``crypto/password.ts``).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 16384, 16, 1
_KEY_HEX = re.compile(r"^[0-9a-fA-F]{128}$")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
#: Better Auth's default organization roles, as Clerk's.
DEFAULT_ROLES = {"owner": ADMIN, "admin": ADMIN, "member": MEMBER}


def _both(*names: str) -> frozenset[str]:
    return frozenset(names) | {_snake(name) for name in names}


def _snake(name: str) -> str:
    return _CAMEL.sub("_", name).lower()


def _get(fields: dict[str, Any], name: str) -> Any:
    """A column by its camelCase name, or its snake_case one."""
    value = fields.get(name)
    return fields.get(_snake(name)) if value is None else value


_USER_COLUMNS = ("id", "email", "emailVerified", "name", "createdAt", "username", "phoneNumber",
                 "phoneNumberVerified", "banned", "banExpires", "role", "isAnonymous",
                 "twoFactorEnabled")  # fmt: skip
USER_FIELDS = Fields(_both(*_USER_COLUMNS))
ORGANIZATION_FIELDS = Fields(_both("id", "name", "slug", "metadata", "createdAt"))
MEMBER_FIELDS = Fields(_both("id", "organizationId", "userId", "role"))


def read(
    paths: Iterable[PathLike], options: ReaderOptions
) -> Iterator[SourceRecord | SkippedRecord]:
    hashes = None
    if options.password_hashes is not None:
        hashes = HashIndex(options.password_hashes, entry=_credential)
    try:
        yield from records("betterauth", paths, lambda fields: _user(fields, hashes), USER_FIELDS)
    finally:
        if hashes is not None:
            hashes.close()


def _credential(fields: dict[str, Any]) -> tuple[str, str] | None:
    """An ``account`` row's ``(userId, password)``: the email-and-password provider's only."""
    if text(_get(fields, "providerId")) != "credential":
        return None
    user, password = text(_get(fields, "userId")), text(fields.get("password"))
    return None if user is None or password is None else (user, password)


def clerk_password(stored: str) -> ClerkPassword:
    """Clerk's digest and hasher for a Better Auth ``account.password``, or :class:`NoPassword`."""
    if stored.startswith("$2"):
        return checked(stored, "bcrypt")
    for variant in ("argon2id", "argon2i"):
        if stored.startswith(f"${variant}$"):
            return checked(stored, variant)
    salt, colon, key = stored.partition(":")
    if not colon or not salt or not _KEY_HEX.match(key):
        raise NoPassword("not a password Better Auth's hasher writes (<salt>:<key in hex>)")
    digest = scrypt_digest(SCRYPT_N, SCRYPT_R, SCRYPT_P, salt, key.lower())
    return checked(digest, "scrypt_werkzeug")


def _user(fields: dict[str, Any], hashes: HashIndex | None) -> tuple[str, UserDraft] | Skip:
    user_id = text(_get(fields, "id"))
    if user_id is None:
        return no_id("id")
    if boolean(_get(fields, "isAnonymous")) is True:
        return Skip("anonymous", "an anonymous Better Auth user has no identifier", user_id)
    email, phone = text(_get(fields, "email")), text(_get(fields, "phoneNumber"))
    notes: list[str] = []
    digest = hasher = None
    stored = hashes.get(user_id) if hashes is not None else None
    if stored is not None:
        digest, hasher, password_notes = password_fields(stored, clerk_password, "Better Auth")
        notes += password_notes
    if boolean(_get(fields, "twoFactorEnabled")) is True:
        notes.append("two-factor not imported: Better Auth keeps the TOTP secret encrypted with "
                     "the application's secret")  # fmt: skip
    banned = boolean(_get(fields, "banned"))
    expires = timestamp(_get(fields, "banExpires"))
    if banned and isinstance(expires, datetime) and expires <= datetime.now(timezone.utc):
        banned = False
        notes.append("not banned: the Better Auth ban expired")
    role = text(_get(fields, "role"))
    return user_id, UserDraft(
        emails=contacts(([email] if email else [], boolean(_get(fields, "emailVerified")) is True)),
        phones=contacts(
            ([phone] if phone else [], boolean(_get(fields, "phoneNumberVerified")) is True)
        ),
        username=text(_get(fields, "username")),
        display_name=text(_get(fields, "name")),
        created_at=timestamp(_get(fields, "createdAt")),
        banned=banned,
        password_digest=digest,
        password_hasher=hasher,
        private_metadata={"role": role} if role else None,
        notes=tuple(notes),
    )


def read_organizations(
    paths: Iterable[PathLike], options: ReaderOptions, source: SourceName
) -> Iterator[SourceRecord | SkippedRecord]:
    return records(source, paths, _organization, ORGANIZATION_FIELDS, kind="organization")


def _organization(fields: dict[str, Any]) -> tuple[str, OrganizationDraft] | Skip:
    source_id = text(_get(fields, "id"))
    if source_id is None:
        return no_id("id")
    return source_id, OrganizationDraft(
        name=text(_get(fields, "name")),
        slug=text(_get(fields, "slug")),
        public_metadata=json_object(_get(fields, "metadata")),
        created_at=timestamp(_get(fields, "createdAt")),
    )


def read_memberships(
    paths: Iterable[PathLike], options: ReaderOptions, source: SourceName
) -> Iterator[SourceRecord | SkippedRecord]:
    def convert(fields: dict[str, Any]) -> tuple[str, MembershipDraft] | Skip:
        return _member(fields, options)

    return records(source, paths, convert, MEMBER_FIELDS, kind="membership")


def _member(fields: dict[str, Any], options: ReaderOptions) -> tuple[str, MembershipDraft] | Skip:
    organization = text(_get(fields, "organizationId"))
    user = text(_get(fields, "userId"))
    if organization is None:
        return no_id("organizationId", "organizationId", "organization_id")
    if user is None:
        return no_id("userId", "userId", "user_id")
    roles = split_list(_get(fields, "role"), ",")
    choice = choose_role(role_key(role, options.role_map, DEFAULT_ROLES) for role in roles)
    return membership_key(organization, user), MembershipDraft(
        user=user,
        organization=organization,
        role=choice.role,
        notes=(choice.note,) if choice.note else (),
    )
