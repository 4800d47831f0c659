"""Undoing a migration: delete exactly the users this journal created, and record each deletion.

Only ``created`` records are touched, never ``already_imported`` ones (those were in Clerk before
this journal) nor any other user. The journal is read by pages (seq cursor), the deletions go
through the run's rate limiter, and each one is logged before the next page is read, so a rollback
killed part way resumes where it stopped.
"""

from __future__ import annotations

import itertools
import logging
import os
from dataclasses import dataclass

import anyio

from clerk_async import Clerk
from clerk_async._ratelimit import RateLimit
from clerk_async.errors import ClerkError, NotFoundError, RateLimitError, SDKError

from .journal import Journal
from .limits import carry_over, keep_pacing_saved, resolve_limiter, save_pacing
from .throttle import Throttle

__all__ = ["RollbackSummary", "rollback"]

logger = logging.getLogger("clerk.migrate")

PAGE = 500
MAX_TRIES = 5


@dataclass
class RollbackSummary:
    deleted: int = 0
    not_found: int = 0
    failed: int = 0
    requests: int = 0

    @property
    def exit_code(self) -> int:
        return 2 if self.failed else 0


async def rollback(
    clerk: Clerk,
    journal: Journal | str | os.PathLike[str],
    *,
    rate_limit: RateLimit | str | None = "auto",
    concurrency: int | None = None,
) -> RollbackSummary:
    """Delete the users ``journal`` created; a user already gone counts as ``not_found``."""
    book = journal if isinstance(journal, Journal) else Journal(journal, lock=True)
    limiter, rate = resolve_limiter(clerk, rate_limit)
    throttle = Throttle(limiter, rate)
    pacer = limiter or clerk.rate_limiter
    carry_over(book, pacer)
    slots = anyio.CapacityLimiter(concurrency or throttle.concurrency())
    summary = RollbackSummary()
    book.begin_run("rollback")

    async def delete(seq: int, clerk_id: str) -> None:
        for attempt in range(MAX_TRIES):
            try:
                async with slots:
                    await throttle.call(lambda: clerk.users.delete(clerk_id))
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

    try:
        async with anyio.create_task_group() as services:
            services.start_soon(keep_pacing_saved, book, pacer)
            created = book.rows("created", page=PAGE)  # a seq cursor: each row comes once
            while page := list(itertools.islice(created, PAGE)):
                async with anyio.create_task_group() as group:
                    for row in page:
                        if row.clerk_id:
                            group.start_soon(delete, row.seq, row.clerk_id)
                book.commit()
            services.cancel_scope.cancel()
        save_pacing(book, pacer, busy=False)
        book.end_run("finished")
    finally:
        summary.requests = throttle.requests
        if not isinstance(journal, Journal):
            book.close()
        else:
            book.commit()
    return summary
