"""A cache entry and the rules that decide every change to one, written once for every store.

An entry is a user, an organization or a user's memberships (``PRESENT``), a remembered 404
(``MISSING``), a deleted object (``DELETED``, the tombstone that makes deletion win), or a marker
that says "ask Clerk" (``INVALID``). Its ``fence`` grows with every change that did not come from a
read of Clerk, so a fetch that started before a webhook landed can tell and keeps its older copy
out. ``version`` is the object's ``updated_at`` (milliseconds): an older copy never replaces a newer
one. Times are Unix seconds, so entries written by one machine are read correctly by another.
"""

from __future__ import annotations

import enum
from typing import Any, Generic, TypeVar

import msgspec

__all__ = [
    "Entry",
    "Lifetimes",
    "State",
    "after_delete",
    "after_event",
    "after_fetch",
    "after_invalidate",
]

T = TypeVar("T")


class State(enum.IntEnum):
    PRESENT = 0
    MISSING = 1
    DELETED = 2
    INVALID = 3


class Entry(msgspec.Struct, Generic[T], array_like=True, frozen=True):
    """One cached key. ``fresh_until`` ends its normal life; a ``PRESENT`` entry may still be served
    until ``keep_until`` while Clerk fails (stale-if-error), and is gone after that."""

    state: State
    value: T | None
    version: int | None
    fence: int
    fresh_until: float
    keep_until: float

    def fresh(self, now: float) -> bool:
        return self.fresh_until > now and self.state != State.INVALID

    def stale_usable(self, now: float) -> bool:
        """Servable while Clerk fails: present, past its TTL, within its stale-if-error bound."""
        return self.state == State.PRESENT and self.keep_until > now


class Lifetimes(msgspec.Struct, frozen=True):
    """Seconds each kind of entry lives (see ``Cache``)."""

    ttl: float
    missing_ttl: float
    deleted_ttl: float
    stale_if_error: float


def present(value: Any, version: int | None, fence: int, now: float, life: Lifetimes) -> Entry[Any]:
    fresh = now + life.ttl
    return Entry(State.PRESENT, value, version, fence, fresh, fresh + life.stale_if_error)


def missing(fence: int, now: float, life: Lifetimes) -> Entry[Any]:
    fresh = now + life.missing_ttl
    return Entry(State.MISSING, None, None, fence, fresh, fresh)


def after_fetch(current: Entry[Any] | None, fetched: Entry[Any], seen: int) -> Entry[Any] | None:
    """What a read of Clerk stores: ``fetched`` (built with fence ``seen``, the fence the reader saw
    before asking), or ``None`` to keep ``current`` because something newer landed meanwhile."""
    if current is None:
        return fetched if seen == 0 else None  # the entry seen has gone: its successor is unknown
    if current.fence != seen or current.state == State.DELETED:
        return None
    if (
        current.state == State.PRESENT
        and current.version is not None
        and fetched.version is not None
        and fetched.version < current.version
    ):
        return None
    return fetched


def after_event(
    current: Entry[Any] | None, value: Any, version: int | None, now: float, life: Lifetimes
) -> Entry[Any] | None:
    """A newer copy from a webhook or from the client's own write; ``None`` keeps ``current``.

    Deletion wins; an older copy is dropped; a duplicate (same version, same content) changes
    nothing; the same version with other content cannot be ordered, so the entry is invalidated.
    """
    fence = 0 if current is None else current.fence
    if current is not None and current.state == State.DELETED and current.keep_until > now:
        return None
    if (
        current is not None
        and current.state == State.PRESENT
        and current.version is not None
        and version is not None
    ):
        if version < current.version:
            return None
        if version == current.version:
            return None if current.value == value else _invalid(fence + 1, now, life)
    if version is None:
        return _invalid(fence + 1, now, life)
    return present(value, version, fence + 1, now, life)


def after_delete(current: Entry[Any] | None, now: float, life: Lifetimes) -> Entry[Any]:
    """The object was deleted: a tombstone that no later copy replaces while it lives."""
    fence = 0 if current is None else current.fence
    fresh = now + life.deleted_ttl
    return Entry(State.DELETED, None, None, fence + 1, fresh, fresh)


def after_invalidate(current: Entry[Any] | None, now: float, life: Lifetimes) -> Entry[Any] | None:
    """Something changed that the event does not carry: the next read asks Clerk."""
    if current is not None and current.state == State.DELETED and current.keep_until > now:
        return None
    return _invalid((0 if current is None else current.fence) + 1, now, life)


def _invalid(fence: int, now: float, life: Lifetimes) -> Entry[Any]:
    # Kept as long as a fetch may take, so that one started before the change cannot store its
    # older copy over the marker.
    keep = now + max(life.ttl, 60.0)
    return Entry(State.INVALID, None, None, fence, now, keep)
