"""A realistic bulk job through the client, against the local emulator (``scripts/demo``).

It starts an emulator limited like a production instance (1,000 requests per 10 s), creates 2,000
generated users with bounded concurrency (anyio task group and capacity limiter; the client waits
out the 429s by itself), pages through them, updates metadata, shows a duplicate email being
rejected and handled, and prints a summary. About half a minute.

``--against-clerk`` runs the same job against the real instance of ``CLERK_SECRET_KEY`` instead
(and deletes what it created, unless ``--keep``); without that flag it never leaves the machine.
Needs ``anyio`` (in the ``emulator`` extra).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from clerk_async import (
    BackoffStrategy,
    Clerk,
    ClerkError,
    Page,
    RetryConfig,
    UnprocessableEntityError,
)
from clerk_async._operation import operation, operation_of
from clerk_async.emulator.ratelimit import PRODUCTION
from clerk_async.emulator.runner import ClerkEmulator
from clerk_async.models import User

__all__ = ["main"]

FIRST = [
    "Ada",
    "Alan",
    "Barbara",
    "Claude",
    "Dennis",
    "Edsger",
    "Frances",
    "Grace",
    "Hedy",
    "Ivan",
    "John",
    "Katherine",
    "Linus",
    "Margaret",
    "Niklaus",
    "Radia",
    "Tim",
    "Yukihiro",
]
LAST = [
    "Lovelace",
    "Turing",
    "Liskov",
    "Shannon",
    "Ritchie",
    "Dijkstra",
    "Allen",
    "Hopper",
    "Lamarr",
    "Sutherland",
    "Backus",
    "Johnson",
    "Torvalds",
    "Hamilton",
    "Wirth",
    "Perlman",
]
PLANS = ["free", "free", "free", "pro", "pro", "team"]  # fmt: skip
#: Patient with 429s: Retry-After is honoured, and a burst may meet several in a row.
RETRIES = RetryConfig("backoff", BackoffStrategy(250, 4_000, 2.0, 120_000), True, max_retries=10)


@dataclass
class Tally:
    started: float = field(default_factory=time.monotonic)
    calls: int = 0
    created: list[str] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)

    def elapsed(self) -> float:
        return time.monotonic() - self.started


class Progress:
    """One line that updates in place on a terminal, a line per step otherwise."""

    def __init__(self, label: str, total: int) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.tty = sys.stdout.isatty()
        self.step = max(1, total // 8)

    def advance(self) -> None:
        self.done += 1
        if self.tty or self.done % self.step == 0 or self.done == self.total:
            rate = self.done / max(time.monotonic() - self.started, 1e-6)
            line = f"  {self.label} {self.done:>5,}/{self.total:,}  ({rate:,.0f}/s)"
            if self.tty:
                print("\r" + line, end="\n" if self.done == self.total else "", flush=True)
            else:
                print(line, flush=True)


def generate_users(count: int, tag: str, seed: int = 2026) -> list[dict[str, Any]]:
    """Deterministic sign-up data: names, a unique email and external id, some metadata."""
    rng = random.Random(seed)
    users = []
    for index in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        users.append(
            {
                "first_name": first,
                "last_name": last,
                "email_address": [f"{first}.{last}.{index}+clerk_test_{tag}@example.com".lower()],
                "external_id": f"{tag}-{index:05d}",
                "public_metadata": {"plan": rng.choice(PLANS), "source": "demo"},
                "skip_password_requirement": True,
            }
        )
    return users


async def run_job(clerk: Clerk, args: argparse.Namespace, tag: str) -> Tally:
    import anyio

    tally = Tally()
    limiter = anyio.CapacityLimiter(args.concurrency)

    async def call(action: Callable[[], Any]) -> Any:
        async with limiter:
            tally.calls += 1
            return await action()

    print(f"[1/4] creating {args.users:,} users, {args.concurrency} at a time")
    progress = Progress("created", args.users)

    async def create(fields: dict[str, Any]) -> None:
        try:
            user = await call(lambda: clerk.users.create(**fields))
            tally.created.append(user.id)
        except ClerkError as error:
            tally.failures[getattr(error, "code", None) or type(error).__name__] += 1
        progress.advance()

    async with anyio.create_task_group() as group:
        for fields in generate_users(args.users, tag):
            group.start_soon(create, fields)
    print(f"  {len(tally.created):,} created, {sum(tally.failures.values())} failed")

    print("[2/4] paging through them, 500 per page, and upgrading every 'free' plan")
    listed = 0
    to_upgrade: list[str] = []

    async def list_users(**params: Any) -> Page[User]:
        tally.calls += 1
        return await clerk.users.list(**params)

    op = operation_of(clerk.users.list)
    if op is not None:  # keep the cursor paging that users.list allows
        list_users = operation(op)(list_users)
    async for user in clerk.paginate(list_users, page_size=500, query=tag):
        listed += 1
        if user.public_metadata.get("plan") == "free":
            to_upgrade.append(user.id)
    print(f"  listed {listed:,} users; {len(to_upgrade):,} on the free plan")
    progress = Progress("updated", len(to_upgrade))

    async def upgrade(user_id: str) -> None:
        await call(
            lambda: clerk.users.update_metadata(
                user_id, public_metadata={"plan": "pro", "trial": {"days": 14}}
            )
        )
        progress.advance()

    async with anyio.create_task_group() as group:
        for user_id in to_upgrade:
            group.start_soon(upgrade, user_id)

    print("[3/4] creating a user whose email is taken")
    taken = generate_users(1, tag)[0]["email_address"]
    try:
        await call(lambda: clerk.users.create(email_address=taken))
        print("  unexpectedly accepted")
    except UnprocessableEntityError as error:
        detail = error.errors[0]
        param = (detail.meta or {}).get("param_name")
        print(f"  handled {type(error).__name__}: {error.code} (param {param}): {detail.message}")
    return tally


async def demo(args: argparse.Namespace) -> int:
    tag = f"demo{random.randrange(16**6):06x}" if args.against_clerk else "demo"
    if args.against_clerk:
        key = os.environ.get("CLERK_SECRET_KEY")
        if not key:
            print("--against-clerk needs CLERK_SECRET_KEY", file=sys.stderr)
            return 2
        print(f"Running against the real Clerk instance of CLERK_SECRET_KEY (tag {tag}).")
        async with Clerk(bearer_auth=key, retry_config=RETRIES) as clerk:
            tally = await run_job(clerk, args, tag)
            if not args.keep:
                await _clean_up(clerk, tally)
        _summary(tally, None)
        return 0
    async with ClerkEmulator(rate_limit=PRODUCTION) as emulator:
        print(
            f"Clerk emulator at {emulator.url}, limited like a production instance ({PRODUCTION})"
        )
        async with Clerk(
            bearer_auth=emulator.secret_key, server_url=emulator.url, retry_config=RETRIES
        ) as clerk:
            tally = await run_job(clerk, args, tag)
        _summary(tally, emulator)
    return 0


async def _clean_up(clerk: Clerk, tally: Tally) -> None:
    import anyio

    print(f"  deleting the {len(tally.created):,} users this run created (--keep to keep them)")
    limiter = anyio.CapacityLimiter(8)

    async def delete(user_id: str) -> None:
        async with limiter:
            await clerk.users.delete(user_id)

    async with anyio.create_task_group() as group:
        for user_id in tally.created:
            group.start_soon(delete, user_id)


def _summary(tally: Tally, emulator: ClerkEmulator | None) -> None:
    elapsed = tally.elapsed()
    print("[4/4] summary")
    failed = ", ".join(f"{code} x{n}" for code, n in tally.failures.items()) or "none"
    print(f"  created   {len(tally.created):,} users (failed: {failed})")
    print(
        f"  elapsed   {elapsed:.1f} s, {tally.calls:,} calls, {tally.calls / elapsed:,.0f} calls/s"
    )
    if emulator is not None:
        responses = emulator.emulator.responses
        total = sum(responses.values())
        limited = responses.get(429, 0)
        print(
            f"  server    {total:,} HTTP responses, {limited:,} of them 429 Too Many Requests "
            f"(waited out by the client's retries), {total / elapsed:,.0f} requests/s"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/demo", description="Bulk-create users through the client."
    )
    parser.add_argument("--users", type=int, default=2000, help="how many users (2000)")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight (32)")
    parser.add_argument(
        "--against-clerk",
        action="store_true",
        help="use the real instance of CLERK_SECRET_KEY instead of the local emulator",
    )
    parser.add_argument("--keep", action="store_true", help="with --against-clerk: keep the users")
    args = parser.parse_args(argv)
    try:
        import anyio
    except ImportError:
        print("the demo needs anyio: pip install anyio", file=sys.stderr)
        return 2
    result: int = anyio.run(demo, args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
