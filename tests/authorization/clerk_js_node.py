"""Clerk JS itself, pinned (``clerk_js/package.json`` and its lock), run under Node.

``npm ci`` installs the pinned packages once into ``clerk_js/node_modules`` (git-ignored; done again
when the lock changes); :func:`run_clerk_js` sends one batch of cases to one Node process. Tests
skip, saying why, where Node or npm is missing or the packages cannot be installed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

FOLDER = Path(__file__).resolve().parent / "clerk_js"
_STAMP = FOLDER / "node_modules" / ".clerk-client-lock-sha256"


def _lock_digest() -> str:
    return hashlib.sha256((FOLDER / "package-lock.json").read_bytes()).hexdigest()


def node_or_skip() -> str:
    """The ``node`` command with the pinned packages installed, or a skip with the reason."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("the Clerk JS cross-check needs node and npm on PATH")
    digest = _lock_digest()
    if _STAMP.exists() and _STAMP.read_text() == digest:
        return node
    try:
        result = subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=FOLDER,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.skip("npm ci of the pinned Clerk JS packages timed out (no registry?)")
    if result.returncode != 0:
        pytest.skip(f"npm ci of the pinned Clerk JS packages failed: {result.stderr[-500:]}")
    _STAMP.write_text(digest)
    return node


def run_clerk_js(node: str, batch: dict[str, Any]) -> dict[str, Any]:
    """Clerk JS's answers to ``batch`` (see ``clerk_js/decide.cjs``)."""
    result = subprocess.run(
        [node, str(FOLDER / "decide.cjs")],
        input=json.dumps(batch),
        capture_output=True,
        text=True,
        cwd=FOLDER,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer
