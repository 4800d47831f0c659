"""Mapping: one source record to a validated ``CreateUserRequest`` (pure, offline)."""

from __future__ import annotations

from clerk_async.migrate.records import InvalidRecord, MappedUser, SourceRecord

__all__ = ["map_record"]


def map_record(record: SourceRecord) -> MappedUser | InvalidRecord:
    """The request that imports ``record``, or why Clerk would refuse it."""
    raise NotImplementedError("the mapping lands in the next commits")
