"""One process of a fleet that shares Clerk's limit through Redis, as a program:
``python -m tests.ratelimit.worker FLAVOUR --redis URL --clerk URL --key KEY --limit SPEC ...``.

It calls Clerk as fast as its ``--tasks`` (tasks in ``async``, threads in ``sync``) can, through
``Clerk(rate_limit=RedisRateLimit(...))``, without retries, and notes what its limiter booked (the
slot and the moment of each booking on Redis's clock, or ``null`` for a booking made on its own
limiter while Redis was away), every call's outcome, and the warnings of ``clerk.ratelimit``. With
``--calls N`` it makes N calls and prints its record as one JSON line; without, it runs until its
standard input closes, and answers each ``status`` line with its record so far. ``--start-at T``
(a ``time.time()`` moment) holds its first call until then, so that processes started one after
another on a busy machine begin together.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import threading
import time
from collections import Counter
from typing import Any

from clerk_async.errors import ClerkError, RateLimitError


class Record:
    """What this worker saw; shared by its tasks (or threads)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.bookings: list[tuple[float, float] | None] = []
        self.outcomes: Counter[str] = Counter()
        self.retry_after: list[float] = []
        self.warnings: list[str] = []
        self.limiter: Any = None

    def outcome(self, value: object) -> None:
        with self.lock:
            self.outcomes[type(value).__name__] += 1
            if isinstance(value, RateLimitError) and value.retry_after is not None:
                self.retry_after.append(value.retry_after)

    def booked(self, booking: tuple[float, float] | None) -> None:
        with self.lock:
            self.bookings.append(booking)

    def json(self) -> str:
        with self.lock:
            return json.dumps(
                {
                    "bookings": self.bookings,
                    "outcomes": self.outcomes,
                    "retry_after": self.retry_after,
                    "warnings": self.warnings,
                    "store_errors": self.limiter.store_errors,
                    "local_bookings": self.limiter.local_bookings,
                }
            )


class Warnings(logging.Handler):
    def __init__(self, record: Record) -> None:
        super().__init__(logging.WARNING)
        self.record = record

    def emit(self, entry: logging.LogRecord) -> None:
        with self.record.lock:
            self.record.warnings.append(entry.getMessage())


def run_async(args: argparse.Namespace, record: Record) -> None:
    from clerk_async import Clerk, RetryConfig
    from clerk_async.ratelimit import RedisRateLimit, _redis

    book = _redis.AsyncRedisLimiter.book

    async def recording(self: Any) -> tuple[float, float] | None:
        booking = await book(self)
        record.booked(booking)
        return booking

    _redis.AsyncRedisLimiter.book = recording  # type: ignore[method-assign]

    async def main() -> None:
        limit = RedisRateLimit(args.redis, limit=args.limit, timeout=0.5)
        async with Clerk(
            bearer_auth=args.key,
            server_url=args.clerk,
            rate_limit=limit,
            retry_config=RetryConfig("none"),
        ) as clerk:
            record.limiter = clerk.rate_limiter
            left = [args.calls]
            stop = asyncio.Event()

            async def call() -> None:
                while not stop.is_set():
                    if args.calls is not None:
                        if left[0] <= 0:
                            return
                        left[0] -= 1
                    try:
                        if args.user_id:
                            outcome: object = await clerk.users.get(args.user_id)
                        else:
                            outcome = await clerk.users.count()
                    except ClerkError as error:
                        outcome = error
                    record.outcome(outcome)

            async def commands() -> None:
                loop = asyncio.get_running_loop()
                while True:
                    line = await loop.run_in_executor(None, sys.stdin.readline)
                    if not line:
                        stop.set()
                        return
                    print(record.json(), flush=True)

            await asyncio.sleep(_until_start(args))
            tasks = [asyncio.create_task(call()) for _ in range(args.tasks)]
            if args.calls is None:
                await commands()
            await asyncio.gather(*tasks)

    asyncio.run(main())


def run_sync(args: argparse.Namespace, record: Record) -> None:
    from clerk_sync import Clerk, RetryConfig
    from clerk_sync.ratelimit import RedisRateLimit, _redis

    book = _redis.SyncRedisLimiter.book

    def recording(self: Any) -> tuple[float, float] | None:
        booking = book(self)
        record.booked(booking)
        return booking

    _redis.SyncRedisLimiter.book = recording  # type: ignore[method-assign]
    limit = RedisRateLimit(args.redis, limit=args.limit, timeout=0.5)
    with Clerk(
        bearer_auth=args.key,
        server_url=args.clerk,
        rate_limit=limit,
        retry_config=RetryConfig("none"),
    ) as clerk:
        record.limiter = clerk.rate_limiter
        left = [args.calls]
        stop = threading.Event()

        def call() -> None:
            while not stop.is_set():
                if args.calls is not None:
                    with record.lock:
                        if left[0] <= 0:
                            return
                        left[0] -= 1
                try:
                    outcome: object = (
                        clerk.users.get(args.user_id) if args.user_id else clerk.users.count()
                    )
                except ClerkError as error:
                    outcome = error
                record.outcome(outcome)

        threads = [threading.Thread(target=call) for _ in range(args.tasks)]
        time.sleep(_until_start(args))
        for thread in threads:
            thread.start()
        if args.calls is None:
            for _ in sys.stdin:
                print(record.json(), flush=True)
            stop.set()
        for thread in threads:
            thread.join()


def _until_start(args: argparse.Namespace) -> float:
    return 0.0 if args.start_at is None else max(0.0, args.start_at - time.time())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("flavour", choices=("async", "sync"))
    parser.add_argument("--redis", required=True)
    parser.add_argument("--clerk", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--limit", required=True)
    parser.add_argument("--tasks", type=int, default=4)
    parser.add_argument("--calls", type=int, default=None)
    parser.add_argument("--user-id", default="")
    parser.add_argument("--start-at", type=float, default=None)
    args = parser.parse_args()
    record = Record()
    logging.getLogger("clerk.ratelimit").addHandler(Warnings(record))
    (run_async if args.flavour == "async" else run_sync)(args, record)
    print(record.json(), flush=True)


if __name__ == "__main__":
    main()
