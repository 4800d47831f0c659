"""Worker processes (``tests.ratelimit.worker``) behind one Redis, calling one emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from clerk_async.emulator import ClerkEmulator

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    def __init__(
        self,
        flavour: str,
        emulator: ClerkEmulator,
        redis_url: str,
        limit: str,
        *options: str,
    ) -> None:
        self.flavour = flavour
        self.runs_until_stopped = "--calls" not in options
        command = [
            sys.executable, "-m", "tests.ratelimit.worker", flavour,
            "--redis", redis_url, "--clerk", emulator.url, "--key", emulator.secret_key,
            "--limit", limit, *options,
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.PIPE if self.runs_until_stopped else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            text=True,
        )

    def status(self) -> dict[str, Any]:
        """What the worker has seen so far (it goes on)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("status\n")
        self.process.stdin.flush()
        record: dict[str, Any] = json.loads(self.process.stdout.readline())
        return record

    def finish(self) -> dict[str, Any]:
        """Stop the worker (or wait for its calls): its record. It must end without a traceback."""
        stdout, stderr = self.process.communicate(timeout=120)  # stdin closed: the worker stops
        assert self.process.returncode == 0 and "Traceback" not in stderr, stderr
        record: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
        return record

    def kill(self) -> None:
        """End a worker a failed test left running."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def fleet(
    emulator: ClerkEmulator, redis_url: str, limit: str, *options: str, size: int = 4
) -> list[Worker]:
    """``size`` workers, half of them ``clerk_async`` and half ``clerk_sync``."""
    flavours = ["async", "sync"] * size
    return [Worker(flavours[n], emulator, redis_url, limit, *options) for n in range(size)]


def until(check: Callable[[], bool], timeout: float = 60.0) -> None:
    """Poll ``check`` until it holds (a deadline only against a hang, not a timing bound)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "the fleet never got there"
        time.sleep(0.05)
