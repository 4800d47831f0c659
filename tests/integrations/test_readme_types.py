"""The README's framework examples pass ``mypy --strict`` as they stand (they also run, with the
other README examples, in ``tests/test_readme.py``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_readme import EXAMPLES

FRAMEWORK_EXAMPLES = [code for code in EXAMPLES if ".integrations" in code]


def test_the_readme_shows_each_async_framework() -> None:
    shown = "\n".join(FRAMEWORK_EXAMPLES)
    for module in ("fastapi", "starlette", "aiohttp"):
        assert f"clerk_async.integrations.{module} import" in shown


@pytest.mark.slow
def test_the_framework_examples_pass_mypy_strict(tmp_path: Path) -> None:
    files = []
    for index, code in enumerate(FRAMEWORK_EXAMPLES):
        path = tmp_path / f"readme_example_{index}.py"
        path.write_text(code, encoding="utf-8")
        files.append(str(path))
    mypy = [sys.executable, "-m", "mypy", "--strict", "--python-version", "3.10"]
    result = subprocess.run(
        [*mypy, "--cache-dir", str(tmp_path / ".mypy_cache"), *files],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
