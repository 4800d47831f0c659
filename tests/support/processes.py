"""Running a snippet of Python as a program of its own, from the project root."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, *, dev_mode: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
    """``python [-X dev] -c code`` with the project importable; ``env`` adds variables."""
    flags = ["-X", "dev"] if dev_mode else []
    return subprocess.run(
        [sys.executable, *flags, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        check=False,
    )
