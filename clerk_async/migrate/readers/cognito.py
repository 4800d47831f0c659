"""AWS Cognito: ``ListUsers`` pages (``{"Users": [...]}``, one file or one page per line), NDJSON
or a JSON array of users, or CSV with Cognito's attribute names (its import template).

Attribute values are strings (``"true"``/``"false"``); ``custom:*`` attributes go to
``private_metadata`` without their prefix. The external id is the ``sub`` attribute (stable
across username changes), else ``Username``. ``Enabled: false`` becomes ``banned``. Cognito never
exports hashes: given the user pool and app client ids, each ``CONFIRMED`` user gets Clerk's
lazy ``awscognito`` digest, naming the identifier the user signs in with (``username``, the
default, ``email`` or ``sub``); Clerk checks the password against Cognito at the first sign-in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any

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
from clerk_async.migrate.records import SkippedRecord, SourceError, SourceRecord, UserDraft

__all__ = ["ATTRIBUTES", "IMPORTED", "read"]

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_CUSTOM = "custom:"
#: Where a user's id may be: the ListUsers shape's, or the CSV template's columns.
_ID_FIELDS = ("Username", "Attributes", "UserAttributes", "sub", "cognito:username")
#: The user attributes imported (in ``Attributes``, or as the CSV template's columns).
ATTRIBUTES = Fields(
    frozenset(
        {
            "sub",
            "email",
            "email_verified",
            "phone_number",
            "phone_number_verified",
            "given_name",
            "family_name",
            "name",
            "preferred_username",
            "cognito:username",
        }
    ),
    prefixes=(_CUSTOM,),
)
IMPORTED = Fields(
    ATTRIBUTES.names
    | {"Username", "Attributes", "UserAttributes", "Enabled", "UserStatus", "UserCreateDate"},
    prefixes=(_CUSTOM,),
)


def read(
    paths: Iterable[PathLike], options: ReaderOptions
) -> Iterator[SourceRecord | SkippedRecord]:
    pool, client = options.cognito_user_pool_id, options.cognito_client_id
    if (pool is None) != (client is None):
        raise SourceError(
            "cognito: give both the user pool id and the app client id for awscognito passwords, "
            "or neither"
        )
    convert = partial(_convert, pool, client, options.cognito_identifier)
    return records("cognito", paths, convert, IMPORTED, wrappers=("Users",))


def _attributes(fields: dict[str, Any]) -> dict[str, Any]:
    listed = fields.get("Attributes", fields.get("UserAttributes"))
    if isinstance(listed, list):
        pairs = (item for item in listed if isinstance(item, dict))
        return {str(item.get("Name")): item.get("Value") for item in pairs}
    return fields  # the CSV template: attributes are the columns


def _username(attributes: dict[str, Any], username: str | None) -> str | None:
    preferred = text(attributes.get("preferred_username"))
    if preferred is not None:
        return preferred
    if username is None or _UUID.match(username) or "@" in username or username.startswith("+"):
        return None  # a generated or alias-based Cognito username is nothing the user chose
    return username


def _convert(
    pool: str | None, client: str | None, identifier_kind: str, fields: dict[str, Any]
) -> tuple[str, UserDraft] | Skip:
    attributes = _attributes(fields)
    username = text(fields.get("Username", attributes.get("cognito:username")))
    sub = text(attributes.get("sub"))
    user_id = sub or username
    if user_id is None:
        return no_id("sub attribute or Username", *_ID_FIELDS)
    email = text(attributes.get("email"))
    phone = text(attributes.get("phone_number"))
    custom = {
        key[len(_CUSTOM) :]: value for key, value in attributes.items() if key.startswith(_CUSTOM)
    }
    enabled = boolean(fields.get("Enabled"))
    status = text(fields.get("UserStatus"))
    digest: str | None = None
    notes: tuple[str, ...] = ()
    if pool is not None and client is not None:
        sign_in = {"username": username, "email": email, "sub": sub}[identifier_kind]
        if status not in (None, "CONFIRMED"):
            notes = (f"no awscognito password: the Cognito user is {status}",)
        elif sign_in is None:
            notes = (f"no awscognito password: the user has no {identifier_kind}",)
        else:
            digest = f"awscognito#{pool}#{client}#{sign_in}"
    return user_id, UserDraft(
        emails=contacts(([email] if email else [], _flag(attributes.get("email_verified")))),
        phones=contacts(([phone] if phone else [], _flag(attributes.get("phone_number_verified")))),
        username=_username(attributes, username),
        first_name=text(attributes.get("given_name")),
        last_name=text(attributes.get("family_name")),
        display_name=text(attributes.get("name")),
        created_at=timestamp(fields.get("UserCreateDate")),
        banned=None if enabled is None else not enabled,
        password_digest=digest,
        password_hasher="awscognito" if digest is not None else None,
        private_metadata=custom or None,
        notes=notes,
        dropped=_dropped_attributes(attributes, fields),
    )


def _dropped_attributes(attributes: dict[str, Any], fields: dict[str, Any]) -> tuple[str, ...]:
    """The user attributes of an ``Attributes`` list that are not imported (the CSV template's
    columns are fields of their own, checked as such)."""
    if attributes is fields:
        return ()
    return tuple(f"Attributes.{name}" for name in dropped_fields(attributes, ATTRIBUTES))


def _flag(value: object) -> bool:
    return boolean(value) is True
