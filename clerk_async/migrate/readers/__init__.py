"""Readers: one module per source, each streaming its export files into records.

``read_source`` is the entry point; see :mod:`clerk_async.migrate.records` for what it yields.
Every reader streams (memory stays flat whatever the file size), reads ``.gz`` files
transparently and tells NDJSON, JSON documents and CSV apart by their content.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from typing import Literal

from clerk_async.migrate.readers import (
    auth0,
    authjs,
    clerk,
    cognito,
    django,
    firebase,
    generic,
    supabase,
    werkzeug,
)
from clerk_async.migrate.readers._common import PathLike, ReaderOptions
from clerk_async.migrate.readers.firebase_config import (
    FirebaseHashConfig,
    load_hash_config,
    parse_hash_config,
)
from clerk_async.migrate.records import (
    SOURCES,
    SkippedRecord,
    SourceError,
    SourceRecord,
    UnknownSourceError,
)

__all__ = [
    "FirebaseHashConfig",
    "PathLike",
    "ReaderOptions",
    "load_hash_config",
    "parse_hash_config",
    "read_source",
]

Reader = Callable[[Iterable[PathLike], ReaderOptions], Iterator[SourceRecord | SkippedRecord]]

_READERS: dict[str, Reader] = {
    "clerk": clerk.read,
    "auth0": auth0.read,
    "firebase": firebase.read,
    "supabase": supabase.read,
    "authjs": authjs.read,
    "cognito": cognito.read,
    "django": django.read,
    "werkzeug": werkzeug.read,
    "jsonl": partial(generic.read, source="jsonl"),
    "csv": partial(generic.read, source="csv"),
}
assert tuple(_READERS) == SOURCES


def read_source(
    source: str,
    paths: Iterable[PathLike],
    *,
    password_hashes: PathLike | None = None,
    hash_config: PathLike | None = None,
    cognito_user_pool_id: str | None = None,
    cognito_client_id: str | None = None,
    cognito_identifier: Literal["username", "email", "sub"] = "username",
    columns: Mapping[str, str] | None = None,
) -> Iterator[SourceRecord | SkippedRecord]:
    """Stream every record of ``paths`` (read in order) as ``source`` exports them.

    ``password_hashes`` is Auth0's password-hash export, ``hash_config`` Firebase's hash
    parameters; the ``cognito_*`` options make Clerk's lazy ``awscognito`` passwords; ``columns``
    names a werkzeug users table's columns by role (``{"id": "user_id"}``). An option
    the source does not use is refused, so that a mistyped ``--from`` cannot drop passwords.
    """
    reader = _READERS.get(source)
    if reader is None:
        raise UnknownSourceError(f"unknown source {source!r}; use one of {', '.join(SOURCES)}.")
    given = {
        "password_hashes": (password_hashes, "auth0"),
        "hash_config": (hash_config, "firebase"),
        "cognito_user_pool_id": (cognito_user_pool_id, "cognito"),
        "cognito_client_id": (cognito_client_id, "cognito"),
        "columns": (columns, "werkzeug"),
    }
    for name, (value, owner) in given.items():
        if value is not None and source != owner:
            raise SourceError(f"{name} is for the {owner} source, not {source}.")
    if cognito_identifier not in ("username", "email", "sub"):
        raise SourceError("cognito_identifier is one of username, email, sub.")
    options = ReaderOptions(
        password_hashes=password_hashes,
        hash_config=hash_config,
        cognito_user_pool_id=cognito_user_pool_id,
        cognito_client_id=cognito_client_id,
        cognito_identifier=cognito_identifier,
        columns=dict(columns or {}),
    )
    return reader(list(paths), options)
