"""The journal: the truth about every record of a migration, in one SQLite file (stdlib sqlite3).

Clerk has no idempotency key, so what makes a migration exactly-once is this file: each record's
status (see :mod:`clerk_async.migrate.states`) is written before its ``POST /users`` (``in_flight``,
committed) and after it. A run killed at any point leaves ``in_flight`` records that the next run
looks up in Clerk before anything is sent again.

Durability: WAL with ``synchronous=NORMAL``. A commit is in the operating system's hands when
``commit()`` returns, so it survives ``kill -9`` of the process; only a power cut or a kernel crash
can lose the last commits. That case is covered too: Clerk's ``external_id`` is unique per
instance, so a record whose ``created`` was lost comes back as ``in_flight`` or ``pending``, and
its lookup or its 422 ``form_identifier_exists`` settles it without a second account. ``FULL``
would add an fsync per commit, which at a thousand records per ten seconds costs more than it
protects.

Outcome writes (``created``, ``failed``...) are committed in batches (every few hundred changes or
half a second, and always before an ``in_flight`` commit): losing one to a kill only means one more
lookup. ``created`` for a record this journal marked in flight is checked in Python and its UPDATE
queued, to be written with the others in one ``executemany`` before any other statement (read or
write) runs on the file, so that what is read is always what was decided.

The file holds no secret: records are re-read from the input, never stored.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from .journal_admit import Entry, admit
from .journal_db import SCHEMA_VERSION, JournalBusyError, connect, take_lock
from .journal_read import JournalRow, JournalView
from .states import JournalStateError, Status, check_move

__all__ = [
    "SCHEMA_VERSION",
    "Entry",
    "InputMismatchError",
    "Journal",
    "JournalBusyError",
    "JournalRow",
]

#: Outcome writes are committed at least this often (seconds) and every this many changes.
COMMIT_INTERVAL = 0.5
COMMIT_EVERY = 500


class InputMismatchError(JournalStateError):
    """The journal was started from other input files than the ones given now."""


class Journal(JournalView):
    """One migration's journal file. Use as a context manager, or call :meth:`close`.

    ``Journal(path)`` creates the file if needed. ``lock=True`` (what a run uses) takes an
    exclusive lock on ``<path>.lock`` so that two runs never share a journal; readers such as
    ``clerk-migrate status`` open it without. ``scratch=True`` skips durability (a dry run's plan).
    """

    def __init__(
        self, path: str | os.PathLike[str], *, lock: bool = False, scratch: bool = False
    ) -> None:
        self.path = Path(path)
        self._lock_file: Any = None
        self.run_id: str | None = None
        self._in_transaction = False
        self._dropped_sets: dict[tuple[str, ...], int] | None = None
        self._dirty = 0
        self._last_commit = time.monotonic()
        #: Records this journal moved to ``in_flight`` and has not moved since: ``created`` may
        #: follow, checked here and queued in ``_created`` (see :meth:`created`).
        self._flying: set[int] = set()
        #: Their UPDATEs' parameters, four values a record in one flat list (a tuple per record
        #: held until the next write would count towards the collector's next pass, and be
        #: walked by it); made into rows only as ``executemany`` takes them.
        self._created: list[str | float | int | None] = []
        self._conn: sqlite3.Connection | None = None
        if lock:
            self._lock_file = take_lock(self.path)
        try:
            self._conn = connect(self.path, scratch=scratch)
            self._live = self.counts()
        except BaseException:
            self.close()
            raise

    # -- lifecycle -----------------------------------------------------------------------------

    def __enter__(self) -> Journal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        db = getattr(self, "_conn", None)
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                if self._in_transaction:
                    self._write_created(db)
                    db.execute("COMMIT")
            db.close()
            self._conn = None
        self._release_lock()

    @property
    def _db(self) -> sqlite3.Connection:  # type: ignore[override]
        """The journal's connection, the queued ``created`` outcomes written first."""
        db = self._conn
        if db is None:
            raise JournalStateError(f"the journal {self.path} is closed")
        if self._created:
            self._write_created(db)
        return db

    def _write_created(self, db: sqlite3.Connection) -> None:
        queued, self._created = self._created, []
        values = iter(queued)
        cursor = db.executemany(
            "UPDATE records SET status = 'created', clerk_id = ?, code = NULL, message = NULL, "
            "run_id = ?, updated_at = ? WHERE seq = ? AND status = 'in_flight'",
            zip(values, values, values, values, strict=True),
        )
        if cursor.rowcount != len(queued) // 4:  # pragma: no cover - each checked when queued
            raise JournalStateError("a record marked created was no longer in flight")

    def _release_lock(self) -> None:
        lock_file, self._lock_file = self._lock_file, None
        if lock_file is not None:
            lock_file.close()

    # -- metadata, runs and the input ----------------------------------------------------------

    @property
    def import_id(self) -> str:
        """The id of this migration: one per journal, in every run's log lines."""
        return self.get_meta("import_id") or ""

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self._write("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
        self.commit()

    def pacing(self) -> tuple[float, float] | None:
        """The last run's rate limiter, as it saved it: when it would send next and until when
        it was paused (``time.time()`` seconds)."""
        text = self.get_meta("pacing")
        if text is None:
            return None
        next_send_at, paused_until = json.loads(text)
        return float(next_send_at), float(paused_until)

    def save_pacing(self, next_send_at: float, paused_until: float) -> None:
        self.set_meta("pacing", json.dumps([next_send_at, paused_until]))

    def bind_input(self, fingerprint: str, description: dict[str, Any]) -> bool:
        """Tie the journal to its input; True the first time, raises if it differs later."""
        known = self.get_meta("fingerprint")
        if known is None:
            self._write("INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (fingerprint,))
            self._write(
                "INSERT OR REPLACE INTO meta VALUES ('input', ?)",
                (json.dumps(description, sort_keys=True),),
            )
            self.commit()
            return True
        if known != fingerprint:
            raise InputMismatchError(
                f"the journal {self.path} belongs to other input ({self._describe_input()}); "
                "these files differ from it. Resume with the same files, or start a new "
                "migration with another --journal."
            )
        return False

    def input_description(self) -> dict[str, Any] | None:
        text = self.get_meta("input")
        return None if text is None else dict(json.loads(text))

    def _describe_input(self) -> str:
        description = self.input_description() or {}
        files = ", ".join(description.get("files", [])) or "unknown files"
        return f"--from {description.get('source', '?')} {files}"

    def begin_run(self, command: str) -> str:
        """Start a run (an ``import``, ``retry-failed`` or ``rollback``); returns its id."""
        self.run_id = uuid.uuid4().hex[:12]
        self._write("INSERT INTO runs VALUES (?, ?, ?, NULL, NULL)", (self.run_id, command, _now()))
        self.commit()
        return self.run_id

    def end_run(self, outcome: str) -> None:
        if self.run_id is not None:
            self._write(
                "UPDATE runs SET finished_at = ?, outcome = ? WHERE run_id = ?",
                (_now(), outcome, self.run_id),
            )
        self.commit()

    def runs(self) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT run_id, command, started_at, finished_at, outcome FROM runs ORDER BY started_at"
        )
        keys = ("run_id", "command", "started_at", "finished_at", "outcome")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    # -- admitting records ---------------------------------------------------------------------

    @property
    def admitted(self) -> int:
        """How many records the journal has seen: the next record's ``seq``."""
        row = self._db.execute("SELECT MAX(seq) FROM records").fetchone()
        return 0 if row[0] is None else int(row[0]) + 1

    def admit(
        self, first_seq: int, entries: Sequence[Entry], *, commit: bool = True
    ) -> list[Status]:
        """Record ``entries`` as seqs ``first_seq...``; their statuses (duplicates found here).

        Seqs the journal already holds are left as they are (a resumed run re-reads its input), so
        admitting is idempotent. A pending record claiming an identifier an earlier record holds
        is a duplicate, and claims nothing; a membership whose user or organization cannot be
        imported is invalid (see :mod:`.journal_admit`). One transaction for the whole batch;
        ``commit=False`` leaves it open, for the next commit to carry (admitting again after a
        kill is harmless, and what a record claims lands on fewer pages per commit).
        """
        return admit(self, self._db, first_seq, entries, commit=commit)

    def count_admitted(self, statuses: Iterable[Status]) -> None:
        for status in statuses:
            self._live[status] += 1

    @staticmethod
    def now() -> float:
        return _now()

    def dropped_set(self, names: tuple[str, ...]) -> int:
        """The id of a set of dropped field names (the records of one input share a few)."""
        ids = self._dropped_ids()
        if names not in ids:
            self.begin()
            cursor = self._db.execute(
                "INSERT INTO dropped_sets (names) VALUES (?)", (json.dumps(names),)
            )
            ids[names] = int(cursor.lastrowid or 0)
        return ids[names]

    # -- moves ---------------------------------------------------------------------------------

    def mark_in_flight(self, seqs: Sequence[int]) -> None:
        """``pending -> in_flight`` (one more attempt), committed before anything is sent.

        One UPDATE per run of consecutive seqs (a group to send is usually one run), not one per
        record: what SQLite does per row is the same, the statements and their parameters are
        not."""
        if not seqs:
            return
        self.begin()
        db = self._db
        db.execute("SAVEPOINT marking")
        params = (self.run_id, _now())
        marked = 0
        for first, last in _runs(seqs):
            marked += db.execute(
                "UPDATE records SET status = 'in_flight', attempts = attempts + 1, code = NULL, "
                "message = NULL, run_id = ?, updated_at = ? "
                "WHERE seq BETWEEN ? AND ? AND status = 'pending'",
                (*params, first, last),
            ).rowcount
        if marked != len(seqs):  # a record was not pending, or was named twice: undo, say which
            db.execute("ROLLBACK TO marking")
            db.execute("RELEASE marking")
            for seq in seqs:
                status = self.status_of(seq)
                check_move(seq, status, "in_flight")
                if status != "pending":
                    raise JournalStateError(f"record {seq}: is {status}, not pending")
            raise JournalStateError("a record to mark in flight was named twice")
        db.execute("RELEASE marking")
        self._flying.update(seqs)
        self._live["pending"] -= len(seqs)
        self._live["in_flight"] += len(seqs)
        self.commit()

    def another_attempt(self, seq: int, *, uncertain: bool) -> None:
        """``in_flight -> in_flight``: a lookup found nothing, the record is sent once more."""
        self._move(
            seq,
            "in_flight",
            "in_flight",
            "attempts = attempts + 1, uncertain = MAX(uncertain, ?)",
            (int(uncertain),),
        )
        self.commit_soon()

    def created(self, seq: int, clerk_id: str) -> None:
        """``in_flight -> created``. A record this journal marked in flight is known to be
        allowed the move: its UPDATE is queued, and written before the next statement."""
        try:
            self._flying.remove(seq)
        except KeyError:
            self._outcome(seq, "created", "clerk_id = ?, code = NULL, message = NULL", (clerk_id,))
            return
        if not self._in_transaction:
            self.begin()
        self._created += clerk_id, self.run_id, _now(), seq
        live = self._live
        live["in_flight"] -= 1
        live["created"] += 1
        self._dirty = dirty = self._dirty + 1
        # commit_soon(), without its call for each user
        if dirty >= COMMIT_EVERY or time.monotonic() - self._last_commit >= COMMIT_INTERVAL:
            self.commit()

    def found_before_sending(
        self,
        seq: int,
        clerk_id: str,
        *,
        code: str = "external_id_exists",
        message: str | None = None,
    ) -> None:
        """``pending -> already_imported``: the look before the first POST found the record."""
        text = message or f"a user with this external_id was already in Clerk: {clerk_id}"
        self._move(seq, "already_imported", "pending", "clerk_id = ?, code = ?, message = ?",
                   (clerk_id, code, text))  # fmt: skip
        self.commit_soon()

    def already_imported(
        self,
        seq: int,
        clerk_id: str,
        *,
        code: str = "form_identifier_exists",
        message: str | None = None,
    ) -> None:
        text = message or f"a user with this external_id was already in Clerk: {clerk_id}"
        self._outcome(
            seq, "already_imported", "clerk_id = ?, code = ?, message = ?", (clerk_id, code, text)
        )

    def refused_before_sending(
        self, seq: int, status: Status, code: str, message: str, identifier: str | None = None
    ) -> None:
        """``pending -> conflict | failed``: known before any POST (another organization holds
        the slug; a membership's user or organization was not imported)."""
        self._move(seq, status, "pending", "identifier = ?, code = ?, message = ?",
                   (identifier, code, message))  # fmt: skip
        self.commit_soon()

    def sent(self, seq: int, clerk_id: str) -> None:
        """An in-flight record's Clerk id, known before the record is settled (an organization
        whose domains are still to add); it stays ``in_flight``."""
        self._move(seq, "in_flight", "in_flight", "clerk_id = ?", (clerk_id,))
        self.commit()

    def set_access(
        self,
        kind: str,
        key: str,
        status: str,
        *,
        clerk_id: str | None = None,
        message: str | None = None,
    ) -> None:
        """Where a role or a permission the migration needs stands (committed at once: an
        ``in_flight`` one is written before its POST)."""
        self._write(
            "INSERT INTO access (kind, key, status, clerk_id, message) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (kind, key) DO UPDATE SET status = excluded.status, "
            "clerk_id = COALESCE(excluded.clerk_id, clerk_id), message = excluded.message",
            (kind, key, status, clerk_id, message),
        )
        self.commit()

    def add_note(self, seq: int, text: str) -> None:
        """One more thing the report says about a record (kept with the earlier notes)."""
        self._write(
            "UPDATE records SET note = CASE WHEN note IS NULL THEN ? ELSE note || '; ' || ? END "
            "WHERE seq = ?",
            (text, text, seq),
        )
        self.commit_soon()

    def conflict(self, seq: int, identifier: str, code: str, message: str) -> None:
        self._outcome(
            seq, "conflict", "identifier = ?, code = ?, message = ?", (identifier, code, message)
        )

    def failed(self, seq: int, code: str, message: str, *, uncertain: bool = False) -> None:
        self._outcome(
            seq,
            "failed",
            "code = ?, message = ?, uncertain = MAX(uncertain, ?)",
            (code, message, int(uncertain)),
        )

    def back_to_pending(self, seq: int, *, uncertain: bool = False) -> None:
        """``in_flight -> pending``: looked up and absent, or never answered (run stopped)."""
        self._outcome(seq, "pending", "uncertain = MAX(uncertain, ?)", (int(uncertain),))

    def retry_failed(self) -> int:
        """``failed -> pending`` for every failed record; how many."""
        self.begin()
        cursor = self._db.execute(
            "UPDATE records SET status = 'pending', run_id = ?, updated_at = ? "
            "WHERE status = 'failed'",
            (self.run_id, _now()),
        )
        self.commit()
        self._live["failed"] -= cursor.rowcount
        self._live["pending"] += cursor.rowcount
        return cursor.rowcount

    def rolled_back(self, seq: int, clerk_id: str, outcome: str, code: str | None = None,
                    message: str | None = None) -> None:  # fmt: skip
        """Log a rollback's deletion (``deleted`` or ``not_found``); the record is rolled back."""
        self.begin()
        self._db.execute(
            "INSERT OR REPLACE INTO rollback_log SELECT ?, seq, external_id, ?, ?, ?, ?, ? "
            "FROM records WHERE seq = ?",
            (clerk_id, outcome, code, message, self.run_id or "", _now(), seq),
        )
        self._move(seq, "rolled_back", "created", "code = NULL", ())
        self._dirty += 1
        self.commit_soon()

    def rollback_failed(self, seq: int, clerk_id: str, code: str, message: str) -> None:
        """Log a deletion that did not happen; the record stays ``created``."""
        self._write(
            "INSERT OR REPLACE INTO rollback_log SELECT ?, seq, external_id, 'failed', ?, ?, ?, ? "
            "FROM records WHERE seq = ?",
            (clerk_id, code, message, self.run_id or "", _now(), seq),
        )
        self.commit_soon()

    def rollback_log(self) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT clerk_id, seq, external_id, outcome, code, message, run_id, at "
            "FROM rollback_log ORDER BY seq"
        )
        keys = ("clerk_id", "seq", "external_id", "outcome", "code", "message", "run_id", "at")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def _outcome(self, seq: int, status: Status, assignments: str, params: tuple[Any, ...]) -> None:
        self._move(seq, status, "in_flight", assignments, params)
        self.commit_soon()

    def _move(
        self,
        seq: int,
        status: Status,
        old: Status,
        assignments: str,
        params: tuple[Any, ...],
        now: float | None = None,
    ) -> None:
        """``old -> status`` for one record: the UPDATE matches only a record that is ``old``."""
        self.begin()
        cursor = self._db.execute(
            f"UPDATE records SET status = ?, {assignments}, run_id = ?, updated_at = ? "
            "WHERE seq = ? AND status = ?",
            (status, *params, self.run_id, now or _now(), seq, old),
        )
        if cursor.rowcount != 1:
            check_move(seq, self.status_of(seq), status)  # raises: the move is not allowed
            raise JournalStateError(f"record {seq}: cannot become {status}")  # pragma: no cover
        if status == "in_flight":
            self._flying.add(seq)
        else:
            self._flying.discard(seq)
        self._live[old] -= 1
        self._live[status] += 1
        self._dirty += 1

    # -- transactions --------------------------------------------------------------------------

    def begin(self) -> None:
        if not self._in_transaction:
            self._db.execute("BEGIN IMMEDIATE")
            self._in_transaction = True

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        self.begin()
        self._db.execute(sql, params)
        self._dirty += 1

    def commit(self) -> None:
        if self._in_transaction:
            self._db.execute("COMMIT")
            self._in_transaction = False
        self._dirty = 0
        self._last_commit = time.monotonic()

    def commit_soon(self) -> None:
        """Commit when enough outcome writes have gathered, or enough time has passed."""
        if self._dirty >= COMMIT_EVERY or time.monotonic() - self._last_commit >= COMMIT_INTERVAL:
            self.commit()

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r})"


#: The time a change is written with (seconds since the epoch).
_now = time.time


def _runs(seqs: Sequence[int]) -> Iterator[tuple[int, int]]:
    """``(first, last)`` of each run of consecutive seqs, in order."""
    first = last = seqs[0]
    for seq in seqs[1:]:
        if seq != last + 1:
            yield first, last
            first = seq
        last = seq
    yield first, last
