"""The journal's file: its SQLite schema, the upgrade of a journal an older version wrote, and the
lock that keeps two runs off one journal."""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

from .states import JournalStateError

__all__ = ["SCHEMA_VERSION", "SOURCE_INDEX", "JournalBusyError", "connect", "take_lock"]

SCHEMA_VERSION = "1"


class JournalBusyError(JournalStateError):
    """Another process is running a migration on this journal."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    seq INTEGER PRIMARY KEY,
    external_id TEXT,
    location TEXT NOT NULL,
    status TEXT NOT NULL,
    clerk_id TEXT,
    code TEXT,
    message TEXT,
    field TEXT,
    identifier TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    uncertain INTEGER NOT NULL DEFAULT 0,
    run_id TEXT,
    updated_at REAL NOT NULL,
    note TEXT,
    dropped INTEGER,
    kind TEXT NOT NULL DEFAULT 'user',
    user_seq INTEGER,
    org_seq INTEGER,
    member_limit INTEGER
);
CREATE TABLE IF NOT EXISTS access (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    first_use TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    clerk_id TEXT,
    message TEXT,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dropped_sets (id INTEGER PRIMARY KEY, names TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS claims (
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (kind, value)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    command TEXT NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL,
    outcome TEXT
);
CREATE TABLE IF NOT EXISTS rollback_log (
    clerk_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    external_id TEXT,
    outcome TEXT NOT NULL,
    code TEXT,
    message TEXT,
    run_id TEXT NOT NULL,
    at REAL NOT NULL
);
"""
#: Columns added since schema 1 was first written: added to an older journal when it is opened.
_ADDED_COLUMNS = {
    "records": {
        "note": "TEXT",
        "dropped": "INTEGER",
        "kind": "TEXT NOT NULL DEFAULT 'user'",
        "user_seq": "INTEGER",
        "org_seq": "INTEGER",
        "member_limit": "INTEGER",
    }
}
#: An index on ``status`` that earlier versions kept: dropped when such a journal is opened. Each
#: record's three status writes moved it (five B-tree changes per user, ~2 us); without it, what
#: reads by status scans the table: ~0.2 s for ``counts()`` on 1,000,000 records, under 0.1 s for
#: a page of ``rows(status)``.
_DROPPED_INDEX = "records_by_status"
#: Indexes over columns an older journal gets when it is opened (so, made after them).
_LATE_INDEXES = (
    "CREATE INDEX IF NOT EXISTS records_by_organization ON records (org_seq) "
    "WHERE org_seq IS NOT NULL"
)
#: Finds a user's or an organization's record by its source id: made when a journal first admits
#: an organization or a membership (a journal of users only never pays for it).
SOURCE_INDEX = (
    "CREATE INDEX IF NOT EXISTS records_by_source ON records (kind, external_id) "
    "WHERE kind <> 'membership'"
)


def connect(path: Path, *, scratch: bool) -> sqlite3.Connection:
    """The journal's database, its schema in place. ``scratch``: no durability (a dry run's plan,
    thrown away)."""
    try:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise JournalStateError(f"cannot open the journal {path}: {exc}") from None
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=" + ("OFF" if scratch else "NORMAL"))
        db.execute("PRAGMA busy_timeout=5000")
        db.executescript(_SCHEMA)
        _check_schema(db, path)
        db.execute(_LATE_INDEXES)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise JournalStateError(f"{path} is not a migration journal: {exc}") from None
    except BaseException:
        db.close()
        raise
    return db


def _check_schema(db: sqlite3.Connection, path: Path) -> None:
    row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if row is None:
        db.execute("BEGIN IMMEDIATE")
        db.execute(
            "INSERT OR IGNORE INTO meta VALUES ('schema', ?), ('import_id', ?), ('created_at', ?)",
            (SCHEMA_VERSION, uuid.uuid4().hex, repr(time.time())),
        )
        db.execute("COMMIT")
    elif row[0] != SCHEMA_VERSION:
        raise JournalStateError(
            f"{path} is a journal of schema {row[0]}; this version reads {SCHEMA_VERSION}"
        )
    for table, columns in _ADDED_COLUMNS.items():
        present = {info[1] for info in db.execute(f"PRAGMA table_info({table})")}
        for name, kind in columns.items():
            if name not in present:
                db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
    found = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?"
    if db.execute(found, (_DROPPED_INDEX,)).fetchone() is not None:
        db.execute(f"DROP INDEX IF EXISTS {_DROPPED_INDEX}")


def take_lock(path: Path) -> Any:
    """An exclusive, non-blocking lock on ``<path>.lock``; released by the OS if we die."""
    lock_path = path.with_name(path.name + ".lock")
    handle = open(lock_path, "a+")  # noqa: SIM115 - held for the journal's lifetime
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory lock
        return handle
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise JournalBusyError(
            f"another clerk-migrate is running on the journal {path} (it holds {lock_path})"
        ) from None
    return handle
