"""The benchmark harness still runs against the current client (no timing is asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import msgspec
import pytest

from benchmarks.fixtures import page_bytes
from clerk_async.models import User

ROOT = Path(__file__).resolve().parent.parent


def test_the_canned_users_decode_into_the_generated_model() -> None:
    users = msgspec.json.decode(page_bytes(3), type=list[User])
    assert len(users) == 3
    assert len({user.id for user in users}) == 3
    assert all(user.email_addresses for user in users)


@pytest.mark.slow  # a benchmark run: fresh processes, a server
def test_a_quick_run_writes_a_report(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--quick",
            "--only",
            "W1,W3",
            "--output",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = report.read_text()
    assert "## W1" in text and "## W3" in text
    assert "| **ours** |" in text


def test_the_cache_replay_and_cold_start_of_w13_run(redis_url: str) -> None:
    from benchmarks.cache import SECRET
    from benchmarks.migration import LIVE_KEY
    from clerk_async.emulator import ClerkEmulator
    from tests.cache.fleet import free_port

    port = free_port()
    emulator = ClerkEmulator(
        secret_key=LIVE_KEY,
        rate_limit=None,
        webhook_url=f"http://127.0.0.1:{port}/webhooks",
        webhook_secret=SECRET,
    ).start_in_thread()
    try:
        results = {}
        for part, count in (("replay", "300"), ("cold", "120")):
            arguments = ["--count", count, "--users", "30", "--port", str(port)]
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.cache", "child", part, *arguments,
                 "--clerk", emulator.url, "--redis", redis_url],
                capture_output=True, text=True, timeout=300, cwd=ROOT, check=False,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr
            results[part] = msgspec.json.decode(done.stdout.splitlines()[-1])
    finally:
        emulator.stop_thread()
    replay, cold = results["replay"]["extra"], results["cold"]["extra"]
    assert replay["stale_reads"] == 0 and replay["checked_reads"] == 300
    assert replay["clerk_requests"] <= replay["users"] + replay["updates"]
    assert cold["clerk_requests"] <= 2  # 120 users: two batches of at most 100


def test_a_w14_worker_runs_and_counts_its_calls(redis_url: str) -> None:
    import time

    from benchmarks.migration import LIVE_KEY
    from clerk_async.emulator import ClerkEmulator

    with ClerkEmulator(secret_key=LIVE_KEY, rate_limit="1000/10s") as emulator:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.fleet_limit", "child", "shared",
             "--clerk", emulator.url, "--key", LIVE_KEY, "--redis", redis_url,
             "--start-at", repr(time.time() + 0.5), "--warmup", "0", "--seconds", "1"],
            capture_output=True, text=True, timeout=300, cwd=ROOT, check=False,
        )  # fmt: skip
        responses = emulator.emulator.responses
    assert done.returncode == 0, done.stderr
    result = msgspec.json.decode(done.stdout.splitlines()[-1])
    assert result["failed"] == 0 and result["succeeded"] == len(result["latencies"]) > 0
    assert set(responses) == {200}  # paced under the limit: no 429
