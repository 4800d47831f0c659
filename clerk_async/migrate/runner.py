"""``await migrate(clerk, records, journal=...)``: import every record exactly once, resumably.

One pass over the records, in order. Each batch is admitted to the journal (a resumed run finds its
records there), and the pending ones are looked up by ``external_id`` first, 100 per request (1 %
of the budget): one already in Clerk is ``already_imported`` without a POST, so that any user found
later under a record's id is one this journal created. The others are marked ``in_flight`` and
committed, then sent, one ``POST /users`` each, through the run's single rate limiter, with as many
requests in flight as Clerk's latency times the rate needs. A POST is never repeated blindly:
an unknown outcome (a 5xx, a timeout, a dropped connection) and a 422 ``form_identifier_exists``
are settled by a batched ``external_id`` lookup first (see :mod:`clerk_async.migrate.reconcile`).
Before the pass, records left ``in_flight`` by a killed run are looked up the same way, so nothing
is sent twice.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

import anyio
import anyio.abc
import msgspec

from clerk_async import Clerk
from clerk_async._http import EncodedBody
from clerk_async._operations import CREATE_USER
from clerk_async._ratelimit import RateLimit
from clerk_async.errors import (
    APIConnectionError,
    AuthenticationError,
    ClerkError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    ResponseValidationError,
    SDKError,
    UnprocessableEntityError,
)
from clerk_async.migrate.records import MappedUser
from clerk_async.models import CreateUserRequest, User

from .journal import Journal
from .limits import SAVE_EVERY, carry_over, resolve_limiter, save_pacing
from .plan import ADMIT_BATCH, Item, entry_for, to_mapped
from .reconcile import MAX_IDS, LookupError_, Lookups, unfilterable
from .report import Summary
from .states import JournalStateError
from .throttle import Throttle
from .work_queue import WorkQueue

__all__ = ["MigrationAborted", "Progress", "migrate"]

logger = logging.getLogger("clerk.migrate")

#: POSTs of one record before it is reported failed (each after a lookup found nothing).
MAX_ATTEMPTS = 5
#: Lookups of one record before its outcome is left unknown (the next run looks again).
MAX_LOOKUPS = 4
#: 429s one record may meet before it is reported failed.
MAX_RATE_LIMITED = 50
#: Workers beyond the requests in flight wanted: those waiting for a lookup. A record is marked in
#: flight at most a batch ahead of a worker taking it, so never long before it is sent.
SPARE_WORKERS = 16
TICK = SAVE_EVERY
QUOTA_CODE = "user_quota_exceeded"
_encode = msgspec.json.Encoder().encode


class MigrationAborted(ClerkError):
    """The run stopped: Clerk refused the key or the instance is full; the journal says where."""


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
) -> Summary:
    """Import ``records`` into Clerk through ``clerk``; the summary of the whole journal.

    ``records`` are what :func:`~clerk_async.migrate.readers.read_source` yields (or mapped
    ones). ``journal`` is a :class:`Journal` or the path of one; running again with the same
    journal and records resumes: nothing is created twice, nothing is skipped. ``rate_limit`` is
    ``"auto"`` (the instance's limit, from the key), ``"1000/10s"``, or None; a client built
    with its own ``rate_limit`` is limited by that one instead. ``concurrency`` defaults to
    what the rate and Clerk's latency need.
    """
    own_journal = not isinstance(journal, Journal)
    book = Journal(journal, lock=True) if not isinstance(journal, Journal) else journal
    try:
        limiter, rate = resolve_limiter(clerk, rate_limit)
        run = _Run(clerk, book, Throttle(limiter, rate), max_attempts, concurrency)
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


class _Run:
    def __init__(
        self,
        clerk: Clerk,
        journal: Journal,
        throttle: Throttle,
        max_attempts: int,
        concurrency: int | None,
    ) -> None:
        self.clerk = clerk
        self.journal = journal
        self.throttle = throttle
        #: The limiter every request of the run waits on (the client's own, or the throttle's).
        self.pacer = throttle.limiter or clerk.rate_limiter
        self.max_attempts = max(1, max_attempts)
        self.fixed_concurrency = concurrency
        self.lookups = Lookups(clerk, throttle)
        first = concurrency or throttle.concurrency()
        self.workers = 0
        self._work: WorkQueue[Work] = WorkQueue(2 * MAX_IDS)
        self._pool: anyio.abc.TaskGroup | None = None
        self.progress = Progress(started=time.monotonic(), concurrency=first)
        self.stopped: str | None = None

    async def run(self, records: Iterable[Item], on_progress: ProgressCallback | None) -> None:
        self._refresh()
        self.progress.baseline = self.progress.done
        async with anyio.create_task_group() as services:
            services.start_soon(self.lookups.serve)
            services.start_soon(self._tick, on_progress)
            try:
                await self._settle_leftovers()
                async with anyio.create_task_group() as pool:
                    self._pool = pool
                    self._add_workers(self.progress.concurrency + SPARE_WORKERS)
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

    # -- before the pass: a killed run's in-flight records -------------------------------------

    async def _settle_leftovers(self) -> None:
        """Look up every record a killed run left ``in_flight``; found: created, else pending."""
        leftovers = list(self.journal.rows("in_flight"))
        if not leftovers:
            return
        logger.info("looking up %d records a previous run left in flight", len(leftovers))
        filterable = [
            row for row in leftovers if row.external_id and not unfilterable(row.external_id)
        ]
        found: dict[str, User] = {}
        for start in range(0, len(filterable), MAX_IDS):
            ids = [
                row.external_id for row in filterable[start : start + MAX_IDS] if row.external_id
            ]
            found.update(await self._retrying_lookup(ids))
            if self.stopped is not None:
                return  # not looked up: they stay in flight
        for row in filterable:
            user = found.get(row.external_id or "")
            if user is not None:
                self.journal.created(row.seq, user.id)
            else:
                self.journal.back_to_pending(row.seq, uncertain=True)
        # The others stay in flight: the pass looks them up by their identifiers, which only
        # their request (read again from the input) holds.
        self.journal.commit()

    async def _retrying_lookup(self, ids: list[str]) -> dict[str, User]:
        for attempt in range(MAX_LOOKUPS):
            try:
                return await self.lookups.now(ids)
            except (AuthenticationError, PermissionDeniedError) as error:
                self._stop(error)
                return {}
            except LookupError_:
                if attempt == MAX_LOOKUPS - 1:
                    raise MigrationAborted(
                        "Clerk did not answer the lookups that come before sending; the journal "
                        "is as it was. Run again when Clerk answers."
                    ) from None
                await anyio.sleep(2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- the pass ------------------------------------------------------------------------------

    async def _feed(self, records: Iterable[Item]) -> None:
        journal = self.journal
        seq = 0
        iterator = iter(records)
        while self.stopped is None:
            batch = _take(iterator, ADMIT_BATCH)
            if not batch:
                break
            first, last = seq, seq + len(batch) - 1
            seq += len(batch)
            known = journal.admitted
            mapped: dict[int, Any] = {}
            if last >= known:
                fresh = range(max(first, known), last + 1)
                outcomes = [to_mapped(batch[index - first]) for index in fresh]
                mapped.update(zip(fresh, outcomes, strict=True))
                journal.admit(fresh.start, [entry_for(outcome) for outcome in outcomes])
            statuses = journal.statuses_between(first, last)
            pending: list[tuple[int, MappedUser, Mode]] = []
            for index in range(first, last + 1):
                status = statuses.get(index)
                if status not in ("pending", "in_flight"):
                    continue
                outcome = mapped.get(index) or to_mapped(batch[index - first])
                if not isinstance(outcome, MappedUser):
                    raise JournalStateError(
                        f"record {index} ({outcome.location}) is pending in the journal but no "
                        "longer maps to a user: was the input or the program changed?"
                    )
                # Still in flight here: left by a killed run, and its id is one Clerk cannot
                # filter on; a pending one with such an id is looked up by its identifiers too.
                if status == "in_flight":
                    pending.append((index, outcome, "leftover"))
                elif unfilterable(outcome.external_id):
                    pending.append((index, outcome, "look_first"))
                else:
                    pending.append((index, outcome, "send"))
            await self._send_all(pending)

    async def _send_all(self, pending: list[tuple[int, MappedUser, Mode]]) -> None:
        """Look each batch up first (one request per 100 records): a user already in Clerk is
        ``already_imported`` without a POST, so that any user found later is this journal's own.
        The others are marked in flight (one commit) and handed to the workers."""
        for start in range(0, len(pending), MAX_IDS):
            if self.stopped is not None:
                return
            group = pending[start : start + MAX_IDS]
            ids = [user.external_id for _, user, mode in group if mode == "send"]
            found = await self._retrying_lookup(ids) if ids else {}
            if self.stopped is not None:
                return
            to_send = []
            for seq, user, mode in group:
                held = found.get(user.external_id) if mode == "send" else None
                if held is not None:
                    self.journal.found_before_sending(seq, held.id)
                else:
                    to_send.append((seq, user, mode))
            self.journal.mark_in_flight([seq for seq, _, mode in to_send if mode == "send"])
            for item in to_send:
                await self._work.put(item)

    def _add_workers(self, count: int) -> None:
        assert self._pool is not None
        if self._work.closed:  # no more work: a new worker would wait for ever
            return
        for _ in range(count):
            self._pool.start_soon(self._worker)
        self.workers += count

    async def _worker(self) -> None:
        while (work := await self._work.get()) is not None:
            seq, user, mode = work
            if self.stopped is not None:
                if mode == "send":  # marked in flight, never sent: pending again
                    self.journal.back_to_pending(seq)
                continue
            await self._import(seq, user, mode)

    # -- one record ----------------------------------------------------------------------------

    async def _import(self, seq: int, user: MappedUser, mode: Mode) -> None:
        """One record to its final state. ``leftover``: in flight in a killed run, and only its
        identifiers can find it; ``look_first``: pending, likewise looked up before the POST."""
        self.progress.in_flight += 1
        try:
            if mode != "send":
                found = await self._look_up(seq, user)
                if found is _UNKNOWN:
                    return  # leftover: stays in flight; look_first: stays pending
                if isinstance(found, User):
                    if mode == "leftover":  # absent before its first POST: this journal's own
                        self.journal.created(seq, found.id)
                    else:
                        self.journal.found_before_sending(seq, found.id)
                    return
                if mode == "leftover":
                    self.journal.another_attempt(seq, uncertain=True)
                else:
                    self.journal.mark_in_flight([seq])
            await self._settle(seq, user, uncertain=mode == "leftover")
        finally:
            self.progress.in_flight -= 1

    async def _settle(self, seq: int, user: MappedUser, *, uncertain: bool) -> None:
        journal = self.journal
        attempts, rate_limited = 1, 0
        while True:
            try:
                created = await self.throttle.call(lambda: self._create(user.request))
            except RateLimitError as error:
                rate_limited += 1
                if rate_limited >= MAX_RATE_LIMITED:
                    journal.failed(seq, "too_many_requests", _message(error), uncertain=uncertain)
                    return
                continue  # not processed; the limiter is paused for everyone
            except UnprocessableEntityError as error:
                if not _identifier_exists(error):
                    journal.failed(seq, error.code or "unprocessable", _message(error),
                                   uncertain=uncertain)  # fmt: skip
                    return
                await self._settle_exists(seq, user, error, uncertain)
                return
            except (AuthenticationError, PermissionDeniedError) as error:
                journal.back_to_pending(seq, uncertain=uncertain)
                self._stop(error)
                return
            except RequestValidationError as error:
                journal.failed(seq, "request_invalid", str(error), uncertain=uncertain)
                return
            except (ResponseValidationError, APIConnectionError, SDKError) as error:
                if isinstance(error, SDKError) and error.status_code < 500:
                    journal.failed(seq, error.code or f"http_{error.status_code}",
                                   _message(error), uncertain=uncertain)  # fmt: skip
                    return
                applied = not isinstance(error, APIConnectionError) or error.request_sent
                if applied:
                    uncertain = True
                    found = await self._look_up(seq, user)
                    if found is _UNKNOWN:
                        return  # stays in flight; the next run looks again
                    if isinstance(found, User):
                        journal.created(seq, found.id)
                        return
                if attempts >= self.max_attempts:
                    journal.failed(seq, _code(error), _message(error), uncertain=uncertain)
                    return
                if not applied:
                    await anyio.sleep(min(2.0**attempts * 0.25, 8.0))
                attempts += 1
                journal.another_attempt(seq, uncertain=uncertain)
                continue
            journal.created(seq, created.id)
            return

    async def _settle_exists(
        self, seq: int, user: MappedUser, error: UnprocessableEntityError, uncertain: bool
    ) -> None:
        """422 identifier exists: our own earlier write, or another user holding an identifier."""
        journal = self.journal
        found = await self._look_up(seq, user)
        if found is _UNKNOWN:
            return
        if isinstance(found, User):
            row = journal.row(seq)
            if uncertain or (
                row is not None and row.uncertain
            ):  # an earlier attempt of this run reached Clerk after all
                journal.created(seq, found.id)
            else:
                journal.already_imported(seq, found.id)
            return
        try:
            holders = await self.lookups.holders(user)
        except ClerkError:
            holders = []
        identifier, holder = _held_identifier(user, holders)
        if identifier is None:
            param = ((error.errors[0].meta or {}).get("param_name") if error.errors else None) or ""
            identifier = str(param) or "identifier"
            message = _message(error)
        else:
            assert holder is not None
            message = f"{identifier} belongs to {holder.id}" + (
                f" (external_id {holder.external_id})" if holder.external_id else ""
            )
        journal.conflict(seq, identifier, "form_identifier_exists", message)

    async def _look_up(self, seq: int, user: MappedUser) -> User | None | object:
        """Who holds the record's external_id; ``_UNKNOWN`` when Clerk would not say."""
        for attempt in range(MAX_LOOKUPS):
            try:
                return await self.lookups.find(user)
            except (LookupError_, ClerkError) as error:
                if attempt == MAX_LOOKUPS - 1:
                    logger.warning("record %d: outcome unknown, lookups failed: %s", seq, error)
                    return _UNKNOWN
                await anyio.sleep(2**attempt)
        return _UNKNOWN  # pragma: no cover

    async def _create(self, request: CreateUserRequest) -> User:
        """``POST /users`` with the mapped request as it is (validated, its metadata checked, when
        it was built), never retried by the client: an unknown outcome is looked up instead."""
        body = EncodedBody(_encode(request), "application/json")
        user: User = await self.clerk.send(CREATE_USER, User, body=body, retries=None)
        return user

    def _stop(self, error: SDKError) -> None:
        if self.stopped is not None:
            return
        if error.code == QUOTA_CODE:
            self.stopped = (
                "the instance holds as many users as it may (a development instance holds 100): "
                + _message(error)
            )
        else:
            self.stopped = f"Clerk refused the secret key ({error.status_code}): {_message(error)}"

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
        if self._pool is not None and wanted + SPARE_WORKERS > self.workers:
            self._add_workers(wanted + SPARE_WORKERS - self.workers)  # grows only; the limiter,
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


_UNKNOWN = object()
#: How a worker takes a record: ``send`` it (looked up and absent, in flight), or look it up by its
#: identifiers first (``leftover`` of a killed run, or ``look_first``: an id Clerk cannot filter).
Mode = Literal["send", "leftover", "look_first"]
Work = tuple[int, MappedUser, Mode]


def _take(iterator: Any, size: int) -> list[Item]:
    batch: list[Item] = []
    for item in iterator:
        batch.append(item)
        if len(batch) == size:
            break
    return batch


def _identifier_exists(error: UnprocessableEntityError) -> bool:
    return any(detail.code == "form_identifier_exists" for detail in error.errors)


def _held_identifier(user: MappedUser, holders: list[User]) -> tuple[str | None, User | None]:
    """The first of ``user``'s identifiers some other user holds, and that user."""
    for kind, value in user.identifiers:
        for holder in holders:
            if value in _identifiers_of(holder, kind):
                return f"{kind} {value}", holder
    return None, None


def _identifiers_of(user: User, kind: str) -> set[str]:
    if kind == "email_address":
        return {item.email_address.lower() for item in user.email_addresses}
    if kind == "phone_number":
        return {item.phone_number for item in user.phone_numbers}
    return {user.username.lower()} if user.username else set()


def _code(error: BaseException) -> str:
    if isinstance(error, SDKError):
        return error.code or f"http_{error.status_code}"
    if isinstance(error, ResponseValidationError):
        return "response_invalid"
    if isinstance(error, APIConnectionError):
        return "timeout" if "timeout" in type(error).__name__.lower() else "connection_error"
    return type(error).__name__


def _message(error: BaseException) -> str:
    if isinstance(error, SDKError) and error.errors:
        first = error.errors[0]
        return first.long_message or first.message or str(error)
    return str(error)
