"""The Redis store: one cache for every process and machine. Mirrored into ``clerk_sync``, where
redis-py's asyncio client becomes its blocking one.

Entries are msgspec-encoded under ``{prefix}{kind}:{id}`` and expire with Redis's own TTL. Every
change is one optimistic transaction (WATCH, read, decide with the shared rules, MULTI/EXEC), which
also publishes the changed keys on ``{prefix}changes``: each worker listens there and drops them
from its near cache, which it only serves from while subscribed. On Redis trouble every call fails
open (a miss; the cache reads from Clerk), one warning is logged, and the changes this worker could
not write are replayed when Redis answers again.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from typing import Any

import msgspec
import redis.asyncio as redis_client
from redis.exceptions import RedisError, WatchError

from clerk_async._cache.entry import Entry, State
from clerk_async._cache.flavours import AsyncBackground, AsyncPerLoop, AsyncStoreCall
from clerk_async._cache.health import StoreHealth
from clerk_async._cache.kinds import Kind, entry_codec, member_organizations
from clerk_async._cache.near import NearCache

from ._memory import Decide

__all__ = ["AsyncRedisStore"]

DEFAULT_PREFIX = "clerk:cache:"
DEFAULT_NEAR_ENTRIES = 1_000
#: Changes kept for replay while Redis is away; beyond, the whole cache is dropped on recovery.
MAX_MISSED = 10_000
_ATTEMPTS = 8
_STORE_ERRORS = (RedisError, OSError)


class _Connection:
    """The Redis client and the invalidation listener of one event loop (or of the process)."""

    __slots__ = ("client", "listener")

    def __init__(self, client: Any, listener: AsyncBackground) -> None:
        self.client = client
        self.listener = listener


class AsyncRedisStore:
    """A cache store in Redis, shared by every process using the same server and ``prefix``.

    Give a ``url`` (``redis://[:password@]host:port/db``, ``rediss://`` for TLS; a client is made
    for each event loop, with ``timeout`` seconds to connect and to answer) or a ready ``client``
    (redis-py's ``Redis``: the asyncio one for ``clerk_async``, the blocking one for ``clerk_sync``;
    it is yours to close).
    ``near_entries`` bounds the in-process near cache (0: none); ``near_ttl`` caps how long a copy
    stays there even if an invalidation were lost.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Any = None,
        prefix: str = DEFAULT_PREFIX,
        near_entries: int = DEFAULT_NEAR_ENTRIES,
        near_ttl: float = 60.0,
        timeout: float = 1.0,
    ) -> None:
        if (url is None) == (client is None):
            raise TypeError("RedisStore needs a url or a client (one of them)")
        if url is not None and not isinstance(url, str):
            raise TypeError(f"url must be a str, not {type(url).__name__}")
        if not isinstance(prefix, str) or not prefix:
            raise ValueError("prefix must be a non-empty str")
        for name, value in (("near_ttl", near_ttl), ("timeout", timeout)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
        if isinstance(near_entries, bool) or not isinstance(near_entries, int) or near_entries < 0:
            raise ValueError(f"near_entries must be an int >= 0, not {near_entries!r}")
        self._url = url
        self._own_client = client is None
        self._given_client = client
        self._timeout = float(timeout)
        self.prefix = prefix
        self.channel = prefix + "changes"
        self.near = NearCache(near_entries)
        self.near.enabled = False  # until the listener is subscribed
        self.near_ttl = float(near_ttl)
        self.errors = 0
        self._health = StoreHealth("redis")
        self._connections: AsyncPerLoop[_Connection] = AsyncPerLoop(self._connect)
        self._missed: dict[str, Decide] = {}
        self._missed_overflow = False
        self._subscribed = False

    def __repr__(self) -> str:
        return f"RedisStore(prefix={self.prefix!r}, near_entries={self.near.max_entries})"

    # -- the store interface ---------------------------------------------------------------------

    async def load(self, keys: Sequence[str]) -> list[Entry[Any] | None]:
        if not self._health.usable():
            return [None] * len(keys)
        since = self.near.generation
        try:
            blobs = await AsyncStoreCall.run(lambda: self._get(keys))
        except _STORE_ERRORS as error:
            self._failed(error)
            return [None] * len(keys)
        if await self._succeeded():  # the changes missed meanwhile are written: read again
            return await self.load(keys)
        entries = [_decode(key, blob) for key, blob in zip(keys, blobs, strict=True)]
        now = time.time()
        for key, entry in zip(keys, entries, strict=True):
            if entry is not None and entry.fresh(now):
                self.near.put(key, self._near_copy(entry, now), since)
        return entries

    async def update(
        self, decisions: Sequence[tuple[str, Decide]], *, replay: bool = False
    ) -> list[Entry[Any] | None]:
        """Apply the decisions in one transaction and tell every worker; the entries afterwards.

        ``replay``: a change this worker must not lose (a webhook, its own write), kept and
        written again after a Redis outage; a fetched copy is simply not stored then.
        """
        if not decisions:
            return []
        if self._health.usable():
            try:
                finals = await AsyncStoreCall.run(lambda: self._transaction(decisions))
            except _STORE_ERRORS as error:
                self._failed(error)
            else:
                await self._succeeded()
                return finals
        # Nothing is served from this worker's near cache either: the store is down.
        self.near.drop(key for key, _ in decisions)
        if replay:
            self._remember(decisions)
        return [None] * len(decisions)

    async def member_keys(self, organization_id: str | None) -> list[str]:
        if not self._health.usable():
            return []
        try:
            return await AsyncStoreCall.run(lambda: self._member_keys(organization_id))
        except _STORE_ERRORS as error:
            self._failed(error)
            return []

    async def aclose(self) -> None:
        """Stop listening and close the client this store made (one you gave is yours)."""
        connection = self._connections.existing()
        self.near.disable()
        if connection is None:
            return
        await connection.listener.stop()
        if self._own_client:
            await connection.client.aclose()

    # -- Redis -----------------------------------------------------------------------------------
    # A request's calls on Redis go through ``StoreCall`` (``_cache.flavours``): one cancelled
    # while Redis answers ends cancelled (redis-py's socket timeout can lose the cancellation).

    async def _get(self, keys: Sequence[str]) -> list[bytes | None]:
        client = self._connections.current().client
        if len(keys) == 1:  # a read's usual case: GET costs less than MGET to parse
            return [await client.get(self.prefix + keys[0])]
        blobs: list[bytes | None] = await client.mget([self.prefix + key for key in keys])
        return blobs

    async def _member_keys(self, organization_id: str | None) -> list[str]:
        client = self._connections.current().client
        if organization_id is not None:
            members = await client.smembers(self._index(organization_id))
            return [Kind.MEMBERSHIPS.key(_text(member)) for member in members]
        pattern = self.prefix + Kind.MEMBERSHIPS.key("*")
        return [_text(key)[len(self.prefix) :] async for key in client.scan_iter(pattern)]

    def _connect(self) -> _Connection:
        if self._url is not None:
            client = redis_client.Redis.from_url(
                self._url, socket_timeout=self._timeout, socket_connect_timeout=self._timeout
            )
        else:
            client = self._given_client
        listener = AsyncBackground("clerk-cache-invalidations")
        connection = _Connection(client, listener)
        if self.near.max_entries > 0:
            listener.start(lambda: self._listen(connection))
        return connection

    async def _transaction(
        self, decisions: Sequence[tuple[str, Decide]]
    ) -> list[Entry[Any] | None]:
        client = self._connections.current().client
        keys = [key for key, _ in decisions]
        names = [self.prefix + key for key in keys]
        async with client.pipeline(transaction=True) as pipe:
            for _ in range(_ATTEMPTS):
                try:
                    await pipe.watch(*names)
                    blobs = await pipe.mget(names)
                    finals: list[Entry[Any] | None] = []
                    writes: list[tuple[str, Entry[Any]]] = []
                    for (key, decide), blob in zip(decisions, blobs, strict=True):
                        current = _decode(key, blob)
                        new = decide(current)
                        finals.append(current if new is None else new)
                        if new is not None:
                            writes.append((key, new))
                    if not writes:
                        await pipe.unwatch()
                        return finals
                    pipe.multi()
                    self._queue_writes(pipe, writes)
                    await pipe.execute()
                except WatchError:
                    continue
                self.near.drop(key for key, _ in writes)
                return finals
        raise WatchError("the keys kept changing")

    def _queue_writes(self, pipe: Any, writes: list[tuple[str, Entry[Any]]]) -> None:
        now = time.time()
        for key, entry in writes:
            encode, _ = entry_codec(Kind.parse(key)[0])
            life_ms = max(int((entry.keep_until - now) * 1000), 1)
            pipe.set(self.prefix + key, encode(entry), px=life_ms)
            if entry.state == State.PRESENT and key.startswith(Kind.MEMBERSHIPS.key("")):
                user_id = Kind.parse(key)[1]
                for organization_id in member_organizations(entry.value):
                    pipe.sadd(self._index(organization_id), user_id)
                    pipe.pexpire(self._index(organization_id), life_ms)
        pipe.publish(self.channel, "\n".join(key for key, _ in writes))

    def _index(self, organization_id: str) -> str:
        return f"{self.prefix}members:{organization_id}"

    def _near_copy(self, entry: Entry[Any], now: float) -> Entry[Any]:
        cap = now + self.near_ttl
        if entry.fresh_until <= cap:
            return entry
        return msgspec.structs.replace(entry, fresh_until=cap)

    # -- invalidations from other workers --------------------------------------------------------

    async def _listen(self, connection: _Connection) -> None:
        listener = connection.listener
        while not listener.stopping:
            pubsub = connection.client.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                while not listener.stopping:
                    message = await pubsub.get_message(timeout=0.25)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":
                        self._subscribed = True
                        if not self._health.down:
                            self.near.enable()
                    elif message["type"] == "message":
                        self.near.drop(_text(message["data"]).split("\n"))
            except _STORE_ERRORS as error:
                self._subscribed = False
                self._failed(error)
                await listener.pause(1.0)
            finally:
                self._subscribed = False
                self.near.disable()
                with contextlib.suppress(*_STORE_ERRORS):
                    await pubsub.aclose()

    # -- failing open ------------------------------------------------------------------------------

    def _failed(self, error: BaseException) -> None:
        self.errors += 1
        self.near.disable()
        self._health.failed(error)

    async def _succeeded(self) -> bool:
        """Record a success; True if it ended an outage or found changes still to write (the
        missed changes are then written)."""
        if not self._health.succeeded() and not (self._missed or self._missed_overflow):
            return False
        await self._replay()
        if self._subscribed:  # nothing was missed on the channel: serve from near again
            self.near.enable()
        return True

    def _remember(self, decisions: Sequence[tuple[str, Decide]]) -> None:
        for key, decide in decisions:
            if len(self._missed) >= MAX_MISSED and key not in self._missed:
                self._missed_overflow = True
                continue
            self._missed[key] = decide

    async def _replay(self) -> None:
        missed, self._missed = self._missed, {}
        overflow, self._missed_overflow = self._missed_overflow, False
        try:
            await AsyncStoreCall.run(lambda: self._write_missed(missed, overflow))
        except BaseException as error:
            # Kept for the next call that reaches Redis, also when this one is cancelled.
            self._keep(missed, overflow)
            if not isinstance(error, _STORE_ERRORS):
                raise
            self._failed(error)

    def _keep(self, missed: dict[str, Decide], overflow: bool) -> None:
        """Put back changes a catch-up did not write; newer ones remembered meanwhile win."""
        kept = {**missed, **self._missed}
        if len(kept) > MAX_MISSED:  # recovery then drops the whole cache: any MAX_MISSED will do
            kept, overflow = dict(list(kept.items())[-MAX_MISSED:]), True
        self._missed = kept
        self._missed_overflow = self._missed_overflow or overflow

    async def _write_missed(self, missed: dict[str, Decide], overflow: bool) -> None:
        if overflow:
            client = self._connections.current().client
            async for key in client.scan_iter(self.prefix + "*"):
                await client.delete(key)
        if missed:
            await self._transaction(list(missed.items()))


def _decode(key: str, blob: bytes | None) -> Entry[Any] | None:
    if blob is None:
        return None
    _, decode = entry_codec(Kind.parse(key)[0])
    try:
        return decode(blob)
    except msgspec.DecodeError:  # written by another version: a miss, overwritten on the next read
        return None


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
