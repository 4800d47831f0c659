"""W14: one rate limit for a fleet. Four worker processes call the emulator, which enforces a
production instance's 1,000 requests per 10 s, as fast as 16 tasks each can (``users.count``, the
client's default retries: a 429 is retried after its ``Retry-After``), in three setups:

- ``shared``: every process with ``RedisRateLimit`` (one limit kept in Redis): target at least 0.95
  of the limit, and under 1 % of the answers 429;
- ``own``: every process with its own limiter at the full limit (``rate_limit="1000/10s"``);
- ``none``: no limiter at all.

Each setup runs a warm-up of one period (the emulator's bucket starts full: a burst would pass
once) and then the measured window; the emulator counts the answers by status over the window, the
workers count the calls that succeeded and failed in it and their latency. Workers are pinned to
the client core; the emulator and redis-server to the other.

    python -m benchmarks.fleet_limit child MODE --clerk URL --key KEY --redis URL \\
        --start-at T --warmup S --seconds S      # one worker, prints its counts as JSON
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.migration import LIVE_KEY, Emulator

__all__ = ["measure"]

ROOT = Path(__file__).resolve().parent.parent
LIMIT = "1000/10s"
RATE = 100.0  # the limit per second
WORKERS = 4
TASKS = 16
MODES = ("shared", "own", "none")
SHARE_TARGET = 0.95
REFUSED_TARGET = 0.01


def measure(
    quick: bool, cores: tuple[int | None, int | None], log: Callable[[str], None]
) -> list[str]:
    from tests.support.redis_server import RedisServer

    client_cpu, server_cpu = cores
    reps = 1 if quick else 3
    warmup, seconds = 10.0, (5.0 if quick else 20.0)
    redis = RedisServer().start()
    emulator = Emulator(server_cpu, "--rate-limit", LIMIT)
    try:
        if server_cpu is not None and redis.pid is not None:
            os.sched_setaffinity(redis.pid, {server_cpu})
        runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
        for rep in range(reps):
            for mode in MODES[rep % 3 :] + MODES[: rep % 3]:
                redis.flush()
                result = _run(mode, emulator, redis.url, client_cpu, warmup, seconds)
                runs[mode].append(result)
                log(
                    f"  W14 rep {rep + 1}/{reps} {mode:<6} {result['share']:.3f} of the limit, "
                    f"{result['refused']:.1%} 429s, {result['failed']:.0f} failed calls"
                )
    finally:
        emulator.stop()
        redis.stop()
    return _section(runs, reps, warmup, seconds)


def _run(
    mode: str,
    emulator: Emulator,
    redis_url: str,
    cpu: int | None,
    warmup: float,
    seconds: float,
) -> dict[str, float]:
    emulator.control("POST", "reset")  # an empty state and a full bucket
    start_at = time.time() + 3.0  # time for the workers to import and connect
    command = [sys.executable, "-m", "benchmarks.fleet_limit", "child", mode,
               "--clerk", emulator.url, "--key", LIVE_KEY, "--redis", redis_url,
               "--start-at", repr(start_at), "--warmup", str(warmup),
               "--seconds", str(seconds)]  # fmt: skip
    workers = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        for _ in range(WORKERS)
    ]
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        for worker in workers:
            os.sched_setaffinity(worker.pid, {cpu})
    time.sleep(max(0.0, start_at + warmup - time.time()))
    before = emulator.control("GET", "config")["responses"]
    time.sleep(max(0.0, start_at + warmup + seconds - time.time()))
    after = emulator.control("GET", "config")["responses"]
    results = []
    for worker in workers:
        stdout, _ = worker.communicate(timeout=120)
        if worker.returncode != 0:
            raise RuntimeError(f"a W14 worker ({mode}) failed")
        results.append(json.loads(stdout.strip().splitlines()[-1]))
    answered = {status: after.get(status, 0) - before.get(status, 0) for status in after}
    total = sum(answered.values())
    latencies = sorted(value for result in results for value in result["latencies"])
    succeeded = sum(result["succeeded"] for result in results)
    return {
        "share": succeeded / seconds / RATE,
        "refused": answered.get("429", 0) / total if total else 0.0,
        "refused_per_success": answered.get("429", 0) / succeeded if succeeded else 0.0,
        "failed": float(sum(result["failed"] for result in results)),
        "p50_ms": 1000 * _quantile(latencies, 0.5),
        "p99_ms": 1000 * _quantile(latencies, 0.99),
    }


def _quantile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def _section(
    runs: dict[str, list[dict[str, float]]], reps: int, warmup: float, seconds: float
) -> list[str]:
    def median(mode: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[mode])

    shared_ok = median("shared", "share") >= SHARE_TARGET
    refused_ok = median("shared", "refused") < REFUSED_TARGET
    names = {
        "shared": "`RedisRateLimit` (one limit in Redis)",
        "own": "each process its own limiter at the full limit",
        "none": "no limiter",
    }
    lines = [
        "## W14: four processes, one instance's limit (1,000 per 10 s)",
        "",
        "| setup | calls that succeeded, of the limit | answers that were 429 | 429s per success |"
        " failed calls | latency p50 / p99 |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for mode in MODES:
        lines.append(
            f"| {names[mode]} | {median(mode, 'share'):.3f} | {median(mode, 'refused'):.1%} |"
            f" {median(mode, 'refused_per_success'):.2f} | {median(mode, 'failed'):.0f} |"
            f" {median(mode, 'p50_ms'):.0f} / {median(mode, 'p99_ms'):.0f} ms |"
        )
    lines += [
        "",
        f"Targets for the shared limiter: at least {SHARE_TARGET:g} of the limit"
        f" {'✓' if shared_ok else '✗'}, under {REFUSED_TARGET:.0%} 429s"
        f" {'✓' if refused_ok else '✗'}.",
        f"{'One repetition (quick)' if reps == 1 else f'Medians of {reps} repetitions'};"
        f" {WORKERS} processes x {TASKS} tasks calling `users.count` with the default retries;"
        f" a warm-up of {warmup:g} s, then {seconds:g} s measured. A failed call is one whose"
        " retries ran out.",
        "",
    ]
    return lines


# -- the worker ----------------------------------------------------------------------------------


async def _worker(args: argparse.Namespace) -> dict[str, Any]:
    from clerk_async import Clerk
    from clerk_async.errors import ClerkError
    from clerk_async.ratelimit import RedisRateLimit

    limit: Any = {"shared": RedisRateLimit(args.redis, limit=LIMIT), "own": LIMIT, "none": None}
    opens, closes = args.start_at + args.warmup, args.start_at + args.warmup + args.seconds
    latencies: list[float] = []
    counts = {"succeeded": 0, "failed": 0}
    async with Clerk(
        bearer_auth=args.key, server_url=args.clerk, rate_limit=limit[args.mode]
    ) as clerk:
        await clerk.users.count()  # the connection pool (and Redis) is ready
        await asyncio.sleep(max(0.0, args.start_at - time.time()))

        async def calls() -> None:
            # Each task stops by itself at the end of the window (no cancellation: how a task
            # cancelled mid-call ends is no part of what W14 measures).
            while time.time() < closes:
                started = time.time()
                try:
                    await clerk.users.count()
                    outcome = "succeeded"
                except ClerkError:
                    outcome = "failed"
                ended = time.time()
                if opens <= ended < closes:
                    counts[outcome] += 1
                    if outcome == "succeeded":
                        latencies.append(ended - started)

        await asyncio.gather(*(calls() for _ in range(TASKS)))
    return {**counts, "latencies": latencies}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    child = sub.add_parser("child")
    child.add_argument("mode", choices=MODES)
    child.add_argument("--clerk", required=True)
    child.add_argument("--key", required=True)
    child.add_argument("--redis", required=True)
    child.add_argument("--start-at", type=float, required=True)
    child.add_argument("--warmup", type=float, required=True)
    child.add_argument("--seconds", type=float, required=True)
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(_worker(args))))


if __name__ == "__main__":
    main()
