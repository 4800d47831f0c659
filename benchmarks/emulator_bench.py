"""EMU: how many ``GET /v1/users/{user_id}`` the emulator serves on one core.

The emulator (``python -m clerk_async.emulator``, rate limit off) runs pinned to the server core;
a raw aiohttp load generator with 64 concurrent tasks runs pinned to the other. Reported: the
emulator's CPU per request (from ``/proc/<pid>/stat``), hence the requests it can serve per
second of one core, and the wall-clock rate the load generator saw.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.workloads import SECRET_KEY, run_concurrently

__all__ = ["measure"]

ROOT = Path(__file__).resolve().parent.parent
_URL = re.compile(r"https?://[^\s'\"]+")


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process, from ``/proc`` (Linux); ``None`` elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start(server_cpu: int | None) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "clerk_async.emulator", "--port", "0"]
    command += ["--secret-key", SECRET_KEY, "--rate-limit", "off"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if server_cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(process.pid, {server_cpu})
    assert process.stdout is not None
    deadline = time.monotonic() + 20
    seen: list[str] = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        found = _URL.search(line)
        if found:
            base = found.group(0).rstrip("/.,")
            base = base.removesuffix("/v1")
            return process, base + "/v1"
    process.kill()
    process.wait()
    raise RuntimeError("the emulator printed no URL: " + "".join(seen)[-500:])


async def _load(url: str, requests: int, pid: int) -> dict[str, Any]:
    headers = {"Authorization": "Bearer " + SECRET_KEY, "Content-Type": "application/json"}
    async with aiohttp.ClientSession(headers=headers) as session:
        body = b'{"email_address":["emu.bench@example.com"],"skip_password_requirement":true}'
        async with session.post(url + "/users", data=body) as response:
            created = await response.json()
            if response.status != 200:
                raise RuntimeError(f"the emulator refused to create a user: {created}")
        user_url = url + "/users/" + created["id"]

        async def call(_: int) -> None:
            async with session.get(user_url) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"GET answered {response.status}")

        await run_concurrently(256, 64, call)
        cpu_before = _cpu_seconds(pid)
        started = time.perf_counter()
        await run_concurrently(requests, 64, call)
        wall = time.perf_counter() - started
        cpu_after = _cpu_seconds(pid)
    cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return {
        "requests": requests,
        "wall_rate": requests / wall,
        "cpu_per_request": (cpu / requests) if cpu else wall / requests,
    }


def measure(requests: int, client_cpu: int | None, server_cpu: int | None) -> dict[str, Any]:
    process, url = _start(server_cpu)
    try:
        before = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
        if client_cpu is not None and before is not None:
            os.sched_setaffinity(0, {client_cpu})
        try:
            return asyncio.run(_load(url, requests, process.pid))
        finally:
            if before is not None:
                os.sched_setaffinity(0, before)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
