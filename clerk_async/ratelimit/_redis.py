"""One rate limit for every process: the limiters' state in Redis. Mirrored into ``clerk_sync``,
where redis-py's asyncio client becomes its blocking one.

Each limit (the instance's, and each operation's own) is one hash, named by a digest of the secret
key (never the key) and the limit's lane: ``{prefix}{digest}:instance``,
``{prefix}{digest}:CreateInvitation``. Booking a send, pausing after a 429 and reading a pause are
Lua scripts (``clerk_async._ratelimit_lua``, the policy of ``book``) run on Redis's clock, so every
process on every machine books from one sequence and one pause. On Redis trouble each process
falls back to its own limiter of the same limit, logs one warning, counts the failures, and asks
Redis again by itself after 0.5-5 s; a request never fails because Redis is away.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import redis.asyncio as redis_client
from redis.exceptions import RedisError

from clerk_async._cache.flavours import AsyncPerLoop, AsyncStoreCall
from clerk_async._cache.health import StoreHealth
from clerk_async._lru import secret_digest
from clerk_async._operation import Operation
from clerk_async._ratelimit import RateLimit, RateLimiter, spacing
from clerk_async._ratelimit_lua import BOOK, PAUSE, PAUSED_FOR
from clerk_async._ratelimit_settings import RateLimitSettings

from .._transport import sleep  # noqa: TID252
from ._limits import AsyncRateLimits

__all__ = ["AsyncRedisLimiter", "AsyncRedisRateLimit", "AsyncSharedRateLimits"]

DEFAULT_PREFIX = "clerk:ratelimit:"
logger = logging.getLogger("clerk.ratelimit")
_STORE_ERRORS = (RedisError, OSError)
_INSTANCE = "instance"
#: Where a client finds the secret key its next request carries.
KeySource = Callable[[], "str | None"]


class AsyncRedisRateLimit(RateLimitSettings):
    """The limits of ``Clerk(rate_limit=...)`` kept in Redis, shared by every client, process and
    machine that uses the same Redis, ``prefix`` and secret key.

    Give a ``url`` (``redis://[:password@]host:port/db``, ``rediss://`` for TLS; a client is made
    for each event loop, with ``timeout`` seconds to connect and to answer) or a ready ``client``
    (redis-py's ``Redis``: the asyncio one for ``clerk_async``, the blocking one for
    ``clerk_sync``; it is yours to close). ``limit`` and ``endpoint_limits`` are those of
    :class:`~clerk_async.ratelimit.MemoryRateLimit`. ``clock`` replaces Redis's clock (tests).
    """

    __slots__ = ("_client", "_url", "clock", "prefix", "timeout")

    def __init__(
        self,
        url: str | None = None,
        *,
        client: Any = None,
        limit: RateLimit | str = "auto",
        endpoint_limits: Mapping[str, RateLimit | str] | None = None,
        prefix: str = DEFAULT_PREFIX,
        timeout: float = 0.5,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if (url is None) == (client is None):
            raise TypeError("RedisRateLimit needs a url or a client (one of them)")
        if url is not None and not isinstance(url, str):
            raise TypeError(f"url must be a str, not {type(url).__name__}")
        if not isinstance(prefix, str) or not prefix:
            raise ValueError("prefix must be a non-empty str")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        super().__init__(limit, endpoint_limits=endpoint_limits)
        self._url = url
        self._client = client
        self.prefix = prefix
        self.timeout = float(timeout)
        self.clock = clock

    def __repr__(self) -> str:
        return f"RedisRateLimit({self._describe()!r}, prefix={self.prefix!r})"

    def client_limits(self, secret_key: KeySource) -> AsyncSharedRateLimits:
        return AsyncSharedRateLimits(self, secret_key)

    def connect(self) -> Any:
        """A redis-py client: the one given, or a new one from the url."""
        if self._url is None:
            return self._client
        return redis_client.Redis.from_url(
            self._url, socket_timeout=self.timeout, socket_connect_timeout=self.timeout
        )


class _Connection:
    """A Redis client of one event loop (or of the process) and the scripts registered on it."""

    __slots__ = ("book", "client", "pause", "paused_for")

    def __init__(self, client: Any) -> None:
        self.client = client
        self.book = client.register_script(BOOK)
        self.pause = client.register_script(PAUSE)
        self.paused_for = client.register_script(PAUSED_FOR)


class AsyncSharedRateLimits(AsyncRateLimits):
    """The limiters of one client, in Redis: one per secret key the client's requests carry."""

    __slots__ = (
        "_bound",
        "_connections",
        "_key_source",
        "health",
        "local_bookings",
        "settings",
        "store_errors",
    )

    def __init__(self, settings: AsyncRedisRateLimit, secret_key: KeySource) -> None:
        self.settings = settings
        self._key_source = secret_key
        self._connections: AsyncPerLoop[_Connection] = AsyncPerLoop(
            lambda: _Connection(settings.connect())
        )
        self._bound: tuple[str | None, _Lanes] | None = None
        self.health = StoreHealth(
            "redis",
            what="rate limit store",
            log=logger,
            meanwhile="each process keeps to its own limiter",
        )
        #: Redis failures seen (commands that failed, counted once each).
        self.store_errors = 0
        #: Sends booked on this process's own limiter while Redis was away.
        self.local_bookings = 0

    @property
    def limiter(self) -> AsyncRedisLimiter:
        return self._lanes().instance

    async def wait(self, op: Operation) -> None:
        lanes = self._lanes()
        endpoint = lanes.endpoints.get(op.operation_id)
        if endpoint is not None:
            await endpoint.wait()
        await lanes.instance.wait()

    async def rate_limited(self, op: Operation, seconds: float) -> None:
        lanes = self._lanes()
        await (lanes.endpoints.get(op.operation_id) or lanes.instance).pause(seconds)

    async def aclose(self) -> None:
        """Close the Redis client made for this loop from the url (one you gave is yours)."""
        connection = self._connections.existing()
        if connection is not None and self.settings._url is not None:
            await connection.client.aclose()

    def connection(self) -> _Connection:
        return self._connections.current()

    def failed(self, error: BaseException) -> None:
        self.store_errors += 1
        self.health.failed(error)

    def _lanes(self) -> _Lanes:
        key = self._key_source()
        bound = self._bound
        if bound is None or bound[0] != key:
            bound = self._bound = (key, _Lanes(self, key))
        return bound[1]


class _Lanes:
    """The limiters of one secret key: the instance's, and those of single operations."""

    __slots__ = ("endpoints", "instance")

    def __init__(self, owner: AsyncSharedRateLimits, key: str | None) -> None:
        settings = owner.settings
        base = f"{settings.prefix}{secret_digest(key or '').hex()[:32]}:"
        limit = settings.instance_limit(key)
        self.instance = AsyncRedisLimiter(owner, base + _INSTANCE, limit)
        self.endpoints = {
            operation_id: AsyncRedisLimiter(owner, base + operation_id, endpoint_limit)
            for operation_id, endpoint_limit in settings.endpoint_limits.items()
        }


class AsyncRedisLimiter:
    """One limit kept in Redis; this process's own :class:`RateLimiter` of the same limit stands
    in while Redis is away (and keeps every pause, so that it can)."""

    __slots__ = ("_owner", "_spacing", "_tolerance", "fallback", "limit", "name")

    def __init__(self, owner: AsyncSharedRateLimits, name: str, limit: RateLimit) -> None:
        self._owner = owner
        self.name = name
        self.limit = limit
        self._spacing = spacing(limit)
        self._tolerance = (limit.burst - 1) * self._spacing
        self.fallback = RateLimiter(limit)

    def __repr__(self) -> str:
        return f"RedisRateLimiter({self.limit})"

    @property
    def store_errors(self) -> int:
        """Redis failures this client has seen."""
        return self._owner.store_errors

    @property
    def local_bookings(self) -> int:
        """Sends this client booked on its own limiter while Redis was away."""
        return self._owner.local_bookings

    async def book(self) -> tuple[float, float] | None:
        """Book a send in Redis: its slot and the moment of booking, on the store's clock
        (``None``: Redis is away)."""
        answer = await self._run(_book, str(self._spacing), str(self._tolerance))
        if answer is None:
            return None
        slot, now = answer
        return float(slot), float(now)

    async def reserve(self) -> float:
        """Book a send; the seconds to wait before sending (0 when it may go now)."""
        booked = await self.book()
        if booked is None:
            self._owner.local_bookings += 1
            return self.fallback.reserve()
        slot, now = booked
        return slot - now

    async def pause(self, seconds: float) -> None:
        """Hold every process's sends back for ``seconds`` from now (Clerk answered 429)."""
        self.fallback.pause(seconds)
        await self._run(_pause, str(seconds))

    async def paused_for(self) -> float:
        """Seconds left of a pause (0 when none)."""
        answer = await self._run(_paused_for)
        return self.fallback.paused_for() if answer is None else float(answer)

    async def wait(self) -> None:
        """Wait for a send slot; a pause begun meanwhile, by any process, voids it: book again."""
        while True:
            wait = await self.reserve()
            if wait <= 0:
                return
            await sleep(wait)
            if await self.paused_for() <= 0:
                return

    async def _run(self, script: Callable[[_Connection], Any], *args: str) -> Any:
        """Run a script on this limit's hash; its answer (``None``: Redis is away)."""
        owner = self._owner
        if not owner.health.usable():
            return None
        clock = owner.settings.clock
        now = "" if clock is None else repr(clock())
        run = script(owner.connection())
        try:
            # StoreCall: a request cancelled while Redis answers ends cancelled (_cache.flavours).
            answer = await AsyncStoreCall.run(lambda: run(keys=[self.name], args=[*args, now]))
        except _STORE_ERRORS as error:
            owner.failed(error)
            return None
        owner.health.succeeded()
        return answer


def _book(connection: _Connection) -> Any:
    return connection.book


def _pause(connection: _Connection) -> Any:
    return connection.pause


def _paused_for(connection: _Connection) -> Any:
    return connection.paused_for
