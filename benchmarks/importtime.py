"""W6: time from a fresh interpreter to a ready client, and to its first response.

Each figure is a ``python -c`` snippet timed from inside (``perf_counter`` around the snippet, so
interpreter start-up is left out); the whole process, spawn to exit, is reported beside it.
"Ready" imports the package, builds a client and touches ``clerk.users``; "first response" also
sends one ``users.get`` to the canned server, so a client that defers work to its first call
cannot look faster than it is. Snippets alternate over the repetitions; medians are reported.

The children run with bytecode caches written (``PYTHONDONTWRITEBYTECODE`` dropped), as an
installed wheel has them; a warm-up round writes any that are missing.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["OFFICIAL", "SNIPPETS", "ImportRow", "Snippet", "measure"]

ROOT = Path(__file__).resolve().parent.parent
KEY = "sk_test_benchmark_0123456789abcdef"
USER = "user_2Zk9qTbVn3LcXw8RfYh1JmP4sDe"


@dataclass(frozen=True)
class Snippet:
    name: str
    #: Code that ends with a client ready to send (``None``: not measured).
    ready: str | None
    #: Code that ends with one ``users.get`` answered; ``{url}`` is the server URL.
    first: str | None = None
    #: The snippet whose first response this one's is compared with.
    rival: str | None = None
    #: Only the whole process is of interest (the interpreter's own start-up).
    baseline: bool = False


_ASYNC_FIRST = f"""\
import asyncio, clerk_async
async def main():
    async with clerk_async.Clerk(bearer_auth={KEY!r}, server_url="{{url}}") as c:
        await c.users.get({USER!r})
asyncio.run(main())"""
_SYNC_FIRST = f"""\
import clerk_sync
with clerk_sync.Clerk(bearer_auth={KEY!r}, server_url="{{url}}") as c:
    c.users.get({USER!r})"""
_OFFICIAL_FIRST = f"""\
from clerk_backend_api import Clerk
with Clerk(bearer_auth={KEY!r}, server_url="{{url}}") as c:
    c.users.get(user_id={USER!r})"""
_OFFICIAL_ASYNC_FIRST = f"""\
import asyncio
from clerk_backend_api import Clerk
async def main():
    async with Clerk(bearer_auth={KEY!r}, server_url="{{url}}") as c:
        await c.users.get_async(user_id={USER!r})
asyncio.run(main())"""

#: The figure W6's target compares ours against.
OFFICIAL = "official SDK"
SNIPPETS = (
    Snippet(
        "ours: clerk_async",
        f"import clerk_async\nc = clerk_async.Clerk(bearer_auth={KEY!r})\nc.users",
        _ASYNC_FIRST,
        "official SDK (async call)",
    ),
    Snippet(
        "ours: clerk_sync",
        f"import clerk_sync\nc = clerk_sync.Clerk(bearer_auth={KEY!r})\nc.users",
        _SYNC_FIRST,
        OFFICIAL,
    ),
    Snippet(
        OFFICIAL,
        f"from clerk_backend_api import Clerk\nc = Clerk(bearer_auth={KEY!r})\nc.users",
        _OFFICIAL_FIRST,
    ),
    Snippet("official SDK (async call)", None, _OFFICIAL_ASYNC_FIRST),
    Snippet("aiohttp alone (import)", "import aiohttp"),
    Snippet("urllib3 alone (import)", "import urllib3"),
    Snippet("interpreter start-up (`pass`)", "pass", baseline=True),
)

_TIMED = "import time as _t\n_s = _t.perf_counter()\n{code}\nprint(_t.perf_counter() - _s)\n"


@dataclass(frozen=True)
class ImportRow:
    contender: str
    ready_s: float | None
    ready_spread: float | None
    process_s: float | None
    first_s: float | None
    rival: str | None


def _run(code: str, env: dict[str, str]) -> tuple[float, float]:
    """(the snippet's own time, the whole process's) in seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _TIMED.format(code=code)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    process = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"W6 snippet failed:\n{code}\n{done.stderr}")
    return float(done.stdout.strip().splitlines()[-1]), process


@contextlib.contextmanager
def _pinned(cpu: int | None) -> Iterator[None]:
    """Run children on ``cpu``: they inherit this process's affinity."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def measure(reps: int, cpu: int | None, url: str, log: Callable[[str], None]) -> list[ImportRow]:
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    jobs = [(s.name, "ready", s.ready) for s in SNIPPETS if s.ready is not None]
    jobs += [(s.name, "first", s.first.format(url=url)) for s in SNIPPETS if s.first is not None]
    times: dict[tuple[str, str], list[float]] = {(name, kind): [] for name, kind, _ in jobs}
    process: dict[str, list[float]] = {s.name: [] for s in SNIPPETS}
    with _pinned(cpu):
        for _, _, code in jobs:
            _run(code, env)  # write any missing bytecode caches
        for rep in range(reps):
            shift = rep % len(jobs)
            for name, kind, code in jobs[shift:] + jobs[:shift]:
                inside, whole = _run(code, env)
                times[name, kind].append(inside)
                if kind == "ready":
                    process[name].append(whole)
    rows = []
    for snippet in SNIPPETS:
        ready = [] if snippet.baseline else times.get((snippet.name, "ready"), [])
        ready_s = _median(ready)
        spread = (max(ready) - min(ready)) / 2 / ready_s if ready and ready_s else None
        rows.append(
            ImportRow(
                contender=snippet.name,
                ready_s=ready_s,
                ready_spread=spread,
                process_s=_median(process[snippet.name]),
                first_s=_median(times.get((snippet.name, "first"), [])),
                rival=snippet.rival,
            )
        )
        log(f"  W6 {snippet.name:<28} ready {_ms(ready_s)}  first response {_ms(rows[-1].first_s)}")
    return rows


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:6.1f} ms"
