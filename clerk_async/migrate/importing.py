"""What the run shares with the importer of each kind of record (users, organizations,
memberships): the work a worker takes, the run's state, and how errors are told.

An importer gets the records of its kind the feeder found ``pending`` or ``in_flight`` in a batch
(:meth:`Importer.queue`): it looks them up before sending where it must, marks them in flight and
hands them to the workers; a worker then takes each to its final state (:meth:`Importer.take`).

A user waits for its POST as a :class:`QueuedUser`, not as the :class:`MappedUser` it was mapped
to: a run holds a batch of them (thousands) between admitting and sending them, and the mapped
record's raw fields and the request's lists are containers the cyclic GC walks again at each
collection until they reach its oldest generation, where the request's JSON body and a few
strings are not.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Literal, Protocol, TypeVar, get_args

import anyio
import msgspec

from clerk_async import Clerk
from clerk_async.errors import (
    APIConnectionError,
    AuthenticationError,
    ClerkError,
    RateLimitError,
    RequestValidationError,
    ResponseValidationError,
    SDKError,
)
from clerk_async.migrate.records import (
    Mapped,
    MappedMembership,
    MappedOrganization,
    MappedUser,
    identifier_pairs,
)

from .journal import Journal, JournalRow
from .states import Status
from .throttle import Throttle

__all__ = [
    "ANSWERS",
    "Answer",
    "IMPORTED",
    "MAX_LOOKUPS",
    "MAX_RATE_LIMITED",
    "UNKNOWN",
    "Importer",
    "Mode",
    "Pending",
    "Queued",
    "QueuedUser",
    "Run",
    "Work",
    "error_code",
    "error_message",
    "identifier_exists",
    "queued",
    "retrying",
    "send_once",
]

logger = logging.getLogger("clerk.migrate")

#: Lookups of one record before its outcome is left unknown (the next run looks again).
MAX_LOOKUPS = 4
#: A record in Clerk, this journal's or not.
IMPORTED: frozenset[Status] = frozenset({"created", "already_imported"})
#: How a worker takes a record: ``send`` it (looked up and absent, in flight), look it up first
#: (``leftover`` of a killed run; ``look_first``: not looked up yet), or ``wait`` for the records
#: it needs (a membership's user and organization) before anything else.
Mode = Literal["send", "leftover", "look_first", "wait"]
#: 429s one record may meet before it is reported failed.
MAX_RATE_LIMITED = 50


class QueuedUser(msgspec.Struct, frozen=True, gc=False):
    """A mapped user as it waits for its POST: the request's JSON body and its identifiers.

    It holds nothing the collector tracks: a user's one email address (or phone number) is kept
    as the string itself, not in a tuple (only several are); a tuple made per record and held
    until its send counted towards a collection, which then walked it (a third of the run's
    young collections)."""

    external_id: str
    #: ``CreateUserRequest`` as sent (validated, its metadata checked, when it was mapped).
    body: bytes
    #: The normalised email address, or all of them when there are not exactly one (see
    #: :attr:`emails`); phone numbers alike.
    email: str | tuple[str, ...] = ()
    phone: str | tuple[str, ...] = ()
    username: str | None = None

    def __rich_repr__(self) -> list[tuple[str, str]]:  # the body holds the password digest
        return [("external_id", self.external_id)]

    def __repr__(self) -> str:
        return f"QueuedUser(external_id={self.external_id!r})"

    @property
    def emails(self) -> tuple[str, ...]:
        return (self.email,) if isinstance(self.email, str) else self.email

    @property
    def phones(self) -> tuple[str, ...]:
        return (self.phone,) if isinstance(self.phone, str) else self.phone

    @property
    def identifiers(self) -> tuple[tuple[str, str], ...]:
        return identifier_pairs(self.emails, self.phones, self.username)


#: A record as it waits for its importer.
Queued = QueuedUser | MappedOrganization | MappedMembership


class Pending(msgspec.Struct, frozen=True, gc=False):
    """A record a batch holds ``pending`` or ``in_flight``, handed to its importer.

    This and :class:`Work` are Structs out of the collector rather than tuples: a run hands
    thousands over at once, and each tuple made counts towards the next collection."""

    seq: int
    item: Queued
    status: Status


class Work(msgspec.Struct, frozen=True, gc=False):
    """A record handed to the workers, and how to take it."""

    seq: int
    item: Queued
    mode: Mode


_encode = msgspec.json.Encoder().encode


def queued(mapped: Mapped) -> Queued:
    """What the run keeps of ``mapped`` until its importer is done with it."""
    if isinstance(mapped, MappedUser):
        emails, phones = mapped.emails, mapped.phones
        return QueuedUser(
            mapped.external_id,
            _encode(mapped.request),
            emails[0] if len(emails) == 1 else emails,
            phones[0] if len(phones) == 1 else phones,
            mapped.username,
        )
    return mapped


#: What a lookup answers when Clerk would not say.
UNKNOWN = object()
T = TypeVar("T")


class Run(Protocol):
    """The run, as importers see it."""

    clerk: Clerk
    journal: Journal
    throttle: Throttle
    max_attempts: int
    #: Why the run stopped early (a refused key, a full instance), or None.
    stopped: str | None

    async def put(self, *works: Work) -> None:
        """Hand ``works`` to the workers, in order (waits while the queue is full)."""

    async def settled(self, seq: int) -> JournalRow | None:
        """Record ``seq`` once this run is done with it (at once if it is not in its hands)."""

    def stop(self, error: SDKError) -> None:
        """Stop the run: Clerk refused the key, or the instance is full."""


class Importer(Protocol):
    async def queue(self, pending: list[Pending]) -> None:
        """The records of this kind that a batch holds pending or in flight, in input order."""

    async def take(self, seq: int, mapped: Queued, mode: Mode) -> None:
        """One record to its final state (or left as it is, when Clerk would not say)."""


async def retrying(seq: int, lookup: Callable[[], Awaitable[T]]) -> T | object:
    """``lookup()``, again after a growing pause when it fails; :data:`UNKNOWN` after
    :data:`MAX_LOOKUPS` failures."""
    for attempt in range(MAX_LOOKUPS):
        try:
            return await lookup()
        except ClerkError as error:
            if attempt == MAX_LOOKUPS - 1:
                logger.warning("record %d: outcome unknown, lookups failed: %s", seq, error)
                return UNKNOWN
            await anyio.sleep(2**attempt)
    return UNKNOWN  # pragma: no cover


#: What an attempt of a POST may end in that :func:`send_once` settles; anything else propagates.
Answer = (
    RateLimitError
    | AuthenticationError
    | RequestValidationError
    | ResponseValidationError
    | APIConnectionError
    | SDKError
)
#: The same classes, for ``except``.
ANSWERS: tuple[type[Answer], ...] = get_args(Answer)


async def send_once(
    run: Run,
    seq: int,
    create: Callable[[], Awaitable[T]],
    *,
    uncertain: bool,
    refused: Callable[[SDKError, bool], Awaitable[bool]],
    look_up: Callable[[], Awaitable[bool | None]],
    failed: Answer | None = None,
) -> T | None:
    """The POST that creates record ``seq`` (in flight), never sent twice: the created object,
    or None once the record is settled otherwise (failed, found, left in flight, run stopped).
    ``failed``: how the first attempt ended, when the caller made it itself (users send their
    POST without this function's frames, and come here only when it did not create the user).

    A 429 waits for the limiter and goes again; a refused key stops the run; a 4xx goes to
    ``refused(error, uncertain)`` (True: it settled the record, else the record failed); a 5xx,
    a timeout or a reset whose request may have landed is looked up first: ``look_up()`` says
    True when it found and settled the record, None when Clerk would not say (it stays in flight,
    for the next run to look again), False when it is not there: only then is it sent again,
    after a pause if the request never left, up to ``run.max_attempts``.
    """
    journal = run.journal
    attempts, rate_limited = 1, 0
    error = failed
    while True:
        if error is None:
            try:
                return await run.throttle.call(create)
            except ANSWERS as raised:
                error = raised
        if isinstance(error, RateLimitError):
            rate_limited += 1
            if rate_limited >= MAX_RATE_LIMITED:
                journal.failed(seq, "too_many_requests", error_message(error), uncertain=uncertain)
                return None
            error = None
            continue  # not processed; the limiter is paused for everyone
        if isinstance(error, AuthenticationError):
            journal.back_to_pending(seq, uncertain=uncertain)
            run.stop(error)
            return None
        if isinstance(error, RequestValidationError):
            journal.failed(seq, "request_invalid", str(error), uncertain=uncertain)
            return None
        if isinstance(error, SDKError) and error.status_code < 500:
            if not await refused(error, uncertain):
                journal.failed(seq, error_code(error), error_message(error), uncertain=uncertain)
            return None
        applied = not isinstance(error, APIConnectionError) or error.request_sent
        if applied:
            uncertain = True
            if await look_up() is not False:  # found and settled, or unknown
                return None
        if attempts >= run.max_attempts:
            journal.failed(seq, error_code(error), error_message(error), uncertain=uncertain)
            return None
        if not applied:
            await anyio.sleep(min(2.0**attempts * 0.25, 8.0))
        attempts += 1
        journal.another_attempt(seq, uncertain=uncertain)
        error = None


def identifier_exists(error: SDKError) -> bool:
    """A 422 saying an identifier (an email, a slug...) is taken."""
    return any(detail.code == "form_identifier_exists" for detail in error.errors)


def error_code(error: BaseException) -> str:
    if isinstance(error, SDKError):
        return error.code or f"http_{error.status_code}"
    if isinstance(error, ResponseValidationError):
        return "response_invalid"
    if isinstance(error, APIConnectionError):
        return "timeout" if "timeout" in type(error).__name__.lower() else "connection_error"
    return type(error).__name__


def error_message(error: BaseException) -> str:
    if isinstance(error, SDKError) and error.errors:
        first = error.errors[0]
        return first.long_message or first.message or str(error)
    return str(error)
