"""What a migration tells: the summary, the exit code, and the NDJSON report, all from the journal.

Everything is read from the journal rather than from what one run saw, so after a resume the
report still covers every record of the input, whichever run settled it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import msgspec

from clerk_async.migrate.records import split_membership_key

from .journal import Journal, JournalRow
from .states import PROBLEMS, UNFINISHED

__all__ = [
    "EXIT_DONE",
    "EXIT_PROBLEMS",
    "EXIT_UNFINISHED",
    "KIND_LABELS",
    "KIND_NAMES",
    "ReportLine",
    "Summary",
    "write_report",
]

#: Every record created or already imported (or deliberately skipped).
EXIT_DONE = 0
#: Some records are invalid, duplicated in the input, or in conflict with a user in Clerk.
EXIT_PROBLEMS = 1
#: Some records failed or are still pending: run again to resume.
EXIT_UNFINISHED = 2


class ReportLine(msgspec.Struct):
    """One record's line in the NDJSON report."""

    external_id: str | None
    status: str
    clerk_id: str | None = None
    code: str | None = None
    message: str | None = None
    field: str | None = None
    identifier: str | None = None
    location: str | None = None
    attempts: int = 0
    #: What the reader noticed about an imported record (a password left out, and why).
    note: str | None = None
    #: The record's fields, holding a value, that the import left out.
    dropped: list[str] = msgspec.field(default_factory=list)
    #: ``user``, ``organization`` or ``membership``.
    kind: str = "user"
    #: A membership's organization and user, by their source ids (its ``external_id`` is null).
    organization: str | None = None
    user: str | None = None


_encoder = msgspec.json.Encoder()
_DROPPED_SHOWN = 12


@dataclass
class Summary:
    """The state of the whole journal after a run, and what this run did."""

    counts: dict[str, int]
    codes: dict[str, int]
    requests: int = 0
    rate_limited: int = 0
    elapsed: float = 0.0
    #: Why the run stopped before the end of the input, if it did.
    stopped: str | None = None
    import_id: str = ""
    #: Fields of the input the import leaves out, with the number of records holding each.
    dropped: dict[str, int] = field(default_factory=dict)
    #: ``counts`` of each kind of record (users, organizations, memberships).
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    #: The roles memberships use, by status (``created``, ``exists``, ``missing``...).
    roles: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        journal: Journal,
        *,
        requests: int = 0,
        rate_limited: int = 0,
        elapsed: float = 0.0,
        stopped: str | None = None,
    ) -> Summary:
        return cls(
            counts=journal.counts(),
            codes=journal.codes(),
            requests=requests,
            rate_limited=rate_limited,
            elapsed=elapsed,
            stopped=stopped,
            import_id=journal.import_id,
            dropped=journal.dropped_fields(),
            by_kind={str(kind): counts for kind, counts in journal.counts_by_kind().items()},
            roles=_role_statuses(journal),
        )

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def exit_code(self) -> int:
        counts = self.counts
        if self.stopped is not None or any(counts.get(status, 0) for status in UNFINISHED):
            return EXIT_UNFINISHED
        if any(counts.get(status, 0) for status in PROBLEMS):
            return EXIT_PROBLEMS
        return EXIT_DONE

    def lines(self) -> list[str]:
        """The summary as text, one fact a line."""
        out = [f"records   {self.total:,}: {_shown(self.counts)}"]
        if set(self.by_kind) - {"user"}:
            for kind, counts in self.by_kind.items():
                out.append(f"{KIND_LABELS[kind]:<9} {sum(counts.values()):,}: {_shown(counts)}")
        if self.roles:
            roles = ", ".join(f"{count:,} {status}" for status, count in self.roles.items())
            out.append(f"roles     {roles} (of the roles memberships use)")
        if self.codes:
            out.append("by code   " + ", ".join(f"{code} {n:,}" for code, n in self.codes.items()))
        if self.dropped:
            out.append(dropped_line(self.dropped))
        if self.requests:
            rate = self.requests / self.elapsed if self.elapsed > 0 else 0.0
            out.append(
                f"this run  {self.requests:,} requests in {self.elapsed:.1f} s "
                f"({rate:,.1f}/s), {self.rate_limited:,} answered 429"
            )
        if self.stopped:
            out.append(f"stopped   {self.stopped}")
        verdict = {
            EXIT_DONE: "every record is in Clerk",
            EXIT_PROBLEMS: "some records need a look (invalid, duplicate or conflict): see the "
            "report",
            EXIT_UNFINISHED: "some records failed or are not settled yet: run again to resume "
            "(retry-failed for the failed ones)",
        }[self.exit_code]
        out.append(f"result    {verdict} (exit code {self.exit_code})")
        return out


#: Each kind's label in the summary, and its name in sentences.
KIND_LABELS = {"user": "users", "organization": "orgs", "membership": "members"}
KIND_NAMES = {"user": "users", "organization": "organizations", "membership": "memberships"}


def _shown(counts: dict[str, int]) -> str:
    return ", ".join(f"{status} {count:,}" for status, count in counts.items() if count) or "none"


_ROLE_STATUSES = ("created", "exists", "missing", "failed", "in_flight", "pending")


def _role_statuses(journal: Journal) -> dict[str, int]:
    found = dict.fromkeys(_ROLE_STATUSES, 0)
    for row in journal.access("role"):
        if row["used"]:
            found[str(row["status"])] = found.get(str(row["status"]), 0) + 1
    return {status: count for status, count in found.items() if count}


def dropped_line(dropped: dict[str, int]) -> str:
    """The fields the import leaves out, most common first, as one line of the summary."""
    first = list(dropped.items())[:_DROPPED_SHOWN]
    shown = ", ".join(f"{name} ({count:,})" for name, count in first)
    more = len(dropped) - _DROPPED_SHOWN
    tail = f" and {more} more" if more > 0 else ""
    return f"dropped   {shown}{tail}: not imported, named per record in the report"


def report_lines(journal: Journal) -> Iterator[ReportLine]:
    """One line per record, in input order, read by pages from the journal."""
    for row in journal.rows():
        yield _line(row)


def _line(row: JournalRow) -> ReportLine:
    organization = user = None
    external_id = row.external_id
    if row.kind == "membership" and external_id is not None:
        organization, user = split_membership_key(external_id)
        external_id = None
    return ReportLine(
        external_id=external_id,
        status=row.status,
        clerk_id=row.clerk_id,
        code=row.code,
        message=row.message,
        field=row.field,
        identifier=row.identifier,
        location=row.location,
        attempts=row.attempts,
        note=row.note,
        dropped=list(row.dropped),
        kind=row.kind,
        organization=organization,
        user=user,
    )


def write_report(journal: Journal, out: str | os.PathLike[str] | IO[bytes]) -> int:
    """Write the NDJSON report to ``out`` (a path or a binary file); the number of lines."""
    if isinstance(out, (str, os.PathLike)):
        path = Path(out)
        temporary = path.with_name(path.name + ".partial")
        with open(temporary, "wb") as handle:
            count = write_report(journal, handle)
        os.replace(temporary, path)
        return count
    count = 0
    buffer = bytearray()
    for line in report_lines(journal):
        _encoder.encode_into(line, buffer, len(buffer))
        buffer += b"\n"
        count += 1
        if len(buffer) > 1 << 16:
            out.write(bytes(buffer))
            buffer.clear()
    out.write(bytes(buffer))
    return count
