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
