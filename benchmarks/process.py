"""Running one measurement in a fresh interpreter: ``python -m <module> ...``, optionally pinned to
a core, whose last line of output is its result as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["run_measurement"]

ROOT = Path(__file__).resolve().parent.parent


def run_measurement(
    module: str, *args: str, cpu: int | None, timeout: float = 600, what: str = ""
) -> dict[str, Any]:
    """The JSON result ``python -m module args... [--cpu N]`` prints last; raises on failure."""
    command = [sys.executable, "-m", module, *args]
    if cpu is not None:
        command += ["--cpu", str(cpu)]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what or module} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result
