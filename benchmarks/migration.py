"""W9-W11 and W15: the migration (``clerk_async.migrate``) against the emulator.

- W9: migrate 10,000 records into an emulator limited like a production instance (1,000 requests
  per 10 s) with 100 ms added to every response: users per second as a share of the limit
  (target >= 0.95) and 429s as a share of the requests (target < 1 %).
- W10: client CPU per imported user with the emulator's limit off (``migrate()`` over a ``jsonl``
  file: reading, mapping, journal and requests), next to a plain loop of ``users.create`` (W5's
  loop, 64 concurrent, against the same emulator), in pairs run one after the other, as many
  pairs as the run's repetitions; target within 1.2x.
- W11: peak memory (RSS) of a dry run over 100,000 and 1,000,000 generated NDJSON records
  (target: flat).
- W15: 10,000 users, 500 organizations and 20,000 memberships (and a custom role) in one
  ``migrate()`` into the emulator limited like a production instance with 100 ms of latency:
  requests per second over the whole run as a share of the limit (target >= 0.95), the run's
  time against the least the limit allows, 429s (< 1 %), and the busiest second of the
  emulator's arrivals (target: at most 1.2x the per-second rate); then the peak memory of dry
  runs over 100,000 and 1,000,000 memberships (target: flat).

Every contender runs in a fresh process pinned to the client core, the emulator in its own
process on the server core. ``python -m benchmarks.migration child ...`` is one contender.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.process import run_measurement

__all__ = ["MIGRATION_WORKLOADS", "measure"]

ROOT = Path(__file__).resolve().parent.parent
MIGRATION_WORKLOADS = ("W9", "W10", "W11", "W15")
LIVE_KEY = "sk_live_benchmark_0123456789abcdef"
_URL = re.compile(r"CLERK_API_URL=(\S+)")


@dataclass(frozen=True)
class Sizes:
    w9_records: int
    w9_latency: float
    w10_records: int
    memory_records: tuple[int, int]
    #: W15: users, organizations, memberships; memberships of the two dry runs.
    w15: tuple[int, int, int] = (10_000, 500, 20_000)
    w15_memory: tuple[int, int] = (100_000, 1_000_000)


FULL_SIZES = Sizes(10_000, 0.1, 5_000, (100_000, 1_000_000))
QUICK_SIZES = Sizes(600, 0.1, 1_000, (10_000, 50_000), (600, 30, 1_200), (10_000, 50_000))
#: The rate W9 and W15 run at: a production instance's 1,000 requests per 10 s.
RATE = 100.0
#: W10's target: the migration's client CPU per user within this much of the plain loop's.
W10_TARGET = 1.2


#: The emulator with Python's cyclic garbage collector off. Holding tens of thousands of users,
#: organizations and memberships, its collections pause it 0.1-0.3 s: the requests sent meanwhile
#: are then all logged at once, a burst the client never sent (Clerk has no such pauses). Its
#: state has no cycles; it peaks near 100 MB through W15 without the collector.
_WITHOUT_GC = (
    "import gc, sys; gc.disable(); from clerk_async.emulator.cli import main; "
    "sys.exit(main(sys.argv[1:]))"
)


class Emulator:
    """``python -m clerk_async.emulator`` in its own process (optionally pinned).
    ``collect_garbage=False``: without the cyclic garbage collector (see ``_WITHOUT_GC``)."""

    def __init__(self, cpu: int | None, *extra: str, collect_garbage: bool = True) -> None:
        start = ["-m", "clerk_async.emulator"] if collect_garbage else ["-c", _WITHOUT_GC]
        command = [sys.executable, *start, "--port", "0"]
        command += ["--secret-key", LIVE_KEY, *extra]
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True
        )
        if cpu is not None and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(self.process.pid, {cpu})
        assert self.process.stdout is not None
        for _ in range(10):
            found = _URL.search(self.process.stdout.readline())
            if found:
                self.url = found.group(1)
                return
        self.stop()
        raise RuntimeError("the emulator did not start")

    def control(self, method: str, name: str) -> dict[str, Any]:
        origin = self.url.removesuffix("/v1")
        request = urllib.request.Request(
            f"{origin}/__emulator/{name}",
            method=method,
            headers={"Authorization": "Bearer " + LIVE_KEY},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            result: dict[str, Any] = json.loads(response.read())
        return result

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _child(cpu: int | None, *args: str) -> dict[str, Any]:
    return run_measurement(
        "benchmarks.migration", "child", *args, cpu=cpu, timeout=1800, what=args[0]
    )


def measure(
    selected: list[str],
    quick: bool,
    cores: tuple[int | None, int | None],
    log: Callable[[str], None],
    reps: int = 5,
) -> list[str]:
    """Run the selected W9-W11 and W15 (W10 ``reps`` times); the markdown section of the
    report."""

    sizes = QUICK_SIZES if quick else FULL_SIZES
    names = ", ".join(name for name in MIGRATION_WORKLOADS if name in selected)
    lines = [f"## {names}: migration (`clerk_async.migrate`) against the emulator", ""]
    with tempfile.TemporaryDirectory(prefix="bench-migrate-") as scratch:
        work = Path(scratch)
        if "W9" in selected:
            lines += _run_w9(sizes, work, cores, log)
        if "W10" in selected:
            lines += _run_w10(sizes, work, cores, log, reps)
        if "W11" in selected:
            lines += _run_w11(sizes, work, cores, log)
        if "W15" in selected:
            lines += _run_w15(sizes, work, cores, log)
    return lines


Cores = tuple[int | None, int | None]


def _run_w9(sizes: Sizes, work: Path, cores: Cores, log: Callable[[str], None]) -> list[str]:
    from clerk_async.migrate.demo_data import generate_jsonl

    client_cpu, server_cpu = cores
    log(f"W9: migrate {sizes.w9_records:,} records at 1000/10s, {sizes.w9_latency:g} s latency")
    records = generate_jsonl(work / "w9.jsonl", sizes.w9_records)
    latency = str(sizes.w9_latency)
    emulator = Emulator(server_cpu, "--rate-limit", "1000/10s", "--latency", latency)
    try:
        journal = str(work / "w9.db")
        run = _child(client_cpu, "migrate", "--url", emulator.url, "--file", str(records),
                     "--journal", journal, "--rate-limit", "1000/10s")  # fmt: skip
        served = emulator.control("GET", "config")["responses"]
    finally:
        emulator.stop()
    return _w9(run, served)


def _run_w10(
    sizes: Sizes, work: Path, cores: Cores, log: Callable[[str], None], reps: int
) -> list[str]:
    from clerk_async.migrate.demo_data import generate_jsonl

    client_cpu, server_cpu = cores
    count = sizes.w10_records
    log(f"W10: client CPU per imported user, {count:,} users, limit off")
    records = generate_jsonl(work / "w10.jsonl", count)
    emulator = Emulator(server_cpu, "--rate-limit", "off")
    runs = []
    try:
        for rep in range(max(1, reps)):
            emulator.control("POST", "reset")
            loop = _child(client_cpu, "create-loop", "--url", emulator.url, "--count", str(count))
            emulator.control("POST", "reset")
            journal = str(work / f"w10-{rep}.db")
            arguments = ["--url", emulator.url, "--file", str(records), "--journal", journal]
            migrated = _child(client_cpu, "migrate", *arguments, "--rate-limit", "off")
            runs.append((loop, migrated))
            per_loop = loop["cpu_s"] / loop["ops"] * 1e6
            per_user = migrated["cpu_s"] / migrated["ops"] * 1e6
            log(f"  W10 rep {rep + 1}: loop {per_loop:.0f} us, migrate {per_user:.0f} us per user")
    finally:
        emulator.stop()
    return _w10(runs)


def _run_w11(sizes: Sizes, work: Path, cores: Cores, log: Callable[[str], None]) -> list[str]:
    from clerk_async.migrate.demo_data import generate_jsonl

    rows = []
    for count in sizes.memory_records:
        log(f"W11: dry run over {count:,} NDJSON records")
        records = generate_jsonl(work / f"w11-{count}.jsonl", count)
        rows.append(_child(cores[0], "dry-run", "--file", str(records)))
        records.unlink()
    return _w11(rows)


def _w9(run: dict[str, Any], served: dict[str, int]) -> list[str]:
    rate = run["created"] / run["wall_s"]
    share = rate / 100.0
    total = sum(served.values())
    limited = served.get("429", 0)
    verdict = "met" if share >= 0.95 and limited < 0.01 * total else "**missed**"
    return [
        "### W9: 10,000 users at a production instance's limit, 100 ms latency",
        "",
        "| records | created | elapsed | users/s | share of 100/s | requests | 429s | target |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| {run['ops']:,} | {run['created']:,} | {run['wall_s']:.1f} s | {rate:.1f} | "
        f"{share:.2f} | {total:,} | {limited:,} ({limited / max(total, 1):.2%}) | "
        f">= 0.95, 429s < 1 %: {verdict} |",
        "",
        "Requests are paced evenly, one every 10.2 ms (the limit with its 2 % margin), so the "
        "share tops out near 0.98 whatever the bucket holds at the start. Elapsed time covers "
        "`migrate()` only (the preflight of the CLI comes before it).",
        "",
    ]


def _w10(runs: list[tuple[dict[str, Any], dict[str, Any]]]) -> list[str]:
    import statistics

    loop = statistics.median(r[0]["cpu_s"] / r[0]["ops"] for r in runs)
    migrated = statistics.median(r[1]["cpu_s"] / r[1]["ops"] for r in runs)
    ratios = [(r[1]["cpu_s"] / r[1]["ops"]) / (r[0]["cpu_s"] / r[0]["ops"]) for r in runs]
    ratio = statistics.median(ratios)
    verdict = "met" if ratio <= W10_TARGET else "**missed**"
    return [
        "### W10: client CPU per imported user, emulator limit off",
        "",
        "| contender | CPU per user | vs the loop |",
        "| --- | ---: | ---: |",
        f"| `users.create` loop, 64 concurrent | {loop * 1e6:.0f} us | 1.00x |",
        f"| `migrate()` from a jsonl file | {migrated * 1e6:.0f} us | {ratio:.2f}x "
        f"(target <= {W10_TARGET}x: {verdict}) |",
        "",
        f"Median of {len(runs)} pairs (each pair's ratio: {min(ratios):.2f}x to "
        f"{max(ratios):.2f}x). `migrate()` includes reading and mapping each record, the "
        "journal's writes before and after each call, and the batched lookups.",
        "",
    ]


def _w11(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "### W11: peak memory of a dry run (`clerk-migrate import --dry-run`)",
        "",
        "| records | peak RSS | elapsed | records/s |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['records']:,} | {row['peak_rss_mb']:.1f} MB | {row['wall_s']:.1f} s | "
            f"{row['records'] / row['wall_s']:,.0f} |"
        )
    if len(rows) == 2:
        flat = rows[1]["peak_rss_mb"] <= rows[0]["peak_rss_mb"] * 1.10
        lines += ["", f"Target flat (within 10 %): {'met' if flat else '**missed**'}."]
    return [*lines, ""]


def _w15_input(work: Path, users: int, organizations: int, memberships: int) -> list[str]:
    """The generic files of W15 (users, organizations, memberships, roles), as child options."""
    from clerk_async.migrate.demo_data import generate_jsonl, generate_organizations

    people = generate_jsonl(work / f"w15-users-{users}.jsonl", users)
    user_ids = [f"legacy-{index:08d}" for index in range(users)]
    largest = max(100, -(-memberships // max(1, organizations)) * 2)
    teams = generate_organizations(
        work, user_ids, organizations, memberships, max_members=largest, remember=False
    )
    return ["--file", str(people), "--organizations", str(teams.organizations),
            "--memberships", str(teams.memberships), "--roles", str(teams.roles)]  # fmt: skip


def _run_w15(sizes: Sizes, work: Path, cores: Cores, log: Callable[[str], None]) -> list[str]:
    client_cpu, server_cpu = cores
    users, organizations, memberships = sizes.w15
    log(f"W15: {users:,} users, {organizations:,} organizations, {memberships:,} memberships at "
        "1000/10s, 0.1 s latency")  # fmt: skip
    files = _w15_input(work, users, organizations, memberships)
    emulator = Emulator(
        server_cpu,
        "--rate-limit",
        "1000/10s",
        "--latency",
        "0.1",
        collect_garbage=False,  # its arrivals show when the client sent
    )
    try:
        run = _child(client_cpu, "migrate", "--url", emulator.url, *files,
                     "--journal", str(work / "w15.db"), "--rate-limit", "1000/10s")  # fmt: skip
        arrivals = emulator.control("GET", "requests")["requests"]
    finally:
        emulator.stop()
    rows = []
    for count in sizes.w15_memory:
        log(f"W15: dry run over {count:,} memberships")
        scratch = work / f"w15-dry-{count}"
        scratch.mkdir()
        dry = _w15_input(scratch, users, organizations, count)
        rows.append(_child(cores[0], "dry-run", *dry))
        for path in scratch.iterdir():
            path.unlink()
    return _w15(run, arrivals, rows, sizes.w15)


def pacing(arrivals: list[list[Any]]) -> dict[str, Any]:
    """What the emulator's arrivals say of a run: requests, 429s, the rate over the whole
    run, requests per second of each second (from the first request), and when each kind's
    writes began and ended."""
    times = sorted(float(entry[0]) for entry in arrivals)
    start, end = times[0], times[-1]
    seconds = [0] * (int(end - start) + 1)
    for moment in times:
        seconds[int(moment - start)] += 1
    full = seconds[1:-1] or seconds  # whole seconds, the first and the last left out
    spans: dict[str, list[float]] = {}
    for moment, method, path, _ in arrivals:
        kind = _kind_of(str(method), str(path))
        if kind is not None:
            span = spans.setdefault(kind, [float(moment), float(moment)])
            span[0], span[1] = min(span[0], float(moment)), max(span[1], float(moment))
    return {
        "requests": len(times),
        "rate_limited": sum(1 for entry in arrivals if entry[3] == 429),
        "span_s": end - start,
        "rate": len(times) / (end - start) if end > start else 0.0,
        "busiest": max(seconds),
        "busiest_at": seconds.index(max(seconds)),
        "quietest": min(full),
        "quietest_at": full.index(min(full)) + (1 if len(seconds) > 2 else 0),
        "spans": {kind: [first - start, last - start] for kind, (first, last) in spans.items()},
    }


def _kind_of(method: str, path: str) -> str | None:
    if method != "POST":
        return None
    if path == "/v1/users":
        return "users"
    if path == "/v1/organizations":
        return "organizations"
    if path.startswith("/v1/organizations/") and path.endswith("/memberships"):
        return "memberships"
    return None


def _w15(
    run: dict[str, Any],
    arrivals: list[list[Any]],
    dry: list[dict[str, Any]],
    sizes: tuple[int, int, int],
) -> list[str]:
    paced = pacing(arrivals)
    share = paced["rate"] / RATE
    records = sum(sizes)
    least = records / RATE
    limited = paced["rate_limited"]
    busiest_ok = paced["busiest"] <= 1.2 * RATE
    verdict = (
        "met" if share >= 0.95 and limited < 0.01 * paced["requests"] and busiest_ok
        else "**missed**"
    )  # fmt: skip
    spans = paced["spans"]
    phases = ", ".join(
        f"{kind} {first:.1f}-{last:.1f} s"
        for kind, (first, last) in sorted(spans.items(), key=lambda item: item[1][0])
    )
    users, organizations, memberships = sizes
    lines = [
        f"### W15: {users:,} users, {organizations:,} organizations and {memberships:,} "
        "memberships at a production instance's limit, 100 ms latency",
        "",
        "| records | created | requests | elapsed | requests/s | share of 100/s | least the "
        "limit allows | 429s | busiest second | target |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| {records:,} | {run['created']:,} | {paced['requests']:,} | {run['wall_s']:.1f} s | "
        f"{paced['rate']:.1f} | {share:.2f} | {least:.1f} s ({run['wall_s'] / least:.3f}x) | "
        f"{limited:,} ({limited / max(paced['requests'], 1):.2%}) | {paced['busiest']} at "
        f"{paced['busiest_at']} s (quietest {paced['quietest']} at {paced['quietest_at']} s) | "
        f">= 0.95, 429s < 1 %, <= 120 a second: {verdict} |",
        "",
        f"POSTs by kind, from the first request: {phases}. The rate is over the emulator's "
        "arrivals, first request to last (every request: writes, the lookups before them and "
        "the roles' setup); the least the limit allows is one request per record at 100/s. The "
        "emulator runs without Python's cyclic garbage collector, whose pauses (0.1-0.3 s with "
        "this many objects) would log requests sent during them all at once.",
        "",
        "| memberships (dry run) | records | peak RSS | elapsed | records/s |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in dry:
        lines.append(
            f"| {row['memberships']:,} | {row['records']:,} | {row['peak_rss_mb']:.1f} MB | "
            f"{row['wall_s']:.1f} s | {row['records'] / row['wall_s']:,.0f} |"
        )
    if len(dry) == 2:
        flat = dry[1]["peak_rss_mb"] <= dry[0]["peak_rss_mb"] * 1.10
        lines += ["", f"Target flat (within 10 %): {'met' if flat else '**missed**'}."]
    return [*lines, ""]


def _MEMORY_LABELS(rows: list[dict[str, Any]]) -> list[int]:
    return [int(row["memberships"]) for row in rows]


# -- contenders (one per fresh process) ----------------------------------------------------------


#: Calls made before measuring, so that every connection of the pool is open (as in W5).
WARMUP_CALLS = 256


async def _warm_up(clerk: Any) -> None:
    calls = iter(range(WARMUP_CALLS))

    async def worker() -> None:
        for _ in calls:
            await clerk.users.list(limit=1)

    await asyncio.gather(*(worker() for _ in range(64)))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _migrate(args: argparse.Namespace) -> dict[str, Any]:
    import anyio

    from clerk_async import Clerk
    from clerk_async.migrate.runner import migrate

    records = _input(args)
    async with Clerk(bearer_auth=LIVE_KEY, server_url=args.url) as clerk:
        if args.rate_limit == "off":  # W10; W9 keeps the whole allowance for the migration
            await _warm_up(clerk)
        # anyio imports its asyncio backend at its first call (~8 ms of CPU, once a process): an
        # import, kept out of the timed part like the migration's own imports above
        await anyio.sleep(0)
        cpu, wall = _cpu(), time.perf_counter()
        summary = await migrate(
            clerk,
            records,
            journal=args.journal,
            rate_limit=None if args.rate_limit == "off" else args.rate_limit,
            roles=records.role_definitions(),
        )
        cpu, wall = _cpu() - cpu, time.perf_counter() - wall
    created = summary.counts["created"]
    return {"ops": summary.total, "created": created, "cpu_s": cpu, "wall_s": wall,
            "requests": summary.requests, "rate_limited": summary.rate_limited,
            "by_kind": summary.by_kind}  # fmt: skip


async def _create_loop(args: argparse.Namespace) -> dict[str, Any]:
    from clerk_async import Clerk

    indexes = iter(range(args.count))

    async with Clerk(bearer_auth=LIVE_KEY, server_url=args.url) as clerk:

        async def worker() -> None:
            for index in indexes:
                await clerk.users.create(
                    external_id=f"loop-{index}",
                    email_address=[f"loop.{index}@example.com"],
                    first_name="Ada",
                    last_name="Lovelace",
                    public_metadata={"plan": "pro"},
                )

        await _warm_up(clerk)
        cpu, wall = _cpu(), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(64)))
        cpu, wall = _cpu() - cpu, time.perf_counter() - wall
    return {"ops": args.count, "cpu_s": cpu, "wall_s": wall}


def _dry_run(args: argparse.Namespace) -> dict[str, Any]:
    from clerk_async.migrate.journal import Journal
    from clerk_async.migrate.plan import preflight

    wall = time.perf_counter()
    with (
        tempfile.TemporaryDirectory() as scratch,
        Journal(Path(scratch) / "plan.db", scratch=True) as journal,
    ):
        found = preflight(journal, _input(args))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    memberships = found.by_kind.get("membership", {})
    return {"records": found.total, "peak_rss_mb": peak, "wall_s": time.perf_counter() - wall,
            "memberships": sum(memberships.values())}  # fmt: skip


def _input(args: argparse.Namespace) -> Any:
    from clerk_async.migrate.inputs import MigrationInput

    return MigrationInput.of(
        "jsonl",
        [args.file],
        organizations=[args.organizations] if args.organizations else [],
        memberships=[args.memberships] if args.memberships else [],
        roles=[args.roles] if args.roles else [],
    )


def _child_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.migration child")
    parser.add_argument("contender", choices=["migrate", "create-loop", "dry-run"])
    parser.add_argument("--url", default="")
    parser.add_argument("--file", default="")
    parser.add_argument("--organizations", default="")
    parser.add_argument("--memberships", default="")
    parser.add_argument("--roles", default="")
    parser.add_argument("--journal", default="")
    parser.add_argument("--rate-limit", default="off")
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--cpu", type=int, default=None)
    args = parser.parse_args(argv)
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    if args.contender == "migrate":
        result = asyncio.run(_migrate(args))
    elif args.contender == "create-loop":
        result = asyncio.run(_create_loop(args))
    else:
        result = _dry_run(args)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":  # one contender, for measure(); the workloads: scripts/bench --only W9
    if sys.argv[1:2] != ["child"]:
        sys.exit("usage: python -m benchmarks.migration child ...; run W9-W11 with scripts/bench")
    _child_main(sys.argv[2:])
