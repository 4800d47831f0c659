"""Admitting records to the journal: their first status, the duplicates in the input, and what an
organization or a membership needs.

Every record is keyed by its kind and its source id. A pending record claims what must be unique
(a user's ``external_id``, email addresses, phones and username; an organization's source id and
slug; a membership's organization and user): a later record claiming one of them is a
``duplicate``. A membership names its user and its organization by their source ids: each must be
a record of the input that can be imported, else the membership is ``invalid`` (``user_not_found``,
``user_invalid``, ``organization_not_found``, ``organization_invalid``). An organization's creator
is optional: one that is not in the input, or invalid there, leaves the organization without one
(and a note says so). The roles pending memberships use are counted in the ``access`` table.

Everything is looked up with SQLite's indexes, a batch at a time, so memory stays flat.
"""

from __future__ import annotations

import functools
import itertools
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import msgspec

from clerk_async.migrate.records import RecordKind, split_membership_key

from .journal_db import SOURCE_INDEX
from .states import ADMITTED, JournalStateError, Status

__all__ = ["UNUSABLE", "Entry", "admit"]

#: Values per ``IN (...)`` query (SQLite allows 32,766 parameters; smaller keeps plans simple).
QUERY_VALUES = 500
#: Rows per multi-row INSERT: each execution of a statement costs SQLite and sqlite3 as much as
#: a row or two (cursors opened and freed, the GIL released and taken), so the rows of a batch
#: go in a few statements, not one each. 50 rows of 16 columns stay under the 999 parameters
#: older SQLite builds allow.
INSERT_ROWS = 50
#: Statuses of a record that will never be imported: nothing can depend on it.
UNUSABLE: frozenset[Status] = frozenset({"invalid", "duplicate", "skipped"})
_DUPLICATE_CODES = {
    "external_id": "duplicate_external_id",
    "organization": "duplicate_organization",
    "slug": "duplicate_slug",
    "membership": "duplicate_membership",
}
_CLAIM_NAMES = {"organization": "organization id"}


class Entry(msgspec.Struct, frozen=True, gc=False):
    """What the journal keeps about a record when it first sees it (never the request itself).

    A msgspec Struct left out of the garbage collector (it holds only text, numbers and tuples
    of them): one is made per record, and a frozen dataclass costs several times as much."""

    external_id: str | None
    location: str
    status: Status  # pending, invalid or skipped; the journal turns in-file repeats to duplicate
    code: str | None = None
    message: str | None = None
    field: str | None = None
    #: ``(kind, value)`` a pending record claims: ``("external_id", ...)``, ``("email_address",
    #: ...)``; a second record claiming one is a duplicate.
    claims: tuple[tuple[str, str], ...] = ()
    #: The names of the record's fields that the import leaves out.
    dropped: tuple[str, ...] = ()
    #: What the reader noticed without refusing the record (imported without a password...).
    note: str | None = None
    kind: RecordKind = "user"
    #: The source id of the user a membership is of, or of an organization's creator.
    user_ref: str | None = None
    #: The source id of the organization a membership is of.
    org_ref: str | None = None
    #: The role a membership gives.
    role: str | None = None
    #: An organization's own member limit (None: the instance's default).
    member_limit: int | None = None


class Admitting(Protocol):
    """What admitting needs of the journal (:class:`~clerk_async.migrate.journal.Journal`)."""

    run_id: str | None

    @property
    def admitted(self) -> int: ...

    def status_of(self, seq: int) -> Status: ...

    def now(self) -> float: ...

    def dropped_set(self, names: tuple[str, ...]) -> int: ...

    def count_admitted(self, statuses: Iterable[Status]) -> None: ...

    def begin(self) -> None: ...

    def commit(self) -> None: ...


@dataclass(frozen=True, slots=True)
class _Found:
    seq: int
    status: Status
    location: str


def admit(journal: Admitting, db: sqlite3.Connection, first_seq: int,
          entries: Sequence[Entry], *, commit: bool = True) -> list[Status]:  # fmt: skip
    """See :meth:`Journal.admit`.

    The batch's claims are INSERTed as judged against the batch alone, optimistically: earlier
    records hold none of them unless the input repeats itself across batches. A claim an earlier
    record holds is left to it (``OR IGNORE``), and the batch is then judged again against the
    claims read back, what the first judging claimed and the second does not taken back. No
    savepoint: one would copy every page of the claims tree the batch touches aside (to a
    temporary file past 64 KiB), about one page written per user more than the commit itself."""
    skip = min(max(0, journal.admitted - first_seq), len(entries))
    statuses = [journal.status_of(first_seq + offset) for offset in range(skip)]
    fresh = entries[skip:]
    start = first_seq + skip
    for offset, entry in enumerate(fresh, start=start):
        if entry.status not in ADMITTED or entry.status == "duplicate":
            raise JournalStateError(f"record {offset}: cannot be admitted as {entry.status}")
    users_only = all(entry.kind == "user" for entry in fresh)
    if not users_only:
        db.execute(SOURCE_INDEX)
    journal.begin()
    batch = _Batch(db, start, fresh, users_only, held={})
    rows = batch.judge_all(journal)
    claiming = "INSERT OR IGNORE INTO claims VALUES"
    if _insert_claims(db, claiming, batch.claims) != len(batch.claims):  # an earlier one holds one
        claimed = {claim for entry in fresh for claim in entry.claims}
        held = {claim: seq for claim, seq in _holders(db, claimed).items() if seq < start}
        first = set(batch.claims)
        batch = _Batch(db, start, fresh, users_only, held=held)
        rows = batch.judge_all(journal)
        second = set(batch.claims)
        taken_back = "DELETE FROM claims WHERE kind = ? AND value = ? AND seq = ?"
        db.executemany(taken_back, first - second)
        _insert_claims(db, "INSERT INTO claims VALUES", second - first)
    _insert_records(db, rows)
    db.executemany(
        "INSERT INTO access (kind, key, used, first_use) VALUES ('role', ?, ?, ?) "
        "ON CONFLICT (kind, key) DO UPDATE SET used = used + excluded.used",
        [(role, count, first) for role, (count, first) in batch.roles.items()],
    )
    journal.count_admitted(batch.statuses)
    statuses += batch.statuses
    if commit:
        journal.commit()
    return statuses


#: ``(kind, value, seq)``: a claims row.
_Claim = tuple[str, str, int]
#: The columns of a record's row as ``admit`` builds it, in order.
_RECORD_COLUMNS = (
    "seq", "external_id", "location", "status", "code", "message", "field", "identifier",
    "run_id", "updated_at", "note", "dropped", "kind", "user_seq", "org_seq", "member_limit",
)  # fmt: skip


def _insert_records(db: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    """INSERT the rows, naming only the columns some row of the batch gives a value (the others
    are NULL by default): sqlite3 binds a None through its adapter lookup, which raises and
    clears an AttributeError each time, ~9 per user record (~3 us of its ~30 in the journal)."""
    if not rows:
        return
    values = list(zip(*rows, strict=True))
    given = [index for index, column in enumerate(values) if column.count(None) < len(column)]
    names = ", ".join(_RECORD_COLUMNS[index] for index in given)
    _insert(db, f"INSERT INTO records ({names}) VALUES", [values[index] for index in given])


def _insert_claims(db: sqlite3.Connection, head: str, claims: Iterable[_Claim]) -> int:
    """INSERT the claims, those of a kind together (the kind is bound once); how many rows
    were inserted."""
    by_kind: dict[str, list[_Claim]] = {}
    for claim in claims:
        by_kind.setdefault(claim[0], []).append(claim)
    return sum(_insert(db, head, list(zip(*rows, strict=True))) for rows in by_kind.values())


def _insert(db: sqlite3.Connection, head: str, columns: list[tuple[Any, ...]]) -> int:
    """``head`` (``INSERT ... VALUES``) for rows given as their ``columns``, :data:`INSERT_ROWS`
    rows a statement; how many rows were inserted.

    A column whose rows all hold the same value (the run, the time, the status...) is bound
    once a statement: sqlite3 copies each text it binds into memory of SQLite's own."""
    count = len(columns[0]) if columns else 0
    if not count:
        return 0
    shared = tuple(index for index, column in enumerate(columns) if _same(column))
    once = tuple(columns[index][0] for index in shared)
    rows = list(zip(*(c for index, c in enumerate(columns) if index not in shared), strict=True))
    full = count - count % INSERT_ROWS
    flat = itertools.chain.from_iterable
    inserted = 0
    if full:
        sql = _statement(head, len(columns), shared, INSERT_ROWS)
        chunks = ((*once, *flat(rows[at : at + INSERT_ROWS])) for at in range(0, full, INSERT_ROWS))
        inserted += db.executemany(sql, chunks).rowcount
    if full < count:
        sql = _statement(head, len(columns), shared, count - full)
        inserted += db.execute(sql, (*once, *flat(rows[full:]))).rowcount
    return inserted


def _same(column: tuple[Any, ...]) -> bool:
    """Whether every value of ``column`` is the first one (of its type: ``1`` is not ``True``)."""
    return column.count(column[0]) == len(column) and len(set(map(type, column))) == 1


@functools.lru_cache(maxsize=64)
def _statement(head: str, width: int, shared: tuple[int, ...], rows: int) -> str:
    """``head`` and ``rows`` rows of ``width`` numbered parameters: the ``shared`` columns' are
    ``?1...``, the same in each row; the others follow, row by row."""
    varying = width - len(shared)
    numbers: list[list[int]] = []
    for row in range(rows):
        next_number = iter(range(len(shared) + 1 + row * varying, width * rows + 1))
        numbers.append([shared.index(i) + 1 if i in shared else next(next_number)
                        for i in range(width)])  # fmt: skip
    return head + " " + ", ".join("(" + ", ".join(f"?{n}" for n in row) + ")" for row in numbers)


@dataclass(slots=True)
class _Verdict:
    status: Status
    code: str | None
    message: str | None
    field: str | None
    note: str | None
    identifier: str | None = None
    user_seq: int | None = None
    org_seq: int | None = None


class _Batch:
    """What one batch of entries is checked against: the records and claims before it, and its
    own as it goes."""

    def __init__(self, db: sqlite3.Connection, first_seq: int, entries: Sequence[Entry],
                 users_only: bool, *, held: dict[tuple[str, str], int]) -> None:  # fmt: skip
        self.db = db
        self.first_seq = first_seq
        self.entries = entries
        #: Records by source id, for what the batch's memberships and organizations need (a
        #: batch of users needs none).
        self.found = {} if users_only else _records(db, {r for e in entries for r in _refs(e)})
        self.users_only = users_only
        self.held = held
        self.claims: list[tuple[str, str, int]] = []
        self.statuses: list[Status] = []
        #: Roles of the batch's pending memberships: how many use each, and where first.
        self.roles: dict[str, tuple[int, str]] = {}

    def judge_all(self, journal: Admitting) -> list[tuple[Any, ...]]:
        """The batch's rows for :func:`_insert_records`, its claims and statuses gathered."""
        rows: list[tuple[Any, ...]] = []
        run_id, now, held, claims = journal.run_id, journal.now(), self.held, self.claims
        users_only = self.users_only
        for seq, entry in enumerate(self.entries, start=self.first_seq):
            dropped = journal.dropped_set(entry.dropped) if entry.dropped else None
            if users_only and entry.status == "pending":
                # a user needs nothing of other records, and no other record of the batch needs
                # it: only its claims can make it a duplicate
                for claim in entry.claims:
                    if claim in held:
                        break
                else:
                    for claim in entry.claims:
                        if claim not in held:
                            held[claim] = seq
                            claims.append((*claim, seq))
                    rows.append((seq, entry.external_id, entry.location, "pending", None, None,
                                 None, None, run_id, now, entry.note, dropped, "user", None, None,
                                 entry.member_limit))  # fmt: skip
                    self.statuses.append("pending")
                    continue
            verdict = self.judge(seq, entry)
            rows.append((seq, entry.external_id, entry.location, verdict.status, verdict.code,
                         verdict.message, verdict.field, verdict.identifier, run_id, now,
                         verdict.note, dropped, entry.kind, verdict.user_seq, verdict.org_seq,
                         entry.member_limit))  # fmt: skip
            self.statuses.append(verdict.status)
        return rows

    def judge(self, seq: int, entry: Entry) -> _Verdict:
        verdict = _Verdict(entry.status, entry.code, entry.message, entry.field, entry.note)
        if verdict.status == "pending":
            self._needs(entry, verdict)
        if verdict.status == "pending":
            self._claim(seq, entry, verdict)
        if verdict.status == "pending" and entry.role is not None:
            count, first = self.roles.get(entry.role, (0, entry.location))
            self.roles[entry.role] = (count + 1, first)
        if not self.users_only and entry.kind != "membership" and entry.external_id is not None:
            key = (entry.kind, entry.external_id)
            known = self.found.get(key)
            if known is None or (known.status in UNUSABLE and verdict.status not in UNUSABLE):
                self.found[key] = _Found(seq, verdict.status, entry.location)
        return verdict

    def _needs(self, entry: Entry, verdict: _Verdict) -> None:
        """A membership's user and organization; an organization's creator."""
        user = self.found.get(("user", entry.user_ref or ""))
        if entry.kind == "membership":
            organization = self.found.get(("organization", entry.org_ref or ""))
            problem = _missing("user", entry.user_ref, user) or _missing(
                "organization", entry.org_ref, organization
            )
            if problem is not None:
                verdict.status = "invalid"
                verdict.code, verdict.field, verdict.message = problem
            elif user is not None and organization is not None:
                verdict.user_seq, verdict.org_seq = user.seq, organization.seq
        elif entry.kind == "organization" and entry.user_ref:
            if user is None or user.status in UNUSABLE:
                why = "not in the input" if user is None else f"{user.status} in the input"
                verdict.note = _joined(verdict.note, f"its creator {entry.user_ref} is {why}: "
                                       "the organization is created without one")  # fmt: skip
            else:
                verdict.user_seq = user.seq

    def _claim(self, seq: int, entry: Entry, verdict: _Verdict) -> None:
        wanted = list(dict.fromkeys(entry.claims))
        clash = next((claim for claim in wanted if claim in self.held), None)
        if clash is None:
            for kind, value in wanted:
                self.held[(kind, value)] = seq
                self.claims.append((kind, value, seq))
            return
        kind, value = clash
        verdict.status, verdict.field = "duplicate", kind
        verdict.identifier = f"{kind} {value}" if kind != "membership" else None
        verdict.code = _DUPLICATE_CODES.get(kind, "duplicate_identifier")
        verdict.message = f"{_claimed(kind, value)} is also in {self._location(self.held[clash])}"

    def _location(self, seq: int) -> str:
        """Where the record ``seq`` is: one of this batch, or one the journal holds."""
        if 0 <= seq - self.first_seq < len(self.entries):
            return self.entries[seq - self.first_seq].location
        row = self.db.execute("SELECT location FROM records WHERE seq = ?", (seq,)).fetchone()
        return str(row[0]) if row else "an earlier record"


def _refs(entry: Entry) -> Iterable[tuple[str, str]]:
    if entry.user_ref is not None:
        yield ("user", entry.user_ref)
    if entry.org_ref is not None:
        yield ("organization", entry.org_ref)


def _missing(kind: str, ref: str | None, found: _Found | None) -> tuple[str, str, str] | None:
    """``(code, field, message)`` when a membership's user or organization cannot be imported."""
    field = f"{kind}_id"
    if found is None:
        return f"{kind}_not_found", field, f"no {kind} with id {ref} in the input"
    if found.status in UNUSABLE:
        message = f"its {kind} {ref} is {found.status} in the input ({found.location})"
        return f"{kind}_invalid", field, message
    return None


def _claimed(kind: str, value: str) -> str:
    if kind == "membership":
        organization, user = split_membership_key(value)
        return f"the membership of {user} in {organization}"
    return f"the {_CLAIM_NAMES.get(kind, kind.replace('_', ' '))} {value}"


def _joined(note: str | None, text: str) -> str:
    return text if note is None else f"{note}; {text}"


def _records(db: sqlite3.Connection, refs: set[tuple[str, str]]) -> dict[tuple[str, str], _Found]:
    """The record each ``(kind, source id)`` names: the first one that can be imported, else the
    first one."""
    found: dict[tuple[str, str], _Found] = {}
    for kind, chunk, marks in _chunks_by_kind(refs):
        rows = db.execute(
            "SELECT external_id, seq, status, location FROM records WHERE kind = ? AND "
            f"kind <> 'membership' AND external_id IN ({marks}) ORDER BY seq",
            (kind, *chunk),
        )
        for external_id, seq, status, location in rows:
            known = found.get((kind, external_id))
            if known is None or (known.status in UNUSABLE and status not in UNUSABLE):
                found[(kind, external_id)] = _Found(int(seq), status, str(location))
    return found


def _holders(db: sqlite3.Connection, claims: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Which of ``claims`` earlier records hold, and which record (its seq)."""
    found: dict[tuple[str, str], int] = {}
    for kind, chunk, marks in _chunks_by_kind(claims):
        rows = db.execute(
            f"SELECT value, seq FROM claims WHERE kind = ? AND value IN ({marks})", (kind, *chunk)
        )
        found.update(((kind, value), int(seq)) for value, seq in rows)
    return found


def _chunks_by_kind(pairs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, list[str], str]]:
    """``(kind, values, marks)`` for ``IN (marks)`` queries: the values of each kind, at most
    :data:`QUERY_VALUES` at a time."""
    by_kind: dict[str, list[str]] = {}
    for kind, value in pairs:
        by_kind.setdefault(kind, []).append(value)
    for kind, values in by_kind.items():
        for start in range(0, len(values), QUERY_VALUES):
            chunk = values[start : start + QUERY_VALUES]
            yield kind, chunk, ", ".join("?" * len(chunk))
