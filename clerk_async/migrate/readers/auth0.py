"""Auth0: the bulk user export (NDJSON, often ``.json.gz``), Management API pages (a JSON array),
the CSV export (every string cell escaped with a leading ``'``), and the password-hash export.

The hash export (NDJSON from Auth0 support) has no ``user_id``: a record's user is ``auth0|`` +
``alt_id`` when set, else ``_id.$oid``. Given as ``password_hashes``, it is indexed on disk
(:class:`HashIndex`) and joined to the profiles by that id; given as an input file itself, each
of its records is a user (email and password only).

Metadata: ``app_metadata`` (set by the application, not the user) goes to ``private_metadata``,
``user_metadata`` (editable by the user) to ``unsafe_metadata``.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
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
from clerk_async.migrate.readers._files import CsvLayout, RawItem, iter_items
from clerk_async.migrate.readers._values import boolean, contacts, json_object, text, timestamp
from clerk_async.migrate.records import SkippedRecord, SourceRecord, UserDraft

__all__ = ["IMPORTED", "HashIndex", "read"]

_BATCH = 5000
IMPORTED = Fields(
    frozenset(
        {
            "user_id",
            "email",
            "email_verified",
            "phone_number",
            "phone_verified",
            "username",
            "given_name",
            "family_name",
            "name",
            "created_at",
            "blocked",
            "passwordHash",
            "app_metadata",
            "user_metadata",
            # the password-hash export's records
            "_id",
            "alt_id",
            "identifiers",
        }
    ),
    prefixes=("app_metadata.", "user_metadata."),  # the CSV export's metadata columns
)


def read(
    paths: Iterable[PathLike], options: ReaderOptions
) -> Iterator[SourceRecord | SkippedRecord]:
    hashes = HashIndex(options.password_hashes) if options.password_hashes is not None else None
    try:
        yield from records(
            "auth0",
            paths,
            partial(_convert, hashes),
            IMPORTED,
            wrappers=("users",),
            csv_layout=CsvLayout(cell=_unescape),
        )
    finally:
        if hashes is not None:
            hashes.close()


class HashIndex:
    """The hash export, indexed by Auth0 user id in a temporary SQLite file (memory stays flat
    however many users the export holds). ``entry`` reads a record's ``(user id, hash)``, or
    None for a record without one (another source's file of hashes: Better Auth's accounts)."""

    def __init__(
        self,
        path: PathLike,
        entry: Callable[[dict[str, Any]], tuple[str, str] | None] | None = None,
    ) -> None:
        self.file = os.fspath(path)
        self._entry = entry or _hash_entry
        self._dir = tempfile.TemporaryDirectory(prefix="clerk-migrate-")
        self._db = sqlite3.connect(os.path.join(self._dir.name, "hashes.db"))
        self._db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
            "CREATE TABLE hashes (id TEXT PRIMARY KEY, hash TEXT NOT NULL) WITHOUT ROWID;"
        )
        try:
            self._load()
        except BaseException:
            self.close()  # a hash export that cannot be read leaves nothing behind
            raise

    def _load(self) -> None:
        batch: list[tuple[str, str]] = []
        for item in iter_items(self.file):
            entry = self._entry(item.fields) if isinstance(item, RawItem) else None
            if entry is not None:  # a user missing from the index gets a note in the plan
                batch.append(entry)
            if len(batch) >= _BATCH:
                self._insert(batch)
        self._insert(batch)

    def _insert(self, batch: list[tuple[str, str]]) -> None:
        self._db.executemany("INSERT OR REPLACE INTO hashes VALUES (?, ?)", batch)
        batch.clear()

    def get(self, user_id: str) -> str | None:
        row = self._db.execute("SELECT hash FROM hashes WHERE id = ?", (user_id,)).fetchone()
        return None if row is None else str(row[0])

    def close(self) -> None:
        self._db.close()
        self._dir.cleanup()


def _hash_user_id(fields: dict[str, Any]) -> str | None:
    oid = fields.get("_id")
    local = text(fields.get("alt_id")) or text(oid.get("$oid") if isinstance(oid, dict) else oid)
    return None if local is None else f"auth0|{local}"


def _hash_entry(fields: dict[str, Any]) -> tuple[str, str] | None:
    user_id = _hash_user_id(fields)
    digest = text(fields.get("passwordHash"))
    return None if user_id is None or digest is None else (user_id, digest)


def _unescape(cell: str) -> str:
    # Auth0's CSV export prefixes every string with "'" against CSV injection; exactly one goes.
    return cell[1:] if cell.startswith("'") else cell


def _convert(hashes: HashIndex | None, fields: dict[str, Any]) -> tuple[str, UserDraft] | Skip:
    if "user_id" not in fields and "_id" in fields:
        return _convert_hash_record(fields)
    user_id = text(fields.get("user_id"))
    if user_id is None:
        return no_id("user_id")
    email = text(fields.get("email"))
    phone = text(fields.get("phone_number"))
    name = text(fields.get("name"))
    if name is not None and "@" in name:
        name = None  # Auth0 fills "name" with the email address when there is none
    digest = text(fields.get("passwordHash"))
    notes: tuple[str, ...] = ()
    if digest is None and hashes is not None:
        digest = hashes.get(user_id)
        if digest is None and user_id.startswith("auth0|"):
            notes = (f"no password hash for {user_id} in {hashes.file}",)
    app_metadata, user_metadata = _metadata(fields)
    return user_id, UserDraft(
        emails=contacts(([email] if email else [], boolean(fields.get("email_verified")) is True)),
        phones=contacts(([phone] if phone else [], boolean(fields.get("phone_verified")) is True)),
        username=text(fields.get("username")),
        first_name=text(fields.get("given_name")),
        last_name=text(fields.get("family_name")),
        display_name=name,
        created_at=timestamp(fields.get("created_at")),
        banned=boolean(fields.get("blocked")),
        password_digest=digest,
        password_hasher="bcrypt" if digest is not None else None,
        private_metadata=app_metadata,
        unsafe_metadata=user_metadata,
        notes=notes,
    )


def _metadata(fields: dict[str, Any]) -> tuple[object, object]:
    """``app_metadata``/``user_metadata`` as objects, or gathered from the CSV export's
    ``app_metadata.<key>`` columns."""
    found: dict[str, object] = {}
    for root in ("app_metadata", "user_metadata"):
        value = json_object(fields.get(root))
        prefix = root + "."
        columns = {
            key[len(prefix) :]: cell for key, cell in fields.items() if key.startswith(prefix)
        }
        if value is None and columns:
            value = {key: cell for key, cell in columns.items() if cell != ""}
        found[root] = value
    return found["app_metadata"], found["user_metadata"]


def _convert_hash_record(fields: dict[str, Any]) -> tuple[str, UserDraft] | Skip:
    user_id = _hash_user_id(fields)
    if user_id is None:
        return no_id("_id.$oid or alt_id", "_id", "alt_id")
    emails: list[tuple[list[str], bool]] = []
    phones: list[tuple[list[str], bool]] = []
    username = None
    email = text(fields.get("email"))
    if email is not None:
        emails.append(([email], boolean(fields.get("email_verified")) is True))
    identifiers = fields.get("identifiers")
    for identifier in identifiers if isinstance(identifiers, list) else ():
        if not isinstance(identifier, dict):
            continue
        kind, value = identifier.get("type"), text(identifier.get("value"))
        verified = boolean(identifier.get("verified")) is True
        if value is None:
            continue
        if kind == "email":
            emails.append(([value], verified))
        elif kind == "phone_number":
            phones.append(([value], verified))
        elif kind == "username":
            username = value
    digest = text(fields.get("passwordHash"))
    return user_id, UserDraft(
        emails=contacts(*emails),
        phones=contacts(*phones),
        username=username,
        password_digest=digest,
        password_hasher="bcrypt" if digest is not None else None,
    )
