"""From records to journal entries, and the preflight that admits a whole input before a run.

Pure apart from the journal: nothing here talks to Clerk. ``entry_for`` decides what a record is
(``pending`` with the identifiers it claims, ``invalid`` with its reason and field, ``skipped``);
the journal then finds in-file duplicates as it admits, first come first served, with SQLite's
indexes rather than a set in memory, so a preflight over millions of records stays flat.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeAlias

from clerk_async.migrate.mapping import map_record
from clerk_async.migrate.records import (
    InvalidRecord,
    Mapped,
    MappedMembership,
    MappedOrganization,
    MappedUser,
    SkippedRecord,
    SourceRecord,
    identifier_pairs,
)

from .journal import Entry, Journal
from .states import JournalStateError, Status

__all__ = [
    "ADMIT_BATCH",
    "DEFAULT_MEMBER_LIMIT",
    "Item",
    "OverLimit",
    "Preflight",
    "entry_for",
    "over_member_limits",
    "preflight",
    "to_mapped",
]

Item: TypeAlias = SourceRecord | SkippedRecord | Mapped | InvalidRecord
#: Records admitted per journal transaction.
ADMIT_BATCH = 2000
#: Skipped records that are really unreadable data, reported as invalid (exit code 1).
_BROKEN_SKIPS = frozenset({"unreadable", "no_id"})
#: Examples of each problem kept for the preflight's printout.
EXAMPLES = 5


Outcome: TypeAlias = Mapped | InvalidRecord | SkippedRecord


def to_mapped(item: Item) -> Outcome:
    """Map a source record; pass mapped, invalid and skipped ones through."""
    if isinstance(item, SourceRecord):
        return map_record(item)
    if isinstance(
        item, (MappedUser, MappedOrganization, MappedMembership, InvalidRecord, SkippedRecord)
    ):
        return item
    raise TypeError(
        "migrate() takes SourceRecord, SkippedRecord, MappedUser, MappedOrganization, "
        "MappedMembership or InvalidRecord items (from read_source/map_record), not "
        f"{type(item).__name__}"
    )


def entry_for(outcome: Outcome) -> Entry:
    """What the journal keeps about one (mapped) record."""
    if isinstance(outcome, MappedUser):  # the common case first
        external_id, record = outcome.external_id, outcome.record
        found = identifier_pairs(outcome.emails, outcome.phones, outcome.username)
        return Entry(
            external_id,
            record.location,
            "pending",
            claims=(("external_id", external_id), *found),
            note="; ".join(outcome.notes) if outcome.notes else None,
            dropped=record.draft.dropped,
        )
    if isinstance(outcome, MappedOrganization):
        return Entry(
            outcome.source_id,
            outcome.record.location,
            "pending",
            claims=(("organization", outcome.source_id), ("slug", outcome.slug)),
            note="; ".join(outcome.notes) or None,
            dropped=outcome.record.draft.dropped,
            kind="organization",
            user_ref=outcome.creator,
            member_limit=outcome.member_limit,
        )
    if isinstance(outcome, MappedMembership):
        return Entry(
            outcome.key,
            outcome.record.location,
            "pending",
            claims=(("membership", outcome.key),),
            note="; ".join(outcome.notes) or None,
            dropped=outcome.record.draft.dropped,
            kind="membership",
            user_ref=outcome.user,
            org_ref=outcome.organization,
            role=outcome.role,
        )
    if isinstance(outcome, InvalidRecord):
        return Entry(
            outcome.external_id,
            outcome.location,
            "invalid",
            code=outcome.code,
            message=outcome.reason,
            field=outcome.field,
            kind=outcome.record.kind,
        )
    status: Status = "invalid" if outcome.code in _BROKEN_SKIPS else "skipped"
    return Entry(outcome.source_id, outcome.location, status, outcome.code, outcome.reason,
                 kind=outcome.kind)  # fmt: skip


@dataclass
class Preflight:
    """What a preflight found: counts from the journal, examples of each kind of problem."""

    total: int = 0
    admitted_now: int = 0
    #: ``counts`` of each kind of record the input holds (users, organizations, memberships).
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Records read from each file (a file that holds none is not in it).
    per_file: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    codes: dict[str, int] = field(default_factory=dict)
    #: Fields of the input the import leaves out, with the number of records holding each.
    dropped: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)
    #: What the readers noticed about records imported anyway, by text: how many records say it,
    #: and where the first one is (a few texts; the others are only counted in ``more_warnings``).
    warnings: dict[str, tuple[int, str]] = field(default_factory=dict)
    more_warnings: int = 0

    @property
    def to_send(self) -> int:
        """Records a run would send (pending) or look up first (in flight)."""
        return self.counts.get("pending", 0) + self.counts.get("in_flight", 0)

    @property
    def users_to_send(self) -> int:
        """Of :attr:`to_send`, the users (what a development instance's cap counts)."""
        users = self.by_kind.get("user", {}) if self.by_kind else self.counts
        return users.get("pending", 0) + users.get("in_flight", 0)

    def empty_files(self, files: Iterable[str]) -> list[str]:
        """Those of ``files`` that held no record at all."""
        return [name for name in files if not self.per_file.get(name)]

    def warn(self, text: str, location: str) -> None:
        if text in self.warnings:
            count, first = self.warnings[text]
            self.warnings[text] = (count + 1, first)
        elif len(self.warnings) < EXAMPLES:
            self.warnings[text] = (1, location)
        else:
            self.more_warnings += 1

    def note(self, status: str, line: str) -> None:
        kept = self.examples.setdefault(status, [])
        if len(kept) < EXAMPLES:
            kept.append(line)


def preflight(
    journal: Journal,
    items: Iterable[Item],
    *,
    on_progress: Callable[[int], None] | None = None,
) -> Preflight:
    """Read, map and validate every record into ``journal``; sends nothing.

    Records the journal already holds (a resumed run) are not mapped again: their statuses are
    the journal's. Returns the counts by status and by code, with a few examples of each problem.
    """
    result = Preflight()
    known = journal.admitted
    seq = 0
    per_file = result.per_file
    for batch in _batches(iter(items), ADMIT_BATCH):
        for item in batch:
            name = _file_of(item)
            per_file[name] = per_file.get(name, 0) + 1
        fresh = batch[max(0, known - seq) :]
        skipped_over = len(batch) - len(fresh)
        if fresh:
            first = seq + skipped_over
            outcomes = [to_mapped(item) for item in fresh]
            statuses = journal.admit(first, [entry_for(outcome) for outcome in outcomes])
            for offset, (outcome, status) in enumerate(zip(outcomes, statuses, strict=True)):
                if status != "pending":
                    row = journal.row(first + offset)
                    if row is not None:
                        result.note(status, _example(row.location, row.code, row.message))
                elif isinstance(outcome, MappedOrganization):  # its notes and the journal's
                    row = journal.row(first + offset)
                    for text in (row.note or "").split("; ") if row is not None else ():
                        if text:
                            result.warn(text, outcome.record.location)
                elif isinstance(outcome, (MappedUser, MappedMembership)):
                    for text in outcome.notes:
                        result.warn(text, outcome.record.location)
            result.admitted_now += len(fresh)
        seq += len(batch)
        if on_progress is not None:
            on_progress(seq)
    if seq < known:
        raise JournalStateError(
            f"the input has {seq} records but the journal {journal.path} already holds {known}"
        )
    result.total = seq
    result.counts = journal.counts()
    result.by_kind = {str(kind): counts for kind, counts in journal.counts_by_kind().items()}
    result.codes = journal.codes()
    result.dropped = journal.dropped_fields()
    return result


#: Clerk's documented default for ``max_allowed_memberships`` (the instance's settings say).
DEFAULT_MEMBER_LIMIT = 5


@dataclass(frozen=True)
class OverLimit:
    """An organization the input gives more members than it may have."""

    source_id: str
    location: str
    members: int
    limit: int
    #: Whether the limit is the organization's own (else the instance's default).
    own: bool

    def line(self) -> str:
        whose = "its own max_allowed_memberships" if self.own else "the instance's default"
        return (
            f"{self.location}: organization {self.source_id} gets {self.members:,} members "
            f"(its creator included), over {whose} of {self.limit:,}"
        )


def over_member_limits(journal: Journal, default_limit: int) -> list[OverLimit]:
    """The organizations whose members in the input Clerk would refuse, part way: those over
    their own ``max_allowed_memberships``, or the instance's ``default_limit`` (0: none)."""
    found = []
    for source_id, location, own, members in journal.organization_sizes():
        limit = default_limit if own is None else own
        if limit and members > limit:
            found.append(OverLimit(source_id, location, members, limit, own is not None))
    return found


def _file_of(item: Item) -> str:
    if isinstance(item, (SourceRecord, SkippedRecord)):
        return item.file
    if isinstance(item, (MappedUser, MappedOrganization, MappedMembership, InvalidRecord)):
        return item.record.file
    return ""  # not a record: to_mapped says so


def _example(location: str, code: str | None, message: str | None) -> str:
    return f"{location}: {code or 'error'}: {message or ''}".rstrip(": ")


def _batches(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    while batch := list(itertools.islice(items, size)):
        yield batch
