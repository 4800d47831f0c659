"""Looking records up in Clerk before anything is sent again: batched ``external_id`` lookups.

A ``POST /users`` whose outcome is unknown (a timeout, a dropped connection, a 5xx, a run killed
mid-call), and one answered 422 ``form_identifier_exists``, are both settled by asking Clerk who
holds the record's ``external_id``: ``users.list(external_id=[...], limit=100)``, up to 100 ids
per call (Clerk's cap; ``limit`` defaults to 10, so it is always given). Callers wait on
:meth:`Lookups.find`; one background task gathers their ids into full batches.

An id starting with ``+`` or ``-`` cannot be sent as a filter (Clerk reads those as include and
exclude prefixes), so such a record is found through its email addresses, phones and username.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import anyio
import msgspec

from clerk_async import Clerk
from clerk_async._operations import GET_USER_LIST
from clerk_async.errors import AuthenticationError, ClerkError, PermissionDeniedError
from clerk_async.models import User

from .importing import QueuedUser
from .throttle import Throttle

__all__ = ["MAX_IDS", "Held", "LookupError_", "Lookups", "unfilterable"]

#: Clerk's cap on the values of one list filter.
MAX_IDS = 100
#: How long the first id of a batch may wait for others to join it (seconds).
MAX_WAIT = 1.0
#: Once the run is winding down, how long to gather before sending a short batch.
HURRY_WAIT = 0.02


class LookupError_(ClerkError):
    """A lookup could not be made (Clerk kept failing); the record's outcome stays unknown."""


def unfilterable(external_id: str) -> bool:
    return external_id.startswith(("+", "-"))


class Held(msgspec.Struct, gc=False):
    """What a run reads of a user Clerk holds, found before sending or just created: its ids (a
    whole ``User`` decodes in three times the time, into containers the collector then tracks)."""

    id: str
    external_id: str | None = None


@dataclass
class _Request:
    external_id: str
    done: anyio.Event = field(default_factory=anyio.Event)
    user: User | None = None
    error: BaseException | None = None


class Lookups:
    """Batches ``external_id`` lookups; run :meth:`serve` in the run's task group."""

    def __init__(self, clerk: Clerk, throttle: Throttle, *, max_wait: float = MAX_WAIT) -> None:
        self._clerk = clerk
        self._throttle = throttle
        self._max_wait = max_wait
        self._queue: list[_Request] = []
        self._arrived = anyio.Event()
        self._hurry = False

    def hurry(self) -> None:
        """No more records are coming: send batches without waiting for them to fill."""
        self._hurry = True
        self._arrived.set()

    async def find(self, mapped: QueuedUser) -> User | None:
        """The Clerk user holding ``mapped.external_id``, or None; raises :class:`LookupError_`."""
        if unfilterable(mapped.external_id):
            for user in await self.holders(mapped):
                if user.external_id == mapped.external_id:
                    return user
            return None
        users = await self.find_many([mapped.external_id])
        return users.get(mapped.external_id)

    async def find_many(self, external_ids: Sequence[str]) -> dict[str, User]:
        """Users by external id, for ids that can be filtered; missing ones are absent."""
        requests = [_Request(external_id) for external_id in external_ids]
        self._queue.extend(requests)
        self._arrived.set()
        found: dict[str, User] = {}
        for request in requests:
            await request.done.wait()
            if request.error is not None:
                raise LookupError_(
                    f"could not look up external_id {request.external_id}: {request.error}"
                )
            if request.user is not None:
                found[request.external_id] = request.user
        return found

    async def now(self, external_ids: Sequence[str]) -> dict[str, Held]:
        """One lookup of up to 100 ids, sent at once; raises :class:`LookupError_`."""
        query = {"external_id": list(external_ids), "limit": MAX_IDS}
        try:
            page = await self._throttle.call(
                lambda: self._clerk.send_page(GET_USER_LIST, Held, query=query)
            )
        except (AuthenticationError, PermissionDeniedError):
            raise  # not a lookup that failed: the key is refused, the run stops
        except ClerkError as error:
            raise LookupError_(
                f"could not look up {len(external_ids)} external ids: {error}"
            ) from None
        return {user.external_id: user for user in page if user.external_id is not None}

    async def holders(self, mapped: QueuedUser) -> list[User]:
        """The users holding any of ``mapped``'s email addresses, phone numbers or username."""
        filters: dict[str, list[str]] = {}
        for kind, value in mapped.identifiers:
            filters.setdefault(kind, []).append(value)
        users: dict[str, User] = {}
        for kind, values in filters.items():
            for start in range(0, len(values), MAX_IDS):
                chunk = values[start : start + MAX_IDS]
                page = await self._list(**{kind: chunk})
                users.update((user.id, user) for user in page)
        return list(users.values())

    async def serve(self) -> None:
        """Send queued lookups in batches of up to 100, forever (cancel to stop)."""
        while True:
            await self._arrived.wait()
            if not self._queue:
                self._arrived = anyio.Event()
                continue
            if len(self._queue) < MAX_IDS:
                with anyio.move_on_after(HURRY_WAIT if self._hurry else self._max_wait):
                    while len(self._queue) < MAX_IDS:
                        await anyio.sleep(HURRY_WAIT)
            batch, self._queue = self._queue[:MAX_IDS], self._queue[MAX_IDS:]
            if not self._queue and not self._hurry:
                self._arrived = anyio.Event()
            await self._send(batch)

    async def _send(self, batch: list[_Request]) -> None:
        ids = list(dict.fromkeys(request.external_id for request in batch))
        try:
            users = await self._list(external_id=ids)
        except ClerkError as error:
            for request in batch:
                request.error = error
                request.done.set()
            return
        by_id = {user.external_id: user for user in users if user.external_id is not None}
        for request in batch:
            request.user = by_id.get(request.external_id)
            request.done.set()

    async def _list(self, **filters: list[str]) -> list[User]:
        page = await self._throttle.call(
            lambda: self._clerk.users.list(**filters, limit=MAX_IDS)  # type: ignore[arg-type]
        )
        return list(page)
