"""Undoing a migration: delete exactly the users this journal created, and record each deletion.

Only ``created`` records are touched, never ``already_imported`` ones (those were in Clerk before
this journal) nor any other user. The journal is read by pages (seq cursor), the deletions go
through the run's rate limiter, and each one is logged before the next page is read, so a rollback
killed part way resumes where it stopped.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import anyio

from clerk_async import Clerk
from clerk_async._ratelimit import RateLimit
from clerk_async.errors import ClerkError, NotFoundError, RateLimitError, SDKError

from .journal import Journal
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
    failed: int = 0
    requests: int = 0
    rate_limited: int = 0
    #: The users to delete (the journal's ``created`` records when the rollback began).
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
    """Delete the users ``journal`` created; a user already gone counts as ``not_found``.

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
                created = book.rows("created", page=PAGE)  # a seq cursor: each row comes once
                while page := list(itertools.islice(created, PAGE)):
                    async with anyio.create_task_group() as group:
                        for row in page:
                            if row.clerk_id:
                                group.start_soon(self._delete, row.seq, row.clerk_id)
                    book.commit()
                services.cancel_scope.cancel()
            save_pacing(book, self.pacer, busy=False)
            book.end_run("finished")
        finally:
            self._report()

    async def _delete(self, seq: int, clerk_id: str) -> None:
        book, summary = self.journal, self.summary
        for attempt in range(MAX_TRIES):
            try:
                async with self.slots:
                    await self.throttle.call(lambda: self.clerk.users.delete(clerk_id))
            except NotFoundError:
                book.rolled_back(seq, clerk_id, "not_found")
                summary.not_found += 1
                return
            except RateLimitError:
                continue
            except ClerkError as error:
                if attempt < MAX_TRIES - 1 and not (
                    isinstance(error, SDKError) and error.status_code < 500
                ):
                    await anyio.sleep(0.5 * 2**attempt)
                    continue
                code = (error.code if isinstance(error, SDKError) else None) or "connection_error"
                book.rollback_failed(seq, clerk_id, code, str(error))
                summary.failed += 1
                return
            book.rolled_back(seq, clerk_id, "deleted")
            summary.deleted += 1
            return

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
