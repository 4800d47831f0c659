"""``Cache``: users, organizations and memberships kept fresh by webhooks. Mirrored into
``clerk_sync`` (``SyncCache``), where the waiting is done by threads instead of tasks.

The rules live in ``clerk_async._cache`` (shared); this module does the reading (near cache, store,
single flight, batching, Clerk), the writing through, and ``apply(event)``.
"""

from __future__ import annotations

import copy
import functools
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from msgspec import UNSET

from clerk_async._cache.entry import (
    Lifetimes,
    State,
    after_delete,
    after_event,
    after_fetch,
    after_invalidate,
    missing,
    present,
)
from clerk_async._cache.events import Change, changes_of_event, changes_of_write
from clerk_async._cache.flavours import AsyncFlight, AsyncPerLoop
from clerk_async._cache.flights import ABANDONED, FlightTable, Outcome, Pending
from clerk_async._cache.kinds import (
    BATCH_OPERATIONS,
    MEMBERSHIPS_PAGE,
    SINGLE_OPERATIONS,
    Kind,
    read_route,
    without_private_metadata,
    write_route,
)
from clerk_async._cache.metrics import CacheMetrics, Counters
from clerk_async._operation import Operation
from clerk_async._pagination import Page
from clerk_async._response import Decode, response_decoder
from clerk_async.errors import APIConnectionError, ClerkError, NotFoundError, SDKError

from .._transport import sleep  # noqa: TID252
from ._memory import AsyncMemoryStore, Decide

if TYPE_CHECKING:
    from clerk_async._http import EncodedBody

    from ._redis import AsyncRedisStore

__all__ = ["AsyncCache"]


class AsyncAPIClient(Protocol):
    """What the cache needs of the client that hands it a call: its server and its uncached send
    (a protocol, so that the cache and the client do not import each other)."""

    @property
    def server_url(self) -> str: ...

    async def _call(
        self,
        op: Operation,
        decode: Decode | None,
        path: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None,
        body: EncodedBody | None,
        retries: Any,
        timeout_ms: int | None,
        server_url: str | None,
        http_headers: Mapping[str, str] | None,
    ) -> Any: ...


_PRESENT = State.PRESENT
#: (retries, timeout_ms, http_headers) of the call that leads a fetch.
CallOptions = tuple[Any, "int | None", "Mapping[str, str] | None"]
_NOT_FOUND_BODY = (
    b'{"errors":[{"code":"resource_not_found","message":"not found",'
    b'"long_message":"Clerk answered that this %s does not exist (remembered by the cache)"}]}'
)


class AsyncCache:
    """A cache of users, organizations and a user's organization memberships.

    Pass it as ``Clerk(cache=...)`` (``cache=True`` builds one with the defaults): ``users.get``,
    ``organizations.get`` (by id) and ``users.get_organization_memberships`` are then served from
    it, and the client's own writes to them are written through. Feed it every webhook with
    :meth:`apply`. ``store`` is a ``MemoryStore`` (the default, this process only) or a
    ``RedisStore`` (shared by every process). Seconds: ``ttl`` (how long an entry is served
    without asking Clerk, whatever webhooks say), ``missing_ttl`` (a 404), ``deleted_ttl`` (a
    tombstone that keeps late events from bringing a deleted object back), ``stale_if_error``
    (how long past its TTL an entry may still be served while Clerk answers 5xx, 429 or not at all),
    ``batch_window`` (how long a miss waits for others to share one list request; 0: only those of
    the same moment). ``drop_private_metadata=True`` keeps ``private_metadata`` out of the cache:
    cached reads then return it as ``None``.
    """

    def __init__(
        self,
        store: AsyncMemoryStore | AsyncRedisStore | None = None,
        *,
        ttl: float = 300.0,
        missing_ttl: float = 10.0,
        deleted_ttl: float = 86_400.0,
        stale_if_error: float = 300.0,
        batch_window: float = 0.002,
        drop_private_metadata: bool = False,
    ) -> None:
        if store is None:
            store = AsyncMemoryStore()
        elif not all(hasattr(store, name) for name in ("near", "load", "update", "member_keys")):
            raise TypeError(f"store must be a MemoryStore or a RedisStore, not {store!r}")
        self.store = store
        self._life = Lifetimes(
            ttl=_seconds("ttl", ttl, positive=True),
            missing_ttl=_seconds("missing_ttl", missing_ttl),
            deleted_ttl=_seconds("deleted_ttl", deleted_ttl),
            stale_if_error=_seconds("stale_if_error", stale_if_error),
        )
        self._window = _seconds("batch_window", batch_window)
        if not isinstance(drop_private_metadata, bool):
            raise TypeError("drop_private_metadata must be a bool")
        self._private = not drop_private_metadata
        self._near = store.near
        self._counters = Counters()
        self._flights: AsyncPerLoop[FlightTable] = AsyncPerLoop(
            functools.partial(FlightTable, AsyncFlight)
        )

    def __repr__(self) -> str:
        return f"Cache(store={self.store!r}, ttl={self._life.ttl:g})"

    def metrics(self) -> CacheMetrics:
        """The counters so far (see ``CacheMetrics``)."""
        snapshot = self._counters.snapshot()
        return CacheMetrics(
            **{**snapshot.__dict__, "store_errors": snapshot.store_errors + self.store.errors}
        )

    async def apply(self, event: object) -> None:
        """Bring the cache up to date with one verified webhook event (``verify_webhook``'s).

        Safe to call with every event, in any order, as often as Clerk delivers it: a copy older
        than the cached one is ignored, a deletion is final, other event types change nothing.
        """
        await self._change(changes_of_event(event))

    async def aclose(self) -> None:
        """Close the store (a Redis store's connections and listener)."""
        await self.store.aclose()

    # -- the client's hooks ------------------------------------------------------------------------

    async def send(
        self,
        client: AsyncAPIClient,
        op: Operation,
        decode: Decode | None,
        path: Mapping[str, Any] | None,
        query: Mapping[str, Any] | None,
        body: Any,
        call: CallOptions,
    ) -> Any:
        """One call of a client with this cache: served from it, written through, or just sent."""
        found = read_route(op, path, query)
        if found is not None:
            route, ident = found
            value: Any
            entry = self._near.get(route.prefix + ident)
            if entry is not None and entry.state is _PRESENT and entry.fresh_until > time.time():
                self._counters.hits += 1  # the hot path: no flight, no store, no coroutine
                value = entry.value
            else:
                outcome = await self._outcome(client, route.kind, ident, call)
                value = self._served(client, op, route.kind, ident, outcome)
            return _page(value, query or {}) if route.page else value
        written = write_route(op)
        if written is None:
            return await client._call(op, decode, path, query, body, *_options(call))
        named = path.get(written.param) if path and written.param else None
        written_id = named if isinstance(named, str) else None
        try:
            result = await client._call(op, decode, path, query, body, *_options(call))
        except APIConnectionError:
            # Sent, but no answer: the write may have landed, so the next read asks Clerk.
            if written_id is not None:
                await self._change(
                    changes_of_write("invalidate", written.kind, written_id, None, "")
                )
            raise
        changes = changes_of_write(
            written.action, written.kind, written_id, result, written.memberships
        )
        await self._change(changes)
        return result

    # -- reading -----------------------------------------------------------------------------------

    async def _outcome(
        self, client: AsyncAPIClient, kind: Kind, ident: str, call: CallOptions
    ) -> Outcome:
        key = kind.key(ident)
        entry = self._near.get(key)
        if entry is not None and entry.fresh(time.time()):
            self._counters.hits += 1  # a remembered 404 or deletion
            return Outcome(entry)
        table = self._flights.current()
        while True:
            flight, leads = table.join(key)
            if leads:
                outcome = await self._lead(client, table, kind, ident, key, flight, call)
            else:
                self._counters.coalesced += 1
                outcome = await flight.wait()
            if outcome is not ABANDONED:
                return outcome

    async def _lead(
        self,
        client: AsyncAPIClient,
        table: FlightTable,
        kind: Kind,
        ident: str,
        key: str,
        flight: AsyncFlight,
        call: CallOptions,
    ) -> Outcome:
        handed_over = False
        outcome = ABANDONED
        try:
            (seen,) = await self.store.load([key])
            if seen is not None and seen.fresh(time.time()):
                self._counters.hits += 1
                outcome = Outcome(seen)
                return outcome
            self._counters.misses += 1
            pending = Pending(key, ident, flight, seen)
            handed_over = True
            if kind not in BATCH_OPERATIONS:
                await self._fetch(client, table, kind, [pending], call)
                return flight.outcome  # type: ignore[no-any-return]
            batch = table.enlist(kind, pending)
            if batch is None:  # another leader fetches this key with its batch
                return await flight.wait()  # type: ignore[no-any-return]
            try:
                await sleep(self._window)  # even 0 lets the callers of this moment join
            except BaseException:
                # Cancelled before fetching: the batch's waiters ask again (else they wait forever)
                for item in table.close(kind, batch):
                    table.land(item.key, item.flight, ABANDONED)
                raise
            await self._fetch(client, table, kind, table.close(kind, batch), call)
            return flight.outcome  # type: ignore[no-any-return]
        finally:
            if not handed_over:
                table.land(key, flight, outcome)

    async def _fetch(
        self,
        client: AsyncAPIClient,
        table: FlightTable,
        kind: Kind,
        items: list[Pending],
        call: CallOptions,
    ) -> None:
        """Ask Clerk for every key of ``items``, store what it says, land every flight."""
        outcomes: dict[str, Outcome] = {}
        try:
            try:
                found = await self._ask_clerk(client, kind, [item.ident for item in items], call)
            except ClerkError as error:
                outcomes = self._failed_fetch(items, error)
                return
            now = time.time()
            decisions: list[tuple[str, Decide]] = []
            for item in items:
                fence = 0 if item.seen is None else item.seen.fence
                value = found.get(item.ident)
                if value is None:
                    new = missing(fence, now, self._life)
                else:
                    if not self._private:
                        value = without_private_metadata(kind, value)
                    version = getattr(value, "updated_at", None)
                    version = version if isinstance(version, int) else None
                    new = present(value, version, fence, now, self._life)
                outcomes[item.key] = Outcome(new)
                decisions.append(
                    (item.key, functools.partial(after_fetch, fetched=new, seen=fence))
                )
            finals = await self.store.update(decisions)
            for item, final in zip(items, finals, strict=True):
                if final is not None and final.fresh(now):
                    outcomes[item.key] = Outcome(final)  # newer than ours, if a webhook won
        finally:
            for item in items:
                table.land(item.key, item.flight, outcomes.get(item.key, ABANDONED))

    def _failed_fetch(self, items: list[Pending], error: ClerkError) -> dict[str, Outcome]:
        now = time.time()
        stale_ok = _clerk_is_failing(error)
        outcomes = {}
        for item in items:
            if stale_ok and item.seen is not None and item.seen.stale_usable(now):
                self._counters.stale_served += 1
                outcomes[item.key] = Outcome(item.seen, stale=True)
            else:
                outcomes[item.key] = Outcome(error=error)
        return outcomes

    async def _ask_clerk(
        self, client: AsyncAPIClient, kind: Kind, idents: list[str], call: CallOptions
    ) -> dict[str, Any]:
        """The objects Clerk has for ``idents`` (one request, or a walk of a user's memberships);
        an id it does not know is left out."""
        if kind is Kind.MEMBERSHIPS:
            return await self._all_memberships(client, idents[0], call)
        if len(idents) == 1:
            op, param, model = SINGLE_OPERATIONS[kind]
            self._counters.requests += 1
            try:
                value = await client._call(
                    op, response_decoder(model), {param: idents[0]}, None, None, *_options(call)
                )
            except NotFoundError:
                return {}
            return {idents[0]: value}
        op, param, model = BATCH_OPERATIONS[kind]
        self._counters.requests += 1
        self._counters.batched += len(idents)
        query = {param: idents, "limit": len(idents)}
        page: Page[Any] = await client._call(
            op, response_decoder(model, op.pagination), None, query, None, *_options(call)
        )
        wanted = set(idents)
        return {item.id: item for item in page.data if item.id in wanted}

    async def _all_memberships(
        self, client: AsyncAPIClient, user_id: str, call: CallOptions
    ) -> dict[str, Any]:
        op, param, model = SINGLE_OPERATIONS[Kind.MEMBERSHIPS]
        decode = response_decoder(model, op.pagination)
        memberships: list[Any] = []
        while True:
            self._counters.requests += 1
            query = {"limit": MEMBERSHIPS_PAGE, "offset": len(memberships)}
            try:
                page: Page[Any] = await client._call(
                    op, decode, {param: user_id}, query, None, *_options(call)
                )
            except NotFoundError:
                return {}
            memberships += page.data
            total = page.total_count
            if len(page.data) < MEMBERSHIPS_PAGE or (
                total is not None and len(memberships) >= total
            ):
                return {user_id: memberships}

    def _served(
        self, client: AsyncAPIClient, op: Operation, kind: Kind, ident: str, outcome: Outcome
    ) -> Any:
        if outcome.error is not None:
            raise copy.copy(outcome.error)  # one error object per caller: tracebacks stay apart
        entry = outcome.entry
        if entry is not None and entry.state == State.PRESENT:
            return entry.value
        url = client.server_url + op.path.replace("{" + op.path_params[0] + "}", ident)
        raise NotFoundError(
            status_code=404,
            headers={},
            raw_body=_NOT_FOUND_BODY % kind.name.lower().encode(),
            method="GET",
            url=url,
        )

    # -- changing ----------------------------------------------------------------------------------

    async def _change(self, changes: list[Change]) -> None:
        if not changes:
            return
        now = time.time()
        life = self._life
        decisions: list[tuple[str, Decide]] = []
        for change in changes:
            if change.action in ("organization_members", "all_memberships"):
                keys = await self.store.member_keys(change.ident or None)
                invalidate = functools.partial(after_invalidate, now=now, life=life)
                decisions += [(key, invalidate) for key in keys]
                continue
            key = change.kind.key(change.ident)
            if change.action == "put":
                value = change.value
                if not self._private:
                    value = without_private_metadata(change.kind, value)
                put = functools.partial(
                    after_event, value=value, version=change.version, now=now, life=life
                )
                decisions.append((key, put))
            elif change.action == "delete":
                decisions.append((key, functools.partial(after_delete, now=now, life=life)))
            else:
                decisions.append((key, functools.partial(after_invalidate, now=now, life=life)))
        self._counters.invalidations += len(decisions)
        await self.store.update(decisions, replay=True)


def _clerk_is_failing(error: ClerkError) -> bool:
    """Errors that stale-if-error covers: no answer, a 5xx, or a 429."""
    if isinstance(error, APIConnectionError):
        return True
    return isinstance(error, SDKError) and (error.status_code >= 500 or error.status_code == 429)


def _options(call: CallOptions) -> tuple[Any, int | None, None, Mapping[str, str] | None]:
    retries, timeout_ms, headers = call
    return retries, timeout_ms, None, headers


def _page(memberships: list[Any], query: Mapping[str, Any]) -> Page[Any]:
    """The page Clerk would answer, cut from the user's complete list."""
    limit = query.get("limit", UNSET)
    offset = query.get("offset", UNSET)
    start = offset if isinstance(offset, int) else 0
    count = limit if isinstance(limit, int) else 10
    return Page(memberships[start : start + count], len(memberships))


def _seconds(name: str, value: object, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'> 0' if positive else '>= 0'} seconds, not {value!r}")
    return float(value)


def client_cache(value: object) -> tuple[AsyncCache, bool]:
    """``Clerk(cache=...)``: the cache, and whether the client made it (and so closes it)."""
    if value is True:
        return AsyncCache(), True
    if isinstance(value, AsyncCache):
        return value, False
    raise TypeError(
        f"cache must be True or a Cache of this package, not {type(value).__name__}"
        " (clerk_async.Clerk takes a clerk_async.cache.Cache, clerk_sync.Clerk a clerk_sync one)"
    )
