"""W12 runs and reports (its figures are the benchmark's business, not a test's)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # fresh processes, one per contender
def test_a_quick_w12_run_reports_the_overheads(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    command = [sys.executable, "-m", "benchmarks.run", "--quick", "--only", "W12"]
    result = subprocess.run(
        [*command, "--output", str(report)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    text = report.read_text()
    assert "## W12" in text
    for contender in (
        "no auth",
        "an empty dependency (a2)",
        "a security dependency reading the header (a3)",
        "the floor as a dependency (a4)",
        "ours: protect(permission=)",
        "PyJWT dependency",
    ):
        assert f"| {contender} |" in text
    assert "| W12 | auth overhead within 1.3x the RSA floor |" in text
    assert "| W12 | auth overhead over an empty FastAPI dependency within 1.3x" in text
    assert "| contender | over no auth (a) | over (a2) | over (a3) | over (a4) |" in text
    for path in (
        "| Starlette (middleware + decorator) |",
        "| aiohttp.web (middleware + decorator) |",
    ):
        assert path in text
    for call in ("`has(permission=)`", "`decide_access(state, Requirement(permission=))`"):
        assert f"| {call} |" in text
