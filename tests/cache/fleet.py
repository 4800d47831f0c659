"""A fleet of worker processes (``tests.cache.worker``) behind one Redis, against the emulator with
its webhooks going to the first worker, as a load balancer would send them to any one."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from clerk_async.emulator import ClerkEmulator

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Worker:
    def __init__(self, flavour: str, emulator: ClerkEmulator, redis_url: str, port: int = 0):
        self.flavour = flavour
        command = [
            sys.executable, "-m", "tests.cache.worker", flavour,
            "--redis", redis_url,
            "--clerk", emulator.url,
            "--key", emulator.secret_key,
            "--secret", emulator.webhook_secret or "",
            "--port", str(port),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().split()
        if len(line) != 2 or line[0] != "PORT":
            self.stop()
            raise RuntimeError(f"the {flavour} worker did not start: {self.errors()}")
        self.origin = f"http://127.0.0.1:{line[1]}"

    def get(self, path: str) -> tuple[int, Any]:
        try:
            with urllib.request.urlopen(self.origin + path, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        request = urllib.request.Request(
            self.origin + path, data=body, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status: int = response.status
                return status
        except urllib.error.HTTPError as error:
            return error.code

    def user(self, user_id: str) -> tuple[int, Any]:
        return self.get(f"/users/{user_id}")

    def metrics(self) -> dict[str, int]:
        status, body = self.get("/metrics")
        assert status == 200
        metrics: dict[str, int] = body
        return metrics

    def errors(self) -> str:
        if self.process.stderr is None:
            return ""
        text = self.process.stderr.read()
        self.process.stderr.close()
        return text

    def stop(self) -> str:
        """Stop the worker; what it wrote to stderr (empty when all went well)."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.errors()


def until(check: Any, attempts: int = 300, every: float = 0.02) -> bool:
    """Poll ``check()`` until it is true (an invalidation travels through pub/sub)."""
    for _ in range(attempts):
        if check():
            return True
        time.sleep(every)
    return bool(check())


class Fleet:
    """An emulator and the workers; ``workers[0]`` receives the webhooks."""

    def __init__(self, redis_url: str, flavours: tuple[str, ...] = ("async", "sync", "async")):
        port = free_port()
        self.emulator = ClerkEmulator(
            rate_limit=None, webhook_url=f"http://127.0.0.1:{port}/webhooks"
        ).start_in_thread()
        self.workers: list[Worker] = []
        try:
            for index, flavour in enumerate(flavours):
                worker_port = port if index == 0 else 0
                self.workers.append(Worker(flavour, self.emulator, redis_url, worker_port))
        except BaseException:
            self.stop()
            raise

    def sent(self) -> int:
        return sum(self.emulator.emulator.responses.values())

    def stop(self) -> list[str]:
        errors = [worker.stop() for worker in self.workers]
        self.emulator.stop_thread()
        return errors
