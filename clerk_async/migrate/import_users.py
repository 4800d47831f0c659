"""Importing users: looked up by ``external_id`` before their first POST, 100 per request; one
``POST /users`` each; an unknown outcome or a 422 ``form_identifier_exists`` settled by a lookup
(see :mod:`clerk_async.migrate.reconcile`), never by sending again blindly."""

from __future__ import annotations

import logging
from collections.abc import Awaitable

import anyio

from clerk_async._http import EncodedBody
from clerk_async._operations import CREATE_USER
from clerk_async.errors import (
    AuthenticationError,
    ClerkError,
    PermissionDeniedError,
    SDKError,
    UnprocessableEntityError,
)
from clerk_async.models import User

from .importing import (
    ANSWERS,
    MAX_LOOKUPS,
    UNKNOWN,
    Answer,
    Mode,
    Pending,
    Queued,
    QueuedUser,
    Run,
    Work,
    error_message,
    identifier_exists,
    retrying,
    send_once,
)
from .reconcile import MAX_IDS, Held, LookupError_, Lookups, unfilterable
from .states import JournalStateError

__all__ = ["MigrationAborted", "UserImporter"]

logger = logging.getLogger("clerk.migrate")


class MigrationAborted(ClerkError):
    """The run stopped: Clerk refused the key or the instance is full; the journal says where."""


class UserImporter:
    def __init__(self, run: Run, lookups: Lookups) -> None:
        self.run = run
        self.lookups = lookups

    # -- before the pass: a killed run's in-flight users ----------------------------------------

    async def settle_leftovers(self) -> None:
        """Look up every user a killed run left ``in_flight``; found: created, else pending."""
        journal = self.run.journal
        leftovers = list(journal.rows("in_flight", kind="user"))
        if not leftovers:
            return
        logger.info("looking up %d users a previous run left in flight", len(leftovers))
        filterable = [
            row for row in leftovers if row.external_id and not unfilterable(row.external_id)
        ]
        found: dict[str, Held] = {}
        for start in range(0, len(filterable), MAX_IDS):
            ids = [
                row.external_id for row in filterable[start : start + MAX_IDS] if row.external_id
            ]
            found.update(await self.lookup_before_sending(ids))
            if self.run.stopped is not None:
                return  # not looked up: they stay in flight
        for row in filterable:
            user = found.get(row.external_id or "")
            if user is not None:
                journal.created(row.seq, user.id)
            else:
                journal.back_to_pending(row.seq, uncertain=True)
        # The others stay in flight: the pass looks them up by their identifiers, which only
        # their request (read again from the input) holds.
        journal.commit()

    async def lookup_before_sending(self, ids: list[str]) -> dict[str, Held]:
        for attempt in range(MAX_LOOKUPS):
            try:
                return await self.lookups.now(ids)
            except (AuthenticationError, PermissionDeniedError) as error:
                self.run.stop(error)
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

    async def queue(self, pending: list[Pending]) -> None:
        """Look each batch up first (one request per 100 users): a user already in Clerk is
        ``already_imported`` without a POST, so that any user found later is this journal's own.
        The others are marked in flight (one commit) and handed to the workers.

        Still in flight here: left by a killed run with an id Clerk cannot filter on; a pending
        one with such an id is looked up by its identifiers too."""
        work: list[Work] = []
        external_ids: list[str | None] = []  # of the work to look up in a batch, else None
        for each in pending:
            user = each.item
            if not isinstance(user, QueuedUser):
                raise JournalStateError(f"record {each.seq} is no longer a user")
            if each.status == "in_flight":
                work.append(Work(each.seq, user, "leftover"))
                external_ids.append(None)
            elif unfilterable(user.external_id):
                work.append(Work(each.seq, user, "look_first"))
                external_ids.append(None)
            else:
                work.append(Work(each.seq, user, "send"))
                external_ids.append(user.external_id)
        run, journal = self.run, self.run.journal
        for start in range(0, len(work), MAX_IDS):
            if run.stopped is not None:
                return
            group = work[start : start + MAX_IDS]
            group_ids = external_ids[start : start + MAX_IDS]
            ids = [external_id for external_id in group_ids if external_id is not None]
            found = await self.lookup_before_sending(ids) if ids else {}
            if run.stopped is not None:
                return
            to_send = group
            if found:
                to_send = []
                for item, external_id in zip(group, group_ids, strict=True):
                    held = None if external_id is None else found.get(external_id)
                    if held is not None:
                        journal.found_before_sending(item.seq, held.id)
                    else:
                        to_send.append(item)
            journal.mark_in_flight([item.seq for item in to_send if item.mode == "send"])
            await run.put(*to_send)

    # -- one user ------------------------------------------------------------------------------

    async def take(self, seq: int, mapped: Queued, mode: Mode) -> None:
        """One user to its final state. ``leftover``: in flight in a killed run, and only its
        identifiers can find it; ``look_first``: pending, likewise looked up before the POST.

        The first POST is made here, not through :func:`send_once`: every user goes this way
        and nearly all are created at the first attempt, so that path keeps only the throttle's
        frame between the worker and the client. Any other outcome goes to :func:`send_once`,
        as organizations and memberships do."""
        assert isinstance(mapped, QueuedUser)
        journal = self.run.journal
        uncertain = mode == "leftover"
        if mode != "send":
            found = await self._look_up(seq, mapped)
            if found is UNKNOWN:
                return  # leftover: stays in flight; look_first: stays pending
            if isinstance(found, User):
                if uncertain:  # absent before its first POST: this journal's own
                    journal.created(seq, found.id)
                else:
                    journal.found_before_sending(seq, found.id)
                return
            if uncertain:
                journal.another_attempt(seq, uncertain=True)
            else:
                journal.mark_in_flight([seq])
        try:
            created = await self.run.throttle.call(lambda: self._create(mapped.body))
        except ANSWERS as failed:
            await self._settle(seq, mapped, failed, uncertain=uncertain)
        else:
            journal.created(seq, created.id)

    async def _settle(self, seq: int, user: QueuedUser, failed: Answer, *, uncertain: bool) -> None:
        """A POST that did not create the user at once: settled as :func:`send_once` says."""
        run = self.run
        journal = run.journal

        async def refused(error: SDKError, uncertain: bool) -> bool:
            if isinstance(error, PermissionDeniedError):  # the key may not create users
                journal.back_to_pending(seq, uncertain=uncertain)
                run.stop(error)
            elif isinstance(error, UnprocessableEntityError):
                if identifier_exists(error):
                    await self._settle_exists(seq, user, error, uncertain)
                else:
                    journal.failed(seq, error.code or "unprocessable", error_message(error),
                                   uncertain=uncertain)  # fmt: skip
            else:
                return False
            return True

        async def look_up() -> bool | None:
            found = await self._look_up(seq, user)
            if found is UNKNOWN:
                return None
            if isinstance(found, User):
                journal.created(seq, found.id)
                return True
            return False

        created = await send_once(
            run, seq, lambda: self._create(user.body), uncertain=uncertain, refused=refused,
            look_up=look_up, failed=failed,
        )  # fmt: skip
        if created is not None:
            journal.created(seq, created.id)

    async def _settle_exists(
        self, seq: int, user: QueuedUser, error: UnprocessableEntityError, uncertain: bool
    ) -> None:
        """422 identifier exists: our own earlier write, or another user holding an identifier."""
        journal = self.run.journal
        found = await self._look_up(seq, user)
        if found is UNKNOWN:
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
            message = error_message(error)
        else:
            assert holder is not None
            message = f"{identifier} belongs to {holder.id}" + (
                f" (external_id {holder.external_id})" if holder.external_id else ""
            )
        journal.conflict(seq, identifier, "form_identifier_exists", message)

    async def _look_up(self, seq: int, user: QueuedUser) -> User | None | object:
        """Who holds the user's external_id; ``UNKNOWN`` when Clerk would not say."""
        return await retrying(seq, lambda: self.lookups.find(user))

    def _create(self, body: bytes) -> Awaitable[Held]:
        """``POST /users`` with the mapped request's body as it is (validated, its metadata
        checked, when it was mapped), never retried by the client: an unknown outcome is looked
        up instead. The created user is decoded into its ids alone."""
        return self.run.clerk.send(
            CREATE_USER, Held, body=EncodedBody(body, "application/json"), retries=None
        )


def _held_identifier(user: QueuedUser, holders: list[User]) -> tuple[str | None, User | None]:
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
