"""W13: ``users.get`` served from the cache (``Clerk(cache=...)``).

- an in-process hit (``clerk_async``, the memory store): client CPU per call, target under 2 us;
- a Redis hit (``RedisStore`` with its near cache off, so every call reads Redis) next to the
  floor, a raw ``redis.asyncio`` GET of the same user plus its msgspec decode: target within 1.3x;
  and a near-cache hit in front of Redis, for reference;
- a replay: 100,000 reads over 1,000 users, 64 concurrent tasks, with 1,000 updates made by another
  service through the API (1 %), the emulator delivering each webhook to the app, which applies it:
  Clerk requests at most 1,000 + the updates, and zero reads older than a webhook applied before
  the read began;
- a cold start: 1,000 distinct users requested at once from an empty cache: at most 15 requests.

Every part runs in a fresh process pinned to the client core (``python -m benchmarks.cache child
PART ...``); the emulator and redis-server run on the other core.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from benchmarks.measurement import Measurement, Meter
from benchmarks.migration import LIVE_KEY, Emulator
from benchmarks.process import run_measurement

__all__ = ["measure"]

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
HIT_TARGET_US = 2.0
REDIS_TARGET = 1.3
PARTS = ("memory-hit", "redis-hit", "redis-floor", "near-hit")


def measure(
    quick: bool, cores: tuple[int | None, int | None], log: Callable[[str], None]
) -> list[str]:
    from tests.support.redis_server import RedisServer

    client_cpu, server_cpu = cores
    reps = 1 if quick else 5
    hits = 20_000 if quick else 200_000
    redis_ops = 2_000 if quick else 20_000
    replay_reads, users = (10_000, 200) if quick else (100_000, 1_000)
    redis = RedisServer().start()
    port = _free_port()
    hooks = ("--webhook-url", f"http://127.0.0.1:{port}/webhooks", "--webhook-secret", SECRET)
    plain = Emulator(server_cpu, "--rate-limit", "off")  # the hits: no webhook endpoint there
    emulator = Emulator(server_cpu, "--rate-limit", "off", *hooks)
    try:
        if server_cpu is not None and redis.pid is not None:
            os.sched_setaffinity(redis.pid, {server_cpu})
        common = ["--clerk", plain.url, "--redis", redis.url]
        runs: dict[str, list[dict[str, Any]]] = {part: [] for part in PARTS}
        for rep in range(reps):
            for part in PARTS[rep % len(PARTS) :] + PARTS[: rep % len(PARTS)]:
                count = hits if part == "memory-hit" else redis_ops
                result = _child(client_cpu, part, "--count", str(count), *common)
                runs[part].append(result)
                log(f"  W13 rep {rep + 1}/{reps} {part:<12} {_us(result):8.2f} us CPU/op")
        common = ["--clerk", emulator.url, "--redis", redis.url]
        log(f"W13: replay of {replay_reads:,} reads over {users:,} users, 1 % updates")
        replay = _child(client_cpu, "replay", "--count", str(replay_reads), "--users", str(users),
                        "--port", str(port), *common)  # fmt: skip
        log(f"W13: cold start, {users:,} users at once")
        cold = _child(client_cpu, "cold", "--count", str(users), "--port", str(port), *common)
    finally:
        plain.stop()
        emulator.stop()
        redis.stop()
    return _section(runs, replay, cold, quick)


def _us(result: dict[str, Any]) -> float:
    return float(result["cpu_s"]) / float(result["ops"]) * 1e6


def _section(
    runs: dict[str, list[dict[str, Any]]], replay: dict[str, Any], cold: dict[str, Any], quick: bool
) -> list[str]:
    median = {part: statistics.median(_us(r) for r in results) for part, results in runs.items()}
    spread = {
        part: (max(_us(r) for r in results) - min(_us(r) for r in results)) / 2 / median[part]
        for part, results in runs.items()
    }
    ratios = [
        _us(ours) / _us(floor)
        for ours, floor in zip(runs["redis-hit"], runs["redis-floor"], strict=True)
    ]
    ratio = statistics.median(ratios)
    extra = replay["extra"]
    limit = extra["users"] + extra["updates"]
    return [
        "## W13: `users.get` served from the cache",
        "",
        "| part | measured | target |",
        "| --- | ---: | --- |",
        f"| in-process hit (`clerk_async`, memory store) | {median['memory-hit']:.2f} us CPU"
        f" (±{spread['memory-hit']:.0%}) | under {HIT_TARGET_US:g} us"
        f" {'✓' if median['memory-hit'] < HIT_TARGET_US else '✗'} |",
        f"| Redis hit (near cache off) | {median['redis-hit']:.1f} us CPU"
        f" (±{spread['redis-hit']:.0%}) | |",
        f"| floor: raw `redis.asyncio` GET + msgspec decode | {median['redis-floor']:.1f} us CPU"
        f" (±{spread['redis-floor']:.0%}) | |",
        f"| Redis hit vs the floor | {ratio:.2f}x | within {REDIS_TARGET:g}x"
        f" {'✓' if ratio <= REDIS_TARGET else '✗'} |",
        f"| near-cache hit in front of Redis | {median['near-hit']:.2f} us CPU | |",
        f"| replay: {extra['reads']:,.0f} reads, {extra['users']:,.0f} users,"
        f" {extra['updates']:,.0f} updates | {extra['clerk_requests']:,.0f} Clerk requests"
        f" ({extra['updates']:,.0f} of them the updates) | at most {limit:,.0f}"
        f" {'✓' if extra['clerk_requests'] <= limit else '✗'} |",
        f"| replay: reads older than an applied webhook | {extra['stale_reads']:,.0f}"
        f" of {extra['checked_reads']:,.0f} | 0 {'✓' if extra['stale_reads'] == 0 else '✗'} |",
        f"| replay: wall time, reads per second | {replay['wall_s']:.1f} s,"
        f" {extra['reads'] / replay['wall_s']:,.0f}/s | |",
        f"| cold start: {cold['extra']['users']:,.0f} users at once | "
        f"{cold['extra']['clerk_requests']:,.0f} Clerk requests | at most 15"
        f" {'✓' if cold['extra']['clerk_requests'] <= 15 else '✗'} |",
        "",
        f"{'One repetition (quick).' if quick else 'Medians of 5 repetitions.'} CPU is the"
        " client's (`getrusage`) per call; the emulator and redis-server run on the other core.",
        "",
    ]


def _child(cpu: int | None, *args: str) -> dict[str, Any]:
    return run_measurement("benchmarks.cache", "child", *args, cpu=cpu, timeout=1800, what=args[0])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _served(clerk_url: str) -> int:
    """Requests the emulator has answered (its control endpoint)."""
    request = urllib.request.Request(
        clerk_url.removesuffix("/v1") + "/__emulator/config",
        headers={"Authorization": "Bearer " + LIVE_KEY},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        config = json.loads(response.read())
    return sum(int(count) for count in config["responses"].values())


# -- the children ----------------------------------------------------------------------------------


async def _one_user(clerk_url: str) -> str:
    from clerk_async import Clerk

    async with Clerk(bearer_auth=LIVE_KEY, server_url=clerk_url) as admin:
        user = await admin.users.create(
            first_name="Bench", private_metadata={"plan": "pro"}, skip_password_requirement=True
        )
    return user.id


async def _hit_loop(args: argparse.Namespace, cache: Any) -> Measurement:
    from clerk_async import Clerk

    user_id = await _one_user(args.clerk)
    async with Clerk(bearer_auth=LIVE_KEY, server_url=args.clerk, cache=cache) as clerk:
        get = clerk.users.get
        for _ in range(max(args.count // 10, 1_000)):
            await get(user_id)
        with Meter() as meter:
            for _ in range(args.count):
                await get(user_id)
    await cache.aclose()
    return meter.result(args.count)


async def memory_hit(args: argparse.Namespace) -> Measurement:
    from clerk_async.cache import Cache

    return await _hit_loop(args, Cache())


async def redis_hit(args: argparse.Namespace) -> Measurement:
    from clerk_async.cache import Cache, RedisStore

    return await _hit_loop(args, Cache(RedisStore(args.redis, near_entries=0)))


async def near_hit(args: argparse.Namespace) -> Measurement:
    from clerk_async.cache import Cache, RedisStore

    store = RedisStore(args.redis)
    cache = Cache(store)
    await store.load(["u:warm"])  # connects, and starts the listener
    for _ in range(500):  # until subscribed (the near cache serves only then)
        if store.near.enabled:
            break
        await asyncio.sleep(0.01)
    return await _hit_loop(args, cache)


async def redis_floor(args: argparse.Namespace) -> Measurement:
    import msgspec
    import redis.asyncio

    from clerk_async import Clerk
    from clerk_async.models import User

    user_id = await _one_user(args.clerk)
    async with Clerk(bearer_auth=LIVE_KEY, server_url=args.clerk) as clerk:
        user = await clerk.users.get(user_id)
    client = redis.asyncio.Redis.from_url(args.redis)
    await client.set("bench:floor", msgspec.json.encode(user))
    decode = msgspec.json.Decoder(User).decode
    get: Callable[[str], Any] = client.get
    for _ in range(1_000):
        decode(await get("bench:floor"))
    with Meter() as meter:
        for _ in range(args.count):
            decode(await get("bench:floor"))
    await client.aclose()
    return meter.result(args.count)


async def replay(args: argparse.Namespace) -> Measurement:
    from aiohttp import web

    from clerk_async import Clerk
    from clerk_async.cache import Cache
    from clerk_async.webhooks import UserUpdatedEvent, verify_webhook

    cache = Cache()
    applied: dict[str, int] = {}
    received = [0]
    applying = [False]

    async def webhook(request: web.Request) -> web.Response:
        event = verify_webhook(await request.read(), request.headers, SECRET)
        received[0] += 1
        if applying[0]:
            await cache.apply(event)
            if isinstance(event, UserUpdatedEvent):
                user_id, version = event.data.id, event.data.updated_at
                if user_id is not None and version is not None:
                    applied[user_id] = max(applied.get(user_id, 0), version)
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/webhooks", webhook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", args.port).start()
    rng = random.Random(13)
    async with (
        Clerk(bearer_auth=LIVE_KEY, server_url=args.clerk) as admin,
        Clerk(bearer_auth=LIVE_KEY, server_url=args.clerk, cache=cache) as clerk,
    ):
        ids = await _create_users(admin, args.users)
        await _until(lambda: received[0] >= len(ids))
        applying[0] = True
        before = _served(args.clerk)
        updates = args.count // 100
        plan = [("read", rng.choice(ids)) for _ in range(args.count)]
        plan += [("update", rng.choice(ids)) for _ in range(updates)]
        rng.shuffle(plan)
        stale = [0]
        checked = [0]
        operations = iter(plan)

        async def worker() -> None:
            for action, user_id in operations:
                if action == "update":
                    await admin.users.update(user_id, last_name=f"v{rng.random():.6f}")
                    continue
                floor = applied.get(user_id, 0)
                user = await clerk.users.get(user_id)
                checked[0] += 1
                if user.updated_at < floor:
                    stale[0] += 1

        with Meter() as meter:
            await asyncio.gather(*(worker() for _ in range(64)))
        await _until(lambda: received[0] >= len(ids) + updates)
        requests = _served(args.clerk) - before
    await runner.cleanup()
    return meter.result(
        args.count,
        reads=float(args.count),
        users=float(len(ids)),
        updates=float(updates),
        clerk_requests=float(requests),
        stale_reads=float(stale[0]),
        checked_reads=float(checked[0]),
    )


async def cold(args: argparse.Namespace) -> Measurement:
    from aiohttp import web

    from clerk_async import Clerk

    async def webhook(request: web.Request) -> web.Response:
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/webhooks", webhook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", args.port).start()
    async with Clerk(bearer_auth=LIVE_KEY, server_url=args.clerk) as admin:
        ids = await _create_users(admin, args.count)
    async with Clerk(bearer_auth=LIVE_KEY, server_url=args.clerk, cache=True) as clerk:
        before = _served(args.clerk)
        with Meter() as meter:
            users = await asyncio.gather(*(clerk.users.get(user_id) for user_id in ids))
        requests = _served(args.clerk) - before
    await runner.cleanup()
    if [user.id for user in users] != ids:
        raise RuntimeError("the cold start returned other users")
    return meter.result(len(ids), users=float(len(ids)), clerk_requests=float(requests))


async def _create_users(admin: Any, count: int) -> list[str]:
    ids: list[str] = []
    numbers = iter(range(count))

    async def create() -> None:
        for number in numbers:
            user = await admin.users.create(
                first_name=f"User{number}", skip_password_requirement=True
            )
            ids.append(user.id)

    await asyncio.gather(*(create() for _ in range(16)))
    return ids


async def _until(done: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError("the emulator's webhooks did not all arrive")
        await asyncio.sleep(0.05)


CHILDREN = {
    "memory-hit": memory_hit,
    "redis-hit": redis_hit,
    "redis-floor": redis_floor,
    "near-hit": near_hit,
    "replay": replay,
    "cold": cold,
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("role", choices=("child",))
    parser.add_argument("part", choices=sorted(CHILDREN))
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--users", type=int, default=1_000)
    parser.add_argument("--clerk", required=True)
    parser.add_argument("--redis", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cpu", type=int, default=None)
    args = parser.parse_args(argv)
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    measurement = asyncio.run(CHILDREN[args.part](args))
    sys.stdout.write(json.dumps(asdict(measurement)) + "\n")


if __name__ == "__main__":
    main()
