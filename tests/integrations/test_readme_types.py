"""The README's framework examples pass ``mypy --strict`` as a user's project would check them
(they also run, with the other README examples, in ``tests/test_readme.py``).

Django and Django REST framework ship no type hints, and their stubs are no dependency of ours:
as in a strict project without them, their modules are untyped (``Any``) here, and an example
that subclasses DRF's classes turns off ``disallow_subclassing_any`` (with
djangorestframework-stubs it would not need to). Everything of ours is checked strictly.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_readme import EXAMPLES

FRAMEWORK_EXAMPLES = [code for code in EXAMPLES if ".integrations" in code]
CONFIG = """\
[mypy]
strict = True
python_version = 3.10

[mypy-django.*,rest_framework.*]
ignore_missing_imports = True
"""


def test_the_readme_shows_each_framework() -> None:
    shown = "\n".join(FRAMEWORK_EXAMPLES)
    for module in ("fastapi", "starlette", "aiohttp", "django", "drf", "flask"):
        assert f"clerk_async.integrations.{module} import" in shown


@pytest.mark.slow
def test_the_framework_examples_pass_mypy_strict(tmp_path: Path) -> None:
    config, files = CONFIG, []
    for index, code in enumerate(FRAMEWORK_EXAMPLES):
        module = f"readme_example_{index}"
        path = tmp_path / f"{module}.py"
        path.write_text(code, encoding="utf-8")
        files.append(str(path))
        if "rest_framework" in code:
            config += f"\n[mypy-{module}]\ndisallow_subclassing_any = False\n"
    (tmp_path / "mypy.ini").write_text(config, encoding="utf-8")
    mypy = [sys.executable, "-m", "mypy", "--config-file", str(tmp_path / "mypy.ini")]
    result = subprocess.run(
        [*mypy, "--cache-dir", str(tmp_path / ".mypy_cache"), *files],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
