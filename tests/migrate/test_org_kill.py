"""``kill -9`` of a real ``clerk-migrate`` mid-organizations, then mid-memberships, and resumes:
nothing of any kind twice, nothing lost."""

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

import pytest

from clerk_async.emulator import ClerkEmulator, Faults
from tests.migrate.org_support import held, member, slugs, user_rows
from tests.migrate.source_kill import created
from tests.migrate.support import ndjson

USERS, ORGANIZATIONS, PER_ORGANIZATION = 60, 80, 5


def command(tmp_path: Path) -> list[str]:
    return [sys.executable, "-m", "clerk_async.migrate", "import", "--from", "jsonl", "--yes",
            "--journal", str(tmp_path / "m.db"), "--rate-limit", "150/1s",
            "--organizations", str(tmp_path / "orgs.jsonl"),
            "--memberships", str(tmp_path / "members.jsonl"),
            str(tmp_path / "users.jsonl")]  # fmt: skip


def kill_when(process: subprocess.Popen[bytes], journal: Path, kind: str, count: int) -> None:
    deadline = time.monotonic() + 90
    while created(journal, kind) < count and time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL


@pytest.mark.slow  # clerk-migrate killed with SIGKILL twice, then resumed
def test_killed_mid_organizations_and_mid_memberships_nothing_twice_nothing_lost(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    ndjson(tmp_path / "users.jsonl", user_rows(USERS))
    organizations = [
        {"id": f"o{j}", "name": f"Org {j}", "max_allowed_memberships": 0,
         **({"created_by": f"u{j % USERS}"} if j % 3 == 0 else {})}
        for j in range(ORGANIZATIONS)
    ]  # fmt: skip
    ndjson(tmp_path / "orgs.jsonl", organizations)
    memberships = [
        member(f"o{j}", f"u{(j + i) % USERS}", "org:admin" if i == 0 else "org:member")
        for j in range(ORGANIZATIONS)
        for i in range(PER_ORGANIZATION)
    ]
    ndjson(tmp_path / "members.jsonl", memberships)
    clerk_emulator.faults = Faults(
        drop_after=0.05, error_rate=0.05, latency=0.01, methods=frozenset({"POST"}), seed=16
    )
    env = {**os.environ, "CLERK_SECRET_KEY": clerk_emulator.secret_key,
           "CLERK_API_URL": clerk_emulator.url}  # fmt: skip
    journal = tmp_path / "m.db"
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    first = subprocess.Popen(command(tmp_path), env=env, cwd=tmp_path, **pipes)  # type: ignore[call-overload]
    kill_when(first, journal, "organization", ORGANIZATIONS // 4)
    assert created(journal, "organization") < ORGANIZATIONS  # killed part way
    second = subprocess.Popen(command(tmp_path), env=env, cwd=tmp_path, **pipes)  # type: ignore[call-overload]
    kill_when(second, journal, "membership", len(memberships) // 4)
    assert created(journal, "membership") < len(memberships)
    with sqlite3.connect(journal) as db:
        left = dict(db.execute("SELECT status, COUNT(*) FROM records GROUP BY status").fetchall())
    assert left.get("pending", 0) + left.get("in_flight", 0) > 0, left

    third = subprocess.run(command(tmp_path), env=env, cwd=tmp_path, capture_output=True,
                           text=True, timeout=180, check=False)  # fmt: skip
    assert third.returncode == 0, third.stdout + third.stderr
    users = Counter(r.data["external_id"] for r in clerk_emulator.state.users.users.values())
    assert sorted(users) == sorted(f"u{i}" for i in range(USERS)) and max(users.values()) == 1
    assert slugs(clerk_emulator) == {f"org-{j}": 1 for j in range(ORGANIZATIONS)}
    expected = {(f"org-{m['organization_id'][1:]}", str(m["user_id"])): [str(m["role"])]
                for m in memberships}  # fmt: skip
    found = held(clerk_emulator)
    creators = {(f"org-{j}", f"u{j % USERS}") for j in range(0, ORGANIZATIONS, 3)}
    for key in creators - set(expected):  # a creator the input gives no membership: admin
        assert found.pop(key) == ["org:admin"]
    assert found == expected  # every membership once, with its role
    report = (tmp_path / "m.report.ndjson").read_text().splitlines()
    assert len(report) == USERS + ORGANIZATIONS + len(memberships)
    assert {json.loads(line)["status"] for line in report} == {"created"}
