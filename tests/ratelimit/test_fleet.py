"""A fleet as it meets Clerk's limit: four worker processes (``clerk_async`` and ``clerk_sync``)
behind one real Redis, calling the emulator, which enforces the same limit. Together they stay
under it; a 429 one of them meets pauses all of them; Redis killed and restarted mid-run: they go
on, each under its own limiter, warn once, and come back to Redis by themselves. Asserted on what
the limiters booked (on Redis's one clock), the emulator's counts, and their order."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from clerk_async._ratelimit import RateLimit, spacing
from clerk_async.emulator import ClerkEmulator
from tests.support.redis_server import RedisServer

from .fleet import Worker, fleet, until

LIMIT = "40/1s"
#: Time the worker processes get to start before their first calls.
START_S = 3.0
#: Tasks (or threads) per worker: the worker's default.
TASKS = 4


@pytest.fixture
def emulator() -> Iterator[ClerkEmulator]:
    with ClerkEmulator(rate_limit=LIMIT) as running:
        yield running


def pause_left(redis_url: str) -> float | None:
    """The end of the instance's pause in Redis (``None``: none)."""
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        for name in client.scan_iter("clerk:ratelimit:*:instance"):
            paused = client.hget(name, "p")
            return None if paused is None else float(paused)
        return None
    finally:
        client.close()


def sources(record: dict[str, Any]) -> list[str]:
    """Where the worker's bookings were made, in order, runs collapsed: R (Redis), L (its own)."""
    out: list[str] = []
    for booking in record["bookings"]:
        source = "L" if booking is None else "R"
        if not out or out[-1] != source:
            out.append(source)
    return out


@pytest.mark.slow  # four worker processes against one Redis
def test_four_processes_together_stay_under_the_limit(
    emulator: ClerkEmulator, redis_url: str
) -> None:
    start = str(time.time() + START_S)  # together, however slowly each process starts
    workers = [
        Worker(flavour, emulator, redis_url, LIMIT, "--calls", "40", "--user-id", f"user_w{n}",
               "--start-at", start)
        for n, flavour in enumerate(["async", "sync", "async", "sync"])
    ]  # fmt: skip
    try:
        records = [worker.finish() for worker in workers]
    finally:
        for worker in workers:
            worker.kill()

    # 160 calls, as fast as 16 tasks and threads could, and not one 429: each got its 404.
    assert [record["outcomes"] for record in records] == [{"NotFoundError": 40}] * 4
    assert emulator.emulator.responses == {404: 160}
    # Every send was booked in Redis, from one sequence on one clock: never two closer than the
    # pace, whichever process booked them.
    slots = sorted(slot for record in records for slot, _ in record["bookings"])
    assert len(slots) == 160
    pace = spacing(RateLimit(40, 1.0))
    assert min(later - earlier for earlier, later in itertools.pairwise(slots)) >= pace - 1e-5
    # The emulator saw them all, the processes' requests taking turns rather than in blocks.
    paths = [arrival.path for arrival in emulator.arrivals]
    assert sorted(set(paths)) == [f"/v1/users/user_w{n}" for n in range(4)]
    assert len(paths) == 160
    # A process's tasks book the slots one after another as their calls end, so runs of up to its
    # four tasks are normal; a block (one process sending many in a row) is not.
    longest_run = max(len(list(run)) for _, run in itertools.groupby(paths))
    assert longest_run <= 3 * TASKS, paths


@pytest.mark.slow  # worker processes waiting out a 429
def test_a_429_one_process_meets_pauses_them_all(emulator: ClerkEmulator, redis_url: str) -> None:
    emulator.rate_limit = None
    workers = fleet(emulator, redis_url, "50/1s")
    try:
        until(lambda: all(sum(w.status()["outcomes"].values()) >= 5 for w in workers))
        emulator.rate_limit = "1/3s"  # Clerk turns one of them away, for about 3 s
        until(lambda: emulator.emulator.responses.get(429, 0) >= 1)
        emulator.rate_limit = None
        paused_until = pause_left(redis_url)
        assert paused_until is not None
        until(lambda: all(w.status()["bookings"][-1][1] > paused_until for w in workers))
        records = [worker.finish() for worker in workers]
    finally:
        for worker in workers:
            worker.kill()

    turned_away = [r for r in records if r["outcomes"].get("RateLimitError")]
    assert turned_away  # one (or a few, before the pause reached them) met the 429
    retry_after = min(seconds for r in turned_away for seconds in r["retry_after"])
    paused_from = paused_until - retry_after  # when the last pause began, on Redis's clock
    for record in records:  # every process, the 429's and the others
        bookings = record["bookings"]
        during = [(slot, now) for slot, now in bookings if paused_from <= now < paused_until]
        assert during, "a process did not try to send during the pause"
        assert all(slot >= paused_until for slot, _ in during)  # each held back to its end
    assert set().union(*(r["outcomes"] for r in records)) <= {"TotalCount", "RateLimitError"}


@pytest.mark.slow  # worker processes through a Redis restart
def test_redis_killed_and_restarted_mid_run(
    emulator: ClerkEmulator, own_redis_server: RedisServer
) -> None:
    emulator.rate_limit = None
    workers = fleet(emulator, own_redis_server.url, "50/1s")
    try:
        until(lambda: all(sum(w.status()["outcomes"].values()) >= 5 for w in workers))
        own_redis_server.kill()
        until(lambda: all(w.status()["local_bookings"] >= 5 for w in workers))
        own_redis_server.start()
        until(lambda: all(sources(w.status())[-1:] == ["R"] for w in workers))
        records = [worker.finish() for worker in workers]
    finally:
        for worker in workers:
            worker.kill()

    for record in records:
        assert list(record["outcomes"]) == ["TotalCount"]  # never an error because of Redis
        assert sources(record) == ["R", "L", "R"]  # Redis, its own limiter, Redis again
        assert record["store_errors"] >= 1
        failed = [w for w in record["warnings"] if "rate limit store redis failed" in w]
        back = [w for w in record["warnings"] if "rate limit store redis answers again" in w]
        assert (len(failed), len(back)) == (1, 1), record["warnings"]  # once, not per request
