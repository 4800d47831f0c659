"""``kill -9`` of a real ``clerk-migrate`` process part way, then the same command again."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from clerk_async.emulator import ClerkEmulator, Faults

RECORDS = 400


def command(tmp_path: Path, users: Path) -> list[str]:
    return [sys.executable, "-m", "clerk_async.migrate", "import", "--from", "jsonl", "--yes",
            "--journal", str(tmp_path / "m.db"), "--rate-limit", "300/1s", str(users)]  # fmt: skip


def created_so_far(journal: Path) -> int:
    if not journal.exists():
        return 0
    try:
        with sqlite3.connect(journal) as db:
            return int(
                db.execute("SELECT COUNT(*) FROM records WHERE status = 'created'").fetchone()[0]
            )
    except sqlite3.OperationalError:  # the tables are not there yet
        return 0


def test_a_killed_run_resumes_with_nothing_twice_and_nothing_lost(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    users = tmp_path / "users.jsonl"
    users.write_text(
        "".join(
            json.dumps({"external_id": f"k{i}", "email_address": [f"k{i}@example.com"]}) + "\n"
            for i in range(RECORDS)
        )
    )
    clerk_emulator.faults = Faults(
        drop_after=0.05, error_rate=0.05, latency=0.01, methods=frozenset({"POST"}), seed=5
    )
    env = {
        **os.environ,
        "CLERK_SECRET_KEY": clerk_emulator.secret_key,
        "CLERK_API_URL": clerk_emulator.url,
    }
    first = subprocess.Popen(
        command(tmp_path, users), env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while created_so_far(tmp_path / "m.db") < 60 and time.monotonic() < deadline:
        assert first.poll() is None, first.communicate()
        time.sleep(0.02)
    os.kill(first.pid, signal.SIGKILL)
    first.communicate()
    assert first.returncode == -signal.SIGKILL
    with sqlite3.connect(tmp_path / "m.db") as db:
        left = dict(db.execute("SELECT status, COUNT(*) FROM records GROUP BY status").fetchall())
    assert left.get("pending", 0) + left.get("in_flight", 0) > 0, left  # killed part way

    second = subprocess.run(
        command(tmp_path, users),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert second.returncode == 0, second.stdout + second.stderr
    held = Counter(r.data["external_id"] for r in clerk_emulator.state.users.users.values())
    assert sorted(held) == sorted(f"k{i}" for i in range(RECORDS))  # nothing lost
    assert max(held.values()) == 1  # nothing twice
    report = (tmp_path / "m.report.ndjson").read_text().splitlines()
    assert len(report) == RECORDS
    assert all(json.loads(line)["status"] == "created" for line in report)
