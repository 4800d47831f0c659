"""Django: ``auth_user`` as ``manage.py dumpdata auth.user`` writes it (a JSON array, or JSONL
with ``--format jsonl``), or a CSV of the table with its column names as the header.

A dumpdata record is ``{"model", "pk", "fields"}``: the ``pk`` (the ``id`` column in CSV) becomes
the ``external_id``; with ``--natural-primary`` there is no ``pk`` and the username is used.
Records of other models (a dump of more than ``auth.user``) are skipped as ``not_a_user``; a
custom user model is read when its fields have Django's ``password`` and ``last_login``.

``date_joined`` -> ``created_at``; ``is_active`` false -> ``banned``; ``is_staff`` and
``is_superuser`` -> ``private_metadata``. The email is imported verified (``auth_user`` has no
verification flag). A username Clerk refuses is left out when the user has an email. A dumpdata
record's ``groups`` (ids, or natural keys) stay in the record as read (``fields["fields"]``),
not mapped.

Passwords, in the exact digest form Clerk documents for each hasher:

- ``pbkdf2_sha256$...`` -> ``pbkdf2_sha256_django``, as Django writes it;
- ``pbkdf2_sha1$<iterations>$<salt>$<base64>`` -> ``pbkdf2_sha1`` with the salt and hash in hex
  and Django's 20-byte key length (Clerk's default is 32);
- ``bcrypt_sha256$$2b$...`` -> ``bcrypt_sha256_django``, as Django writes it;
- ``bcrypt$$2b$...`` -> ``bcrypt``, without Django's ``bcrypt$`` prefix;
- ``argon2$argon2id$v=19$...`` -> ``argon2id`` (or ``argon2i``), ``$argon2id$v=19$...``;
- ``scrypt$<n>$<salt>$<r>$<p>$<base64>`` (Django 4.2) -> ``scrypt_werkzeug``: the same scrypt
  (64-byte key, the salt's bytes) in werkzeug's form.

An unusable password (``!...``, ``set_unusable_password``), a hasher Clerk has no counterpart
for (``md5``, ``sha1``, ``crypt``...) or a digest not in its hasher's form: the user is imported
without a password and the report says why (never the value).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

from clerk_async.migrate.readers._app_users import (
    ClerkPassword,
    NoPassword,
    checked,
    clerk_username,
    password_fields,
)
from clerk_async.migrate.readers._common import (
    Fields,
    PathLike,
    ReaderOptions,
    Skip,
    dropped_fields,
    no_id,
    records,
)
from clerk_async.migrate.readers._values import boolean, contacts, text, timestamp
from clerk_async.migrate.readers.werkzeug import scrypt_digest
from clerk_async.migrate.records import SkippedRecord, SourceRecord, UserDraft

__all__ = ["IMPORTED", "USER_FIELDS", "clerk_password", "read", "user_of"]

_HEX = re.compile(r"^[0-9a-fA-F]+$")
#: Django's ``UNUSABLE_PASSWORD_PREFIX``.
_UNUSABLE = "!"
#: Django's own hashers that Clerk has no counterpart for (their names are safe to repeat).
_NO_COUNTERPART = frozenset({"md5", "sha1", "unsalted_md5", "unsalted_sha1", "crypt"})
#: The user's columns imported (a CSV row's, or a dumpdata record's ``fields``).
USER_FIELDS = Fields(
    frozenset(
        {
            "id",
            "username",
            "email",
            "password",
            "first_name",
            "last_name",
            "date_joined",
            "is_active",
            "is_staff",
            "is_superuser",
        }
    )
)
IMPORTED = Fields(USER_FIELDS.names | {"model", "pk", "fields"})
_WITH_GROUPS = Fields(USER_FIELDS.names | {"groups"})


def read(
    paths: Iterable[PathLike], options: ReaderOptions
) -> Iterator[SourceRecord | SkippedRecord]:
    # with groups_as, a record's groups are imported too: as its memberships
    imported = USER_FIELDS if options.groups_as is None else _WITH_GROUPS
    return records("django", paths, partial(_convert, imported), IMPORTED)


def clerk_password(encoded: str) -> ClerkPassword:
    """Clerk's digest and hasher for a Django ``password`` value, or :class:`NoPassword`."""
    if encoded.startswith(_UNUSABLE):
        raise NoPassword("an unusable password in Django (set_unusable_password)")
    algorithm, dollar, rest = encoded.partition("$")
    convert = _CONVERTERS.get(algorithm) if dollar else None
    if convert is not None:
        return convert(encoded, rest)
    if algorithm in _NO_COUNTERPART or (len(encoded) == 32 and _HEX.match(encoded)):
        name = algorithm if dollar else "unsalted_md5"
        raise NoPassword(f"Django's {name} hasher has no Clerk counterpart")
    raise NoPassword("not a password Django's own hashers write")


def _parts(rest: str, count: int, algorithm: str) -> list[str]:
    parts = rest.split("$")
    if len(parts) != count or not all(parts):
        raise NoPassword(f"a Django {algorithm} password with {len(parts)} parts, not {count}")
    return parts


def _base64(value: str, algorithm: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise NoPassword(f"the hash of a Django {algorithm} password is not base64") from None


def _pbkdf2_sha256(encoded: str, rest: str) -> ClerkPassword:
    return checked(encoded, "pbkdf2_sha256_django")


def _pbkdf2_sha1(encoded: str, rest: str) -> ClerkPassword:
    iterations, salt, hash64 = _parts(rest, 3, "pbkdf2_sha1")
    raw = _base64(hash64, "pbkdf2_sha1")
    # Clerk reads a hex salt as hex (any other as its bytes): hex is unambiguous.
    digest = f"pbkdf2_sha1${iterations}${salt.encode().hex()}${raw.hex()}${len(raw)}"
    return checked(digest, "pbkdf2_sha1")


def _bcrypt_sha256(encoded: str, rest: str) -> ClerkPassword:
    return checked(encoded, "bcrypt_sha256_django")


def _bcrypt(encoded: str, rest: str) -> ClerkPassword:
    return checked(rest, "bcrypt")


def _argon2(encoded: str, rest: str) -> ClerkPassword:
    variant, _, params = rest.partition("$")
    if variant not in ("argon2i", "argon2id"):
        raise NoPassword("a Django argon2 password of a variant Clerk has no hasher for")
    if not params.startswith("v=19$"):
        raise NoPassword(
            "a Django argon2 password of a version before 19, which Clerk does not take"
        )
    return checked(f"${rest}", variant)


def _scrypt(encoded: str, rest: str) -> ClerkPassword:
    n, salt, r, p, hash64 = _parts(rest, 5, "scrypt")
    if not (n.isdigit() and r.isdigit() and p.isdigit()):
        raise NoPassword("a Django scrypt password whose n, r and p are not numbers")
    raw = _base64(hash64, "scrypt")
    return checked(scrypt_digest(int(n), int(r), int(p), salt, raw.hex()), "scrypt_werkzeug")


_CONVERTERS: dict[str, Callable[[str, str], ClerkPassword]] = {
    "pbkdf2_sha256": _pbkdf2_sha256,
    "pbkdf2_sha1": _pbkdf2_sha1,
    "bcrypt_sha256": _bcrypt_sha256,
    "bcrypt": _bcrypt,
    "argon2": _argon2,
    "scrypt": _scrypt,
}


def _user_fields(fields: dict[str, Any]) -> dict[str, Any] | Skip:
    """The user's columns: a dumpdata record's ``fields`` with its ``pk`` as ``id``, or the row."""
    inner = fields.get("fields")
    if "model" not in fields or not isinstance(inner, dict):
        return fields
    model = text(fields.get("model")) or "unnamed model"
    if model != "auth.user" and not ("password" in inner and "last_login" in inner):
        return Skip("not_a_user", f"a record of {model}, not a user", text(fields.get("pk")))
    return {**inner, "id": fields.get("pk")}


def user_of(fields: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """A record's user: its source id (as :func:`read` gives it) and its columns, or None for a
    record that is not a user or has no id."""
    found = _user_fields(fields)
    if isinstance(found, Skip):
        return None
    user_id = text(found.get("id")) or text(found.get("username"))
    return None if user_id is None else (user_id, found)


def _convert(imported: Fields, fields: dict[str, Any]) -> tuple[str, UserDraft] | Skip:
    found = _user_fields(fields)
    if isinstance(found, Skip):
        return found
    user_id = text(found.get("id")) or text(found.get("username"))
    if user_id is None:
        return no_id("pk (or username)", "pk", "id", "username")
    email = text(found.get("email"))
    username, username_notes = clerk_username(text(found.get("username")), email, "Django")
    digest, hasher, password_notes = password_fields(
        text(found.get("password")), clerk_password, "Django"
    )
    active = boolean(found.get("is_active"))
    roles = {key: boolean(found.get(key)) for key in ("is_staff", "is_superuser")}
    return user_id, UserDraft(
        emails=contacts(([email] if email else [], True)),
        username=username,
        first_name=text(found.get("first_name")),
        last_name=text(found.get("last_name")),
        created_at=timestamp(found.get("date_joined")),
        banned=None if active is None else not active,
        password_digest=digest,
        password_hasher=hasher,
        private_metadata={key: flag for key, flag in roles.items() if flag is not None} or None,
        notes=password_notes + username_notes,
        dropped=_dropped_user_fields(fields, found, imported),
    )


def _dropped_user_fields(
    fields: dict[str, Any], found: dict[str, Any], imported: Fields
) -> tuple[str, ...]:
    """A dumpdata record's user fields that are not imported (``fields.last_login``...); a CSV
    row's columns are fields of their own, checked as such."""
    if found is fields:
        return ()
    return tuple(f"fields.{name}" for name in dropped_fields(fields["fields"], imported))
