"""Undoing a migration: delete exactly what this journal created, and record each deletion.

Only ``created`` records are touched, never ``already_imported`` ones (those were in Clerk before
this journal) nor anything else. Memberships go first: those this journal added to organizations
it did not create are deleted one by one; then the organizations it created (their memberships go
with them, and are recorded so); then the users. The journal is read by pages (seq cursor), the
deletions go through the run's rate limiter, and each one is logged before the next page is read,
so a rollback killed part way resumes where it stopped. The roles and permissions a migration
created stay: they are the instance's configuration, and the journal lists them (``access``).
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any

import anyio

from clerk_async import Clerk
from clerk_async._ratelimit import RateLimit
from clerk_async.errors import ClerkError, NotFoundError, RateLimitError, SDKError

from .journal import Journal, JournalRow
from .limits import SAVE_EVERY, carry_over, resolve_limiter, save_pacing
from .throttle import Throttle

__all__ = ["RollbackSummary", "rollback"]

PAGE = 500
MAX_TRIES = 5


@dataclass
class RollbackSummary:
    """What a rollback did; handed to ``on_progress`` as it goes, returned at the end."""

    deleted: int = 0
    not_found: int = 0
    #: Of ``deleted``: by kind (``user``, ``organization``, ``membership``).
    by_kind: dict[str, int] = field(default_factory=dict)
    failed: int = 0
    requests: int = 0
    rate_limited: int = 0
    #: The records to undo (the journal's ``created`` records when the rollback began).
    total: int | None = None
    started: float = field(default_factory=time.monotonic)

    @property
    def exit_code(self) -> int:
        return 2 if self.failed else 0

    @property
    def settled(self) -> int:
        return self.deleted + self.not_found + self.failed

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def counters(self) -> list[tuple[str, int]]:
        return [
            ("deleted", self.deleted),
            ("already gone", self.not_found),
            ("failed", self.failed),
            ("429s", self.rate_limited),
        ]


async def rollback(
    clerk: Clerk,
    journal: Journal | str | os.PathLike[str],
    *,
    rate_limit: RateLimit | str | None = "auto",
    concurrency: int | None = None,
    on_progress: Callable[[RollbackSummary], None] | None = None,
) -> RollbackSummary:
    """Delete what ``journal`` created; a record already gone counts as ``not_found``.

    ``on_progress`` gets the summary so far every half second, and once at the end.
    """
    book = journal if isinstance(journal, Journal) else Journal(journal, lock=True)
    try:
        limiter, rate = resolve_limiter(clerk, rate_limit)
        undo = _Rollback(clerk, book, Throttle(limiter, rate), concurrency, on_progress)
        await undo.run()
        return undo.summary
    finally:
        if not isinstance(journal, Journal):
            book.close()
        else:
            book.commit()


class _Rollback:
    def __init__(
        self,
        clerk: Clerk,
        journal: Journal,
        throttle: Throttle,
        concurrency: int | None,
        on_progress: Callable[[RollbackSummary], None] | None,
    ) -> None:
        self.clerk = clerk
        self.journal = journal
        self.throttle = throttle
        self.pacer = throttle.limiter or clerk.rate_limiter
        self.slots = anyio.CapacityLimiter(concurrency or throttle.concurrency())
        self.on_progress = on_progress
        self.summary = RollbackSummary(total=journal.counts()["created"])

    async def run(self) -> None:
        book = self.journal
        carry_over(book, self.pacer)
        book.begin_run("rollback")
        try:
            async with anyio.create_task_group() as services:
                services.start_soon(self._tick)
                await self._pages(book.rows("created", kind="membership", page=PAGE),
                                  self._membership)  # fmt: skip
                await self._pages(book.rows("created", kind="organization", page=PAGE),
                                  self._organization)  # fmt: skip
                await self._pages(book.rows("created", kind="user", page=PAGE), self._user)
                services.cancel_scope.cancel()
            save_pacing(book, self.pacer, busy=False)
            book.end_run("finished")
        finally:
            self._report()

    async def _pages(
        self,
        rows: Iterator[JournalRow],
        undo: Callable[[JournalRow, dict[int, JournalRow]], Coroutine[Any, Any, None]],
    ) -> None:
        """``undo`` each row, a page at a time (a seq cursor: each row comes once), with the rows
        of the records it needs (a membership's organization and user)."""
        while page := list(itertools.islice(rows, PAGE)):
            needs = self.journal.rows_of(
                seq for row in page for seq in (row.user_seq, row.org_seq) if seq is not None
            )
            async with anyio.create_task_group() as group:
                for row in page:
                    group.start_soon(undo, row, needs)
            self.journal.commit()

    async def _user(self, row: JournalRow, needs: dict[int, JournalRow]) -> None:
        if row.clerk_id:
            clerk_id = row.clerk_id
            await self._delete(row, lambda: self.clerk.users.delete(clerk_id))

    async def _organization(self, row: JournalRow, needs: dict[int, JournalRow]) -> None:
        if not row.clerk_id:
            return
        clerk_id = row.clerk_id
        if await self._delete(row, lambda: self.clerk.organizations.delete(clerk_id)):
            for member in list(self.journal.rows("created", org_seq=row.seq)):
                if member.clerk_id:  # went with its organization
                    self.journal.rolled_back(
                        member.seq, member.clerk_id, "deleted_with_organization"
                    )
                    self._count(member)

    async def _membership(self, row: JournalRow, needs: dict[int, JournalRow]) -> None:
        organization = needs.get(row.org_seq) if row.org_seq is not None else None
        user = needs.get(row.user_seq) if row.user_seq is not None else None
        if organization is None or organization.status == "created" or not row.clerk_id:
            return  # goes with its organization, which this journal created
        if user is None or not organization.clerk_id or not user.clerk_id:
            return
        organization_id, user_id = organization.clerk_id, user.clerk_id
        await self._delete(
            row,
            lambda: self.clerk.organization_memberships.delete(organization_id, user_id),
        )

    async def _delete(self, row: JournalRow, call: Callable[[], Awaitable[object]]) -> bool:
        """One deletion, retried on 5xx and lost connections; whether the record is gone."""
        book, summary = self.journal, self.summary
        assert row.clerk_id is not None
        for attempt in range(MAX_TRIES):
            try:
                async with self.slots:
                    await self.throttle.call(call)
            except NotFoundError:
                book.rolled_back(row.seq, row.clerk_id, "not_found")
                summary.not_found += 1
                return True
            except RateLimitError:
                continue
            except ClerkError as error:
                if attempt < MAX_TRIES - 1 and not (
                    isinstance(error, SDKError) and error.status_code < 500
                ):
                    await anyio.sleep(0.5 * 2**attempt)
                    continue
                code = (error.code if isinstance(error, SDKError) else None) or "connection_error"
                book.rollback_failed(row.seq, row.clerk_id, code, str(error))
                summary.failed += 1
                return False
            book.rolled_back(row.seq, row.clerk_id, "deleted")
            self._count(row)
            return True
        return False  # pragma: no cover - a 429 each time: the limiter paused, then tried again

    def _count(self, row: JournalRow) -> None:
        summary = self.summary
        summary.deleted += 1
        summary.by_kind[row.kind] = summary.by_kind.get(row.kind, 0) + 1

    async def _tick(self) -> None:
        while True:
            await anyio.sleep(SAVE_EVERY)
            save_pacing(self.journal, self.pacer, busy=True)
            self._report()

    def _report(self) -> None:
        self.summary.requests = self.throttle.requests
        self.summary.rate_limited = self.throttle.rate_limited
        if self.on_progress is not None:
            self.on_progress(self.summary)
