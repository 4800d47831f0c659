"""Flask and other werkzeug applications: their users table as CSV (header row), NDJSON or JSON.

The table's column names are the application's own; ``columns`` names them (``{"id": "user_id",
"password_hash": "pw"}``), the rest keep their defaults (:data:`COLUMNS`). Without a
``password_hash`` column name given, a table with a ``password`` column and no ``password_hash``
one (Flask's tutorial) is read from ``password``.

Passwords are what ``werkzeug.security.generate_password_hash`` writes (werkzeug 2.3 and later,
and earlier pbkdf2 ones), rewritten into the digest Clerk documents:

- ``scrypt:<n>:<r>:<p>$<salt>$<hex>`` -> ``scrypt_werkzeug``, ``$scrypt:<n>:<r>:<p>$<salt>$<hex>``
  (the leading ``$`` Clerk's docs show);
- ``pbkdf2:sha256:<iterations>$<salt>$<hex>`` -> ``pbkdf2_sha256``, with the salt's bytes and the
  hash in base64 as Clerk's docs ask; ``pbkdf2:sha512`` -> ``pbkdf2_sha512`` (plain salt, hex
  hash); ``pbkdf2:sha1`` -> ``pbkdf2_sha1`` with the salt in hex and its 20-byte key length.

werkzeug's removed plain methods (``sha256$...``, ``md5$...``, ``plain$...``), a ``pbkdf2`` hash
without its iteration count (its meaning depends on the werkzeug version) and anything else are
left out: the user is imported without a password and the report says why.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Iterator, Mapping
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
    no_id,
    records,
)
from clerk_async.migrate.readers._values import contacts, text, timestamp
from clerk_async.migrate.records import SkippedRecord, SourceError, SourceRecord, UserDraft

__all__ = ["COLUMNS", "clerk_password", "read", "scrypt_digest"]

#: What each column holds, and its default name.
COLUMNS: Mapping[str, str] = {
    "id": "id",
    "email": "email",
    "username": "username",
    "password_hash": "password_hash",
    "first_name": "first_name",
    "last_name": "last_name",
    "created_at": "created_at",
}
#: werkzeug's defaults when a hash names its method alone.
_SCRYPT_DEFAULTS = (2**15, 8, 1)
#: Plain hashes werkzeug wrote before 3.0 (salted HMAC, or the password itself).
_LEGACY_METHODS = frozenset({"plain", "md5", "sha1", "sha224", "sha256", "sha384", "sha512"})


def read(
    paths: Iterable[PathLike], options: ReaderOptions
) -> Iterator[SourceRecord | SkippedRecord]:
    unknown = sorted(set(options.columns) - set(COLUMNS))
    if unknown:
        raise SourceError(
            f"werkzeug: no column role {', '.join(unknown)}; the roles are {', '.join(COLUMNS)}"
        )
    names = {**COLUMNS, **options.columns}
    fallback = "password_hash" not in options.columns
    imported = Fields(frozenset(names.values()) | ({"password"} if fallback else set()))
    return records("werkzeug", paths, partial(_convert, names, fallback), imported)


def scrypt_digest(n: int, r: int, p: int, salt: str, hash_hex: str) -> str:
    """Clerk's ``scrypt_werkzeug`` digest: werkzeug's own, after the ``$`` Clerk's docs show."""
    return f"$scrypt:{n}:{r}:{p}${salt}${hash_hex}"


def clerk_password(stored: str) -> ClerkPassword:
    """Clerk's digest and hasher for a werkzeug password hash, or :class:`NoPassword`."""
    method, _, rest = stored.partition("$")
    salt, _, hash_hex = rest.partition("$")
    name, *args = method.split(":")
    if name in _LEGACY_METHODS and not args:
        raise NoPassword(f"werkzeug's {name} method, removed in werkzeug 3.0, has no Clerk hasher")
    if name not in ("scrypt", "pbkdf2") or not salt or not hash_hex or "$" in hash_hex:
        raise NoPassword("not a werkzeug password hash (scrypt:... or pbkdf2:...)")
    try:
        raw = bytes.fromhex(hash_hex)
    except ValueError:
        raise NoPassword(f"the hash of a werkzeug {name} password is not hex") from None
    if name == "scrypt":
        return _scrypt(args, salt, hash_hex)
    return _pbkdf2(args, salt, raw)


def _scrypt(args: list[str], salt: str, hash_hex: str) -> ClerkPassword:
    if args and (len(args) != 3 or not all(arg.isdigit() for arg in args)):
        raise NoPassword("a werkzeug scrypt hash takes three numbers, scrypt:<n>:<r>:<p>")
    n, r, p = (int(arg) for arg in args) if args else _SCRYPT_DEFAULTS
    return checked(scrypt_digest(n, r, p, salt, hash_hex), "scrypt_werkzeug")


def _pbkdf2(args: list[str], salt: str, raw: bytes) -> ClerkPassword:
    if len(args) != 2 or not args[1].isdigit():
        raise NoPassword(
            "a werkzeug pbkdf2 hash without its iteration count (pbkdf2:<hash>:<iterations>): "
            "the count it stands for depends on the werkzeug version that wrote it"
        )
    algorithm, iterations = args[0].lower(), int(args[1])
    if algorithm == "sha256":
        b64 = base64.b64encode
        salt64, hash64 = b64(salt.encode()).decode(), b64(raw).decode()
        return checked(f"pbkdf2_sha256${iterations}${salt64}${hash64}", "pbkdf2_sha256")
    if algorithm == "sha512":
        return checked(f"pbkdf2_sha512${iterations}${salt}${raw.hex()}", "pbkdf2_sha512")
    if algorithm == "sha1":
        digest = f"pbkdf2_sha1${iterations}${salt.encode().hex()}${raw.hex()}${len(raw)}"
        return checked(digest, "pbkdf2_sha1")
    shown = algorithm if algorithm in hashlib.algorithms_available else "this hash function"
    raise NoPassword(f"werkzeug pbkdf2 with {shown} has no Clerk hasher")


def _convert(
    names: Mapping[str, str], fallback: bool, fields: dict[str, Any]
) -> tuple[str, UserDraft] | Skip:
    user_id = text(fields.get(names["id"]))
    if user_id is None:
        return no_id(f"{names['id']} column", names["id"])
    column = names["password_hash"]
    if fallback and column not in fields and "password" in fields:
        column = "password"
    email = text(fields.get(names["email"]))
    username, username_notes = clerk_username(text(fields.get(names["username"])), email, "app's")
    digest, hasher, password_notes = password_fields(
        text(fields.get(column)), clerk_password, "werkzeug"
    )
    return user_id, UserDraft(
        emails=contacts(([email] if email else [], True)),
        username=username,
        first_name=text(fields.get(names["first_name"])),
        last_name=text(fields.get(names["last_name"])),
        created_at=timestamp(fields.get(names["created_at"])),
        password_digest=digest,
        password_hasher=hasher,
        notes=password_notes + username_notes,
    )
