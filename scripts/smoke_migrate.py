"""Smoke test of an installed migrate extra: the clerk-migrate console script imports a small
file into an emulator, exits 0, and a second run finds nothing left to do."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from clerk_async.emulator import ClerkEmulator


def main() -> int:
    command = shutil.which("clerk-migrate", path=str(Path(sys.executable).parent))
    if command is None:
        print("smoke_migrate: no clerk-migrate console script", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as work, ClerkEmulator(rate_limit=None) as emulator:
        users = Path(work) / "users.jsonl"
        users.write_text(
            "".join(
                json.dumps({"external_id": f"legacy-{i}", "email_address": [f"u{i}@example.com"]})
                + "\n"
                for i in range(5)
            )
        )
        env = {
            **os.environ,
            "CLERK_SECRET_KEY": emulator.secret_key,
            "CLERK_API_URL": emulator.url,
        }
        journal = str(Path(work) / "migration.db")
        for _ in range(2):  # the second run resumes a finished journal: nothing is sent twice
            done = subprocess.run(
                [command, "import", "--from", "jsonl", "--yes", "--journal", journal, str(users)],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            if done.returncode != 0:
                print(done.stdout, done.stderr, file=sys.stderr)
                return 1
        status = subprocess.run(
            [command, "status", "--json", "--journal", journal],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        counts = json.loads(status.stdout)
        created = len(emulator.state.users.users)
    if created != 5 or counts.get("created") != 5:
        print(f"smoke_migrate: {created} users in the emulator, status {counts}", file=sys.stderr)
        return 1
    print("smoke_migrate: clerk-migrate imported 5 users once, from a fresh install")
    return 0


if __name__ == "__main__":
    sys.exit(main())
