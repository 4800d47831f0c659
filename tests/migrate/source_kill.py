"""A real ``clerk-migrate import`` killed (``kill -9``) among the memberships, and run again to the
end: what every source's end-to-end test does with its own files."""

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

from clerk_async.emulator import ClerkEmulator

KILL_RATE = "40/1s"


def created(journal: Path, kind: str) -> int:
    if not journal.exists():
        return 0
    try:
        with sqlite3.connect(journal) as db:
            query = "SELECT COUNT(*) FROM records WHERE status = 'created' AND kind = ?"
            return int(db.execute(query, (kind,)).fetchone()[0])
    except sqlite3.OperationalError:  # the tables are not there yet
        return 0


def import_killed_and_resumed(
    emulator: ClerkEmulator, tmp_path: Path, args: list[str], *, memberships: int
) -> list[dict[str, object]]:
    """``import --yes ARGS``, killed once a quarter of the ``memberships`` are created, then run
    again until it exits 0; the report's lines."""
    journal = tmp_path / "m.db"
    command = [sys.executable, "-m", "clerk_async.migrate", "import", "--yes", "--journal",
               str(journal), "--rate-limit", KILL_RATE, *args]  # fmt: skip
    env = {**os.environ, "CLERK_SECRET_KEY": emulator.secret_key, "CLERK_API_URL": emulator.url}
    first = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 90
    while created(journal, "membership") < memberships // 4 and time.monotonic() < deadline:
        assert first.poll() is None, first.communicate()
        time.sleep(0.01)
    os.kill(first.pid, signal.SIGKILL)
    first.communicate()
    assert first.returncode == -signal.SIGKILL
    assert created(journal, "membership") < memberships  # killed part way
    second = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True,
                            timeout=180, check=False)  # fmt: skip
    assert second.returncode == 0, second.stdout + second.stderr
    lines = (tmp_path / "m.report.ndjson").read_text().splitlines()
    return [json.loads(line) for line in lines]


def external_ids(emulator: ClerkEmulator) -> Counter[str]:
    return Counter(str(r.data["external_id"]) for r in emulator.state.users.users.values())
