"""How many ``GET /v1/users/{id}`` per second the emulator answers on one core.

Run: ``.venv/bin/python -m tests.emulator.measure_throughput [--seconds 10] [--connections 32]``.

The emulator runs in its own process pinned to CPU 0 (``python -m clerk_async.emulator``, rate
limit off); this process is the load generator, pinned to CPU 1, with an aiohttp client keeping
``--connections`` keep-alive connections busy. It prints one JSON line: the requests per second
answered, and (Linux) the emulator's CPU time, since on two cores the Python load generator
rather than the emulator is usually the limit. Not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk_test_throughput"


def _pin(cpu: int) -> None:
    if hasattr(os, "sched_setaffinity") and cpu < (os.cpu_count() or 1):
        os.sched_setaffinity(0, {cpu})


def start_server(cpu: int) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "clerk_async.emulator", "--rate-limit", "off"]
    command += ["--secret-key", KEY]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        preexec_fn=lambda: _pin(cpu),  # noqa: PLW1509
    )
    assert process.stdout is not None
    match = re.search(r"(http://\S+/v1)", process.stdout.readline())
    if match is None:
        process.kill()
        raise RuntimeError("the emulator did not print its URL")
    return process, match.group(1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(url: str, seconds: float, connections: int, pid: int) -> dict[str, float]:
    headers = {"Authorization": "Bearer " + KEY}
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        async with session.post(url + "/users", json={"email_address": ["load@example.com"]}) as r:
            user_id = (await r.json())["id"]
        target = f"{url}/users/{user_id}"
        done = 0
        failed = 0
        stop_at = 0.0

        async def worker() -> None:
            nonlocal done, failed
            while time.perf_counter() < stop_at:
                async with session.get(target) as response:
                    await response.read()
                    if response.status == 200:
                        done += 1
                    else:
                        failed += 1

        stop_at = time.perf_counter() + 1.0  # warm up
        await asyncio.gather(*(worker() for _ in range(connections)))
        done = failed = 0
        cpu_before = cpu_seconds(pid)
        started = time.perf_counter()
        stop_at = started + seconds
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
        server_cpu = cpu_seconds(pid) - cpu_before
    return {
        "requests": done,
        "failed": failed,
        "seconds": round(elapsed, 2),
        "requests_per_second": round(done / elapsed),
        # The emulator's busy share of its core, and what a fully busy core would answer.
        "server_cpu_share": round(server_cpu / elapsed, 2),
        "server_requests_per_cpu_second": round(done / server_cpu) if server_cpu else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    process, url = start_server(cpu=0)
    try:
        _pin(1)
        result = asyncio.run(load(url, args.seconds, args.connections, process.pid))
    finally:
        process.terminate()
        process.wait(10)
    result.update(connections=args.connections, cpus=os.cpu_count() or 0)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
