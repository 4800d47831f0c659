"""``await migrate(clerk, records, journal=...)``: import every record exactly once, resumably.

One pass over the records, in order: users, then organizations, then memberships (the order
``read_source`` yields them in). Each batch is admitted to the journal (a resumed run finds its
records there), and its pending records are handed to their kind's importer: users are looked up
by ``external_id`` first, 100 per request (1 % of the budget), so that any user found later under
a record's id is one this journal created (:mod:`.import_users`); organizations by their slug
(:mod:`.import_orgs`); memberships wait for their own user and organization, not for the others
(:mod:`.import_memberships`), and the roles they use are made to exist first (:mod:`.roles`).
Every request goes through the run's single rate limiter, with as many in flight as Clerk's
latency times the rate needs, so the kinds overlap at the limit. A POST is never repeated
blindly: an unknown outcome is settled by a lookup first. Before the pass, users left
``in_flight`` by a killed run are looked up the same way; organizations and memberships left in
flight are looked up by the workers that take them, so nothing is sent twice.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import anyio
import anyio.abc

from clerk_async import Clerk
from clerk_async._ratelimit import RateLimit
from clerk_async.errors import SDKError
from clerk_async.migrate.records import (
    MappedMembership,
    MappedOrganization,
    MappedUser,
    RoleDefinition,
)

from .import_memberships import MembershipImporter
from .import_orgs import OrganizationImporter
from .import_users import MigrationAborted, UserImporter
from .importing import Importer, Pending, Queued, QueuedUser, Work, error_message, queued
from .journal import Entry, Journal, JournalRow
from .limits import SAVE_EVERY, carry_over, resolve_limiter, save_pacing
from .plan import ADMIT_BATCH, Item, entry_for, to_mapped
from .reconcile import MAX_IDS, Lookups
from .report import Summary
from .roles import RoleKeeper
from .states import JournalStateError
from .throttle import Throttle
from .work_queue import EMPTY, WorkQueue

__all__ = ["MigrationAborted", "Progress", "migrate"]

#: POSTs of one record before it is reported failed (each after a lookup found nothing).
MAX_ATTEMPTS = 5
#: Workers beyond the requests in flight wanted: those waiting for a lookup. A record is marked in
#: flight at most a batch ahead of a worker taking it, so never long before it is sent. Only when
#: a limiter paces the sends: without one, every worker sends at once, and spare ones would be
#: that many more requests in flight than the concurrency (and their objects alive in the
#: process, which the collector meets at each pass).
SPARE_WORKERS = 16
TICK = SAVE_EVERY
#: Records mapped and admitted between two turns of the event loop (a few milliseconds of work,
#: so that requests waiting for their send slot are not held up).
ADMIT_STEP = 200
QUOTA_CODE = "user_quota_exceeded"


@dataclass
class Progress:
    """Live counts of a run, handed to the ``on_progress`` callback every half second."""

    #: Records to settle in this run (when known).
    total: int | None = None
    #: Records settled, in the whole journal; ``settled`` counts this run's.
    done: int = 0
    baseline: int = 0
    created: int = 0
    already_imported: int = 0
    #: In conflict with a user in Clerk (the summary's ``conflict``; duplicates are not).
    conflicts: int = 0
    failed: int = 0
    requests: int = 0
    rate_limited: int = 0
    in_flight: int = 0
    concurrency: int = 0
    started: float = 0.0

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def settled(self) -> int:
        return self.done - self.baseline

    def counters(self) -> list[tuple[str, int]]:
        return [
            ("created", self.created),
            ("failed", self.failed),
            ("conflicts", self.conflicts),
            ("429s", self.rate_limited),
        ]


ProgressCallback = Callable[[Progress], None]


async def migrate(
    clerk: Clerk,
    records: Iterable[Item],
    *,
    journal: Journal | str | os.PathLike[str],
    rate_limit: RateLimit | str | None = "auto",
    concurrency: int | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    on_progress: ProgressCallback | None = None,
    total: int | None = None,
    command: str = "import",
    roles: Iterable[RoleDefinition] = (),
    create_roles: bool = True,
) -> Summary:
    """Import ``records`` into Clerk through ``clerk``; the summary of the whole journal.

    ``records`` are what :func:`~clerk_async.migrate.readers.read_source` yields (or mapped
    ones): users, organizations and memberships. ``journal`` is a :class:`Journal` or the path
    of one; running again with the same journal and records resumes: nothing is created twice,
    nothing is skipped. ``rate_limit`` is ``"auto"`` (the instance's limit, from the key),
    ``"1000/10s"``, or None; a client built with its own ``rate_limit`` is limited by that one
    instead. ``concurrency`` defaults to what the rate and Clerk's latency need. ``roles``
    describes the custom roles memberships use (``read_roles``); the ones Clerk lacks are
    created before the memberships that use them, unless ``create_roles`` is False.
    """
    _heap_reads()
    own_journal = not isinstance(journal, Journal)
    book = Journal(journal, lock=True) if not isinstance(journal, Journal) else journal
    try:
        limiter, rate = resolve_limiter(clerk, rate_limit)
        throttle = Throttle(limiter, rate)
        keeper = RoleKeeper(clerk, book, throttle, roles, create=create_roles)
        run = _Run(clerk, book, throttle, max_attempts, concurrency, keeper)
        run.progress.total = total
        carry_over(book, run.pacer)
        book.begin_run(command)
        outcome = "aborted"
        try:
            await run.run(records, on_progress)
            outcome = "finished"
        finally:
            save_pacing(book, run.pacer, busy=False)
            book.end_run(outcome)
        throttle = run.throttle
        return Summary.of(
            book,
            requests=throttle.requests,
            rate_limited=throttle.rate_limited,
            elapsed=run.progress.elapsed,
            stopped=run.stopped,
        )
    finally:
        if own_journal:
            book.close()
        else:
            book.commit()


#: A block larger than asyncio's read buffer (256 KiB), freed at once: see :func:`_heap_reads`.
_READ_BUFFER_ROOM = 1 << 20


def _heap_reads() -> None:
    """Have the C allocator serve asyncio's 256 KiB read buffers from its heap.

    asyncio reads every response into a fresh 256 KiB buffer and shrinks it to the bytes read.
    glibc's malloc maps blocks that large from the kernel (mmap, a page fault, mremap, munmap:
    per response) until a mapped block that large has once been freed; then it raises its
    threshold and serves them from the heap. A plain loop of calls usually gets there by
    itself; a migration, whose heap grows as it reads and journals, often never does, and paid
    ~16 us of CPU per user for it (8 %). Freeing one larger block once does what glibc
    does on its own; with any other allocator it costs a microsecond and changes nothing.
    """
    bytearray(_READ_BUFFER_ROOM)


class _Importers(dict[type, Importer]):
    """The importer of each type of waiting record; a subclass's is its base's."""

    def __missing__(self, kind: type) -> Importer:
        for base, importer in list(self.items()):
            if issubclass(kind, base):
                self[kind] = importer
                return importer
        raise TypeError(f"no importer takes a {kind.__name__}")


class _Run:
    def __init__(
        self,
        clerk: Clerk,
        journal: Journal,
        throttle: Throttle,
        max_attempts: int,
        concurrency: int | None,
        roles: RoleKeeper,
    ) -> None:
        self.clerk = clerk
        self.journal = journal
        self.throttle = throttle
        #: The limiter every request of the run waits on (the client's own, or the throttle's).
        self.pacer = throttle.limiter or clerk.rate_limiter
        self.spare_workers = SPARE_WORKERS if self.pacer is not None else 0
        self.max_attempts = max(1, max_attempts)
        self.fixed_concurrency = concurrency
        self.lookups = Lookups(clerk, throttle)
        self.roles = roles
        self.users = UserImporter(self, self.lookups)
        self.organizations = OrganizationImporter(self)
        self.memberships = MembershipImporter(self, self.roles)
        #: The importer of each kind of waiting record, by its type (a lookup, not a call, for
        #: each record the feeder hands over and each one a worker takes).
        self._importers = _Importers(
            {
                QueuedUser: self.users,
                MappedOrganization: self.organizations,
                MappedMembership: self.memberships,
            }
        )
        first = concurrency or throttle.concurrency()
        self.workers = 0
        self._work: WorkQueue[Work] = WorkQueue(2 * MAX_IDS)
        self._pool: anyio.abc.TaskGroup | None = None
        self._services: anyio.abc.TaskGroup | None = None
        #: Records queued or in a worker's hands, and the events of those another one waits for.
        self._active: set[int] = set()
        self._waiting: dict[int, anyio.Event] = {}
        self.progress = Progress(started=time.monotonic(), concurrency=first)
        self.stopped: str | None = None

    async def run(self, records: Iterable[Item], on_progress: ProgressCallback | None) -> None:
        self._refresh()
        self.progress.baseline = self.progress.done
        async with anyio.create_task_group() as services:
            self._services = services
            services.start_soon(self.lookups.serve)
            services.start_soon(self._tick, on_progress)
            services.start_soon(self.roles.ensure)  # a preflight's roles, beside the users
            try:
                await self.users.settle_leftovers()
                async with anyio.create_task_group() as pool:
                    self._pool = pool
                    self._add_workers(self.progress.concurrency + self.spare_workers)
                    try:
                        await self._feed(records)
                    finally:
                        self._work.close(self.workers)
                    self.lookups.hurry()
            finally:
                self.journal.commit()
                services.cancel_scope.cancel()
        if on_progress is not None:
            self._refresh()
            on_progress(self.progress)

    # -- the pass ------------------------------------------------------------------------------

    async def _feed(self, records: Iterable[Item]) -> None:
        journal, importers = self.journal, self._importers
        seq = 0
        iterator = iter(records)
        while self.stopped is None:
            held, others, count = await self._admit(iterator, seq)
            if not count:
                break
            first, last = seq, seq + count - 1
            seq += count
            journal.commit()
            statuses = journal.statuses_between(first, last)
            by_kind: dict[Importer, list[Pending]] = {}
            for index in range(first, last + 1):
                status = statuses.get(index)
                if status not in ("pending", "in_flight"):
                    continue
                item = held.get(index) or self._held(index, others[index])
                by_kind.setdefault(importers[type(item)], []).append(Pending(index, item, status))
            del held, others  # what the importers hold stays, no more
            for importer in (self.users, self.organizations, self.memberships):
                pending = by_kind.get(importer)
                if pending and self.stopped is None:  # what a record needs is queued before it
                    await importer.queue(pending)

    async def _admit(
        self, records: Iterator[Item], first: int
    ) -> tuple[dict[int, Queued], dict[int, Item], int]:
        """Read a batch of records (``first`` is the seq of the first one), map and admit those
        the journal does not hold yet (one commit per batch, by the caller): what the run keeps
        of the mapped ones, the others (invalid, skipped, or admitted by an earlier run) as read,
        and how many were read.

        Each record is mapped as soon as it is read and kept as :func:`queued` makes it, so that
        a record's raw fields and request die young: a whole batch of them, alive until sent,
        was scanned by the cyclic GC on every collection until it reached the oldest
        generation (6-8 us per user)."""
        journal = self.journal
        start = max(first, journal.admitted)  # the seq of entries[0]
        held: dict[int, Queued] = {}
        others: dict[int, Item] = {}
        entries: list[Entry] = []
        count = 0
        for index, item in enumerate(itertools.islice(records, ADMIT_BATCH), first):
            count += 1
            if index < start:
                others[index] = item
                continue
            outcome = to_mapped(item)
            entries.append(entry_for(outcome))
            if isinstance(outcome, (MappedUser, MappedOrganization, MappedMembership)):
                held[index] = queued(outcome)
            else:
                others[index] = outcome
            if len(entries) == ADMIT_STEP:
                await self._admit_step(start, entries)
                start += len(entries)
                entries = []
        if entries:
            await self._admit_step(start, entries)
        return held, others, count

    async def _admit_step(self, start: int, entries: list[Entry]) -> None:
        self.journal.admit(start, entries, commit=False)  # one commit per batch
        if self._services is not None and any(e.role is not None for e in entries):
            # the roles these memberships use, made to exist while the records before them are
            # sent, so that the memberships need not wait for them
            self._services.start_soon(self.roles.ensure)
        await anyio.sleep(0)  # the sends due meanwhile go: the pace stays even

    def _held(self, index: int, item: Item) -> Queued:
        """What the run keeps of a record admitted before (a resumed run) and still to send."""
        outcome = to_mapped(item)
        if not isinstance(outcome, (MappedUser, MappedOrganization, MappedMembership)):
            where = getattr(outcome, "location", "")
            raise JournalStateError(
                f"record {index} ({where}) is pending in the journal but no longer maps "
                "to a record to import: was the input or the program changed?"
            )
        return queued(outcome)

    async def put(self, *works: Work) -> None:
        active, queue = self._active, self._work
        for work in works:
            active.add(work.seq)
            if not queue.offer(work):
                await queue.put(work)

    async def settled(self, seq: int) -> JournalRow | None:
        if seq in self._active and self.stopped is None:
            event = self._waiting.setdefault(seq, anyio.Event())
            await event.wait()
        return self.journal.row(seq)

    def _add_workers(self, count: int) -> None:
        assert self._pool is not None
        if self._work.closed:  # no more work: a new worker would wait for ever
            return
        for _ in range(count):
            self._pool.start_soon(self._worker)
        self.workers += count

    async def _worker(self) -> None:
        queue, progress, importers = self._work, self.progress, self._importers
        active, waiting = self._active, self._waiting
        while True:
            work = queue.poll()
            if work is EMPTY:
                work = await queue.get()
            if work is None:
                return
            seq, mapped, mode = work.seq, work.item, work.mode
            try:
                if self.stopped is not None:
                    if mode == "send":  # marked in flight, never sent: pending again
                        self.journal.back_to_pending(seq)
                    continue
                progress.in_flight += 1
                try:
                    await importers[type(mapped)].take(seq, mapped, mode)
                finally:
                    progress.in_flight -= 1
            finally:  # done with it: whoever waits for it goes on
                active.discard(seq)
                if waiting:
                    event = waiting.pop(seq, None)
                    if event is not None:
                        event.set()

    def stop(self, error: SDKError) -> None:
        if self.stopped is not None:
            return
        if error.code == QUOTA_CODE:
            self.stopped = (
                "the instance holds as many users as it may (a development instance holds 100): "
                + error_message(error)
            )
        else:
            message = error_message(error)
            self.stopped = f"Clerk refused the secret key ({error.status_code}): {message}"
        for event in self._waiting.values():  # nobody waits for a record that will not come
            event.set()
        self._waiting.clear()

    # -- progress ------------------------------------------------------------------------------

    async def _tick(self, on_progress: ProgressCallback | None) -> None:
        while True:
            await anyio.sleep(TICK)
            save_pacing(self.journal, self.pacer, busy=True)
            self._adjust_concurrency()
            if on_progress is not None:
                self._refresh()
                on_progress(self.progress)

    def _adjust_concurrency(self) -> None:
        if self.fixed_concurrency is not None:
            return
        wanted = self.throttle.concurrency()
        self.progress.concurrency = wanted
        spare = self.spare_workers
        if self._pool is not None and wanted + spare > self.workers:
            self._add_workers(wanted + spare - self.workers)  # grows only; the limiter,
            # not the number of workers, keeps the run under the rate

    def _refresh(self) -> None:
        counts = self.journal.live_counts()
        progress = self.progress
        progress.created = counts["created"]
        progress.already_imported = counts["already_imported"]
        progress.conflicts = counts["conflict"]
        progress.failed = counts["failed"]
        progress.done = sum(counts.values()) - counts["pending"] - counts["in_flight"]
        progress.requests = self.throttle.requests
        progress.rate_limited = self.throttle.rate_limited
