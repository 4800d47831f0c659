"""Reading a journal: counts, rows and codes, by status and by kind (the base of
:class:`~clerk_async.migrate.journal.Journal`, which adds the writes)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from clerk_async.migrate.records import KINDS, RecordKind

from .states import STATUSES, JournalStateError, Status

__all__ = ["JournalRow", "JournalView", "kind_from", "status_from"]


@dataclass(frozen=True, slots=True)
class JournalRow:
    seq: int
    external_id: str | None
    location: str
    status: Status
    clerk_id: str | None
    code: str | None
    message: str | None
    field: str | None
    identifier: str | None
    attempts: int
    uncertain: bool
    note: str | None = None
    dropped: tuple[str, ...] = ()
    kind: RecordKind = "user"
    #: A membership's user, an organization's creator (their records' seqs).
    user_seq: int | None = None
    #: A membership's organization.
    org_seq: int | None = None


_ROW_COLUMNS = (
    "seq, external_id, location, status, clerk_id, code, message, field, identifier, attempts, "
    "uncertain, note, dropped, kind, user_seq, org_seq"
)


class JournalView:
    """The reading side of a journal; ``_db`` is set by the journal that opens the file."""

    _db: sqlite3.Connection
    _live: dict[str, int]
    _dropped_sets: dict[tuple[str, ...], int] | None

    def _dropped_ids(self) -> dict[tuple[str, ...], int]:
        if self._dropped_sets is None:
            rows = self._db.execute("SELECT id, names FROM dropped_sets")
            self._dropped_sets = {tuple(json.loads(names)): int(i) for i, names in rows}
        return self._dropped_sets

    def _dropped_names(self) -> dict[int, tuple[str, ...]]:
        return {set_id: names for names, set_id in self._dropped_ids().items()}

    def dropped_fields(self) -> dict[str, int]:
        """Field names the import leaves out, and how many records to import hold each."""
        names = self._dropped_names()
        counts: dict[str, int] = {}
        rows = self._db.execute(
            "SELECT dropped, COUNT(*) FROM records WHERE dropped IS NOT NULL "
            "AND status NOT IN ('duplicate', 'invalid', 'skipped') GROUP BY dropped"
        )
        for set_id, count in rows:
            for name in names.get(int(set_id), ()):
                counts[name] = counts.get(name, 0) + int(count)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def status_of(self, seq: int) -> Status:
        row = self._db.execute("SELECT status FROM records WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            raise JournalStateError(f"record {seq} is not in the journal")
        return status_from(row[0])

    # -- reading -------------------------------------------------------------------------------

    def live_counts(self) -> dict[str, int]:
        """:meth:`counts` as this process keeps it, without a query: for progress displays."""
        return dict(self._live)

    def counts(self) -> dict[str, int]:
        """Records by status, every status present (zeros included), in the states' order."""
        found = dict(self._db.execute("SELECT status, COUNT(*) FROM records GROUP BY status"))
        return {status: int(found.get(status, 0)) for status in STATUSES}

    def counts_by_kind(self) -> dict[RecordKind, dict[str, int]]:
        """:meth:`counts` of each kind the journal holds, in the order kinds are imported."""
        found: dict[str, dict[str, int]] = {}
        rows = self._db.execute("SELECT kind, status, COUNT(*) FROM records GROUP BY kind, status")
        for kind, status, count in rows:
            found.setdefault(kind or "user", {})[status] = int(count)
        return {
            kind: {status: found[kind].get(status, 0) for status in STATUSES}
            for kind in KINDS
            if kind in found
        }

    def codes(self) -> dict[str, int]:
        """Records that carry an error code, counted by code (``created`` ones carry none)."""
        rows = self._db.execute(
            "SELECT code, COUNT(*) FROM records WHERE code IS NOT NULL AND status != 'created' "
            "GROUP BY code ORDER BY COUNT(*) DESC, code"
        )
        return {str(code): int(count) for code, count in rows}

    def statuses_between(self, first: int, last: int) -> dict[int, Status]:
        """The statuses of the records ``first..last`` the journal holds, by seq."""
        query = "SELECT seq, status FROM records WHERE seq BETWEEN ? AND ?"
        found: dict[int, Status] = dict(self._db.execute(query, (first, last)))
        unknown = set(found.values()).difference(STATUSES)  # checked once per status, not row
        if unknown:
            raise JournalStateError(f"unknown status {min(unknown)!r} in the journal")
        return found

    def rows(
        self,
        status: Status | None = None,
        *,
        kind: RecordKind | None = None,
        org_seq: int | None = None,
        page: int = 1000,
    ) -> Iterator[JournalRow]:
        """Every row (of one status, of one kind, of one organization's memberships), in seq
        order, read by pages so memory stays flat."""
        after = -1
        where = "seq > ?" if status is None else "status = ? AND seq > ?"
        if kind is not None:
            where += " AND kind = ?"
        if org_seq is not None:
            where += " AND org_seq = ?"
        dropped = self._dropped_names()
        while True:
            params: tuple[Any, ...] = (after,) if status is None else (status, after)
            if kind is not None:
                params += (kind,)
            if org_seq is not None:
                params += (org_seq,)
            batch = self._db.execute(
                f"SELECT {_ROW_COLUMNS} FROM records WHERE {where} ORDER BY seq LIMIT {page}",
                params,
            ).fetchall()
            for row in batch:
                yield _row(row, dropped)
            if len(batch) < page:
                return
            after = batch[-1][0]

    def rows_of(self, seqs: Iterable[int]) -> dict[int, JournalRow]:
        """The rows of ``seqs`` (those the journal holds), by seq."""
        wanted = sorted(set(seqs))
        dropped = self._dropped_names()
        found: dict[int, JournalRow] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            query = f"SELECT {_ROW_COLUMNS} FROM records WHERE seq IN ({marks})"
            for row in self._db.execute(query, chunk):
                found[int(row[0])] = _row(row, dropped)
        return found

    def organization_sizes(self) -> Iterator[tuple[str, str, int | None, int]]:
        """Each organization of the input still to be created: its source id, location, own
        member limit, and the members the input gives it (its creator included, who joins it
        when it is created)."""
        live = "m.kind = 'membership' AND m.status NOT IN ('invalid', 'duplicate', 'skipped')"
        rows = self._db.execute(
            "SELECT o.external_id, o.location, o.member_limit, "
            f"(SELECT COUNT(*) FROM records m WHERE m.org_seq = o.seq AND {live}), "
            "(o.user_seq IS NOT NULL AND NOT EXISTS (SELECT 1 FROM records m WHERE "
            f"m.org_seq = o.seq AND m.user_seq = o.user_seq AND {live})) "
            "FROM records o WHERE o.kind = 'organization' AND o.status IN "
            "('pending', 'in_flight', 'failed') ORDER BY o.seq"
        )
        for source_id, location, limit, members, creator in rows:
            yield str(source_id), str(location), limit, int(members) + int(creator)

    def access(self, kind: str) -> list[dict[str, Any]]:
        """The roles (``kind="role"``) or permissions the migration needs, and where each one
        stands: ``used`` by how many memberships, ``status`` (``pending``, ``in_flight``,
        ``created``, ``exists``, ``missing``, ``failed``), its Clerk id once known."""
        rows = self._db.execute(
            "SELECT key, used, first_use, status, clerk_id, message FROM access WHERE kind = ? "
            "ORDER BY key",
            (kind,),
        )
        keys = ("key", "used", "first_use", "status", "clerk_id", "message")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def row(self, seq: int) -> JournalRow | None:
        found = self._db.execute(
            f"SELECT {_ROW_COLUMNS} FROM records WHERE seq = ?", (seq,)
        ).fetchone()
        return None if found is None else _row(found, self._dropped_names())


def _row(row: tuple[Any, ...], dropped: dict[int, tuple[str, ...]]) -> JournalRow:
    return JournalRow(
        seq=int(row[0]),
        external_id=row[1],
        location=row[2],
        status=status_from(row[3]),
        clerk_id=row[4],
        code=row[5],
        message=row[6],
        field=row[7],
        identifier=row[8],
        attempts=int(row[9]),
        uncertain=bool(row[10]),
        note=row[11],
        dropped=() if row[12] is None else dropped.get(int(row[12]), ()),
        kind=kind_from(row[13]),
        user_seq=row[14],
        org_seq=row[15],
    )


def kind_from(text: str | None) -> RecordKind:
    if text is None or text == "user":
        return "user"
    if text not in KINDS:
        raise JournalStateError(f"unknown kind {text!r} in the journal")
    return text


def status_from(text: str) -> Status:
    if text not in STATUSES:
        raise JournalStateError(f"unknown status {text!r} in the journal")
    return text
