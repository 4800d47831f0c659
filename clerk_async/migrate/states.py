"""The life of one record in a migration: its statuses and the moves allowed between them.

Pure and small on purpose: the journal refuses any move not listed here, so a bug in the runner
shows up as a :class:`JournalStateError` instead of as a record quietly sent twice or skipped.

::

    admitted --> pending | invalid | skipped | duplicate
    pending --> already_imported                (looked up before its first POST, and found)
    pending --> conflict                        (looked up before its first POST: another
                                                 organization holds the slug; or a membership
                                                 whose user or organization is in conflict)
    pending --> failed                          (a membership whose user or organization failed)
    pending --> in_flight                       (looked up and absent; committed before the POST)
    in_flight --> created | already_imported | conflict | failed
    in_flight --> in_flight                     (another attempt once a lookup said "absent")
    in_flight --> pending                       (a killed run's record, looked up and absent;
                                                 or a run stopped before it got an answer)
    failed --> pending                          (retry-failed)
    created --> rolled_back                     (rollback)
"""

from __future__ import annotations

from typing import Literal, TypeAlias

from clerk_async.errors import ClerkError

__all__ = [
    "PROBLEMS",
    "STATUSES",
    "UNFINISHED",
    "JournalStateError",
    "Status",
    "check_move",
]

Status: TypeAlias = Literal[
    "pending",
    "in_flight",
    "created",
    "already_imported",
    "conflict",
    "invalid",
    "duplicate",
    "skipped",
    "failed",
    "rolled_back",
]
STATUSES: tuple[Status, ...] = (
    "pending",
    "in_flight",
    "created",
    "already_imported",
    "conflict",
    "invalid",
    "duplicate",
    "skipped",
    "failed",
    "rolled_back",
)
#: The input or the instance needs a human: nothing more will be sent (exit code 1).
PROBLEMS: frozenset[Status] = frozenset({"invalid", "duplicate", "conflict"})
#: A later run has work to do (exit code 2).
UNFINISHED: frozenset[Status] = frozenset({"pending", "in_flight", "failed"})

#: Statuses a record may start in when the journal admits it.
ADMITTED: frozenset[Status] = frozenset({"pending", "invalid", "skipped", "duplicate"})
_MOVES: dict[Status, frozenset[Status]] = {
    "pending": frozenset({"in_flight", "already_imported", "conflict", "failed"}),
    "in_flight": frozenset(
        {"in_flight", "created", "already_imported", "conflict", "failed", "pending"}
    ),
    "failed": frozenset({"pending"}),
    "created": frozenset({"rolled_back"}),
}


class JournalStateError(ClerkError, RuntimeError):
    """A move the state machine does not allow, or a journal that cannot be used as asked."""


def check_move(seq: int, old: Status, new: Status) -> None:
    """Raise :class:`JournalStateError` unless ``old -> new`` is an allowed move."""
    if new not in _MOVES.get(old, frozenset()):
        raise JournalStateError(f"record {seq}: a {old} record cannot become {new}")
