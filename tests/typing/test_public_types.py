"""What a user imports or copies type-checks: every public name of both packages, imported as
``from <module> import <name>``, and every Python block of the README, under ``mypy --strict``.

One mypy run checks them all (a module fixture), each test reads its part of the report.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import clerk_async
import clerk_sync

ROOT = Path(__file__).resolve().parents[2]
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)

#: README blocks that fail for a reason being fixed on the security branch (issue 13), each named
#: by a line only it holds. The lead empties this at merge; a listed block that passes fails the
#: test below, so the list cannot outlive its reason.
FIXED_ELSEWHERE: set[str] = set()


def public_modules() -> list[str]:
    """Every module of both packages whose dotted name has no ``_`` part."""
    names = []
    for package in (clerk_async, clerk_sync):
        found = pkgutil.walk_packages(package.__path__, package.__name__ + ".")
        for name in [package.__name__, *(module.name for module in found)]:
            if not any(part.startswith("_") for part in name.split(".")):
                names.append(name)
    return names


def public_names() -> list[tuple[str, str]]:
    """(module, name) for every name of every public module's ``__all__``, as Python sees them."""
    pairs = []
    for module in public_modules():
        exported = getattr(importlib.import_module(module), "__all__", None)
        assert exported is not None, f"{module} has no __all__"
        pairs += [(module, name) for name in exported]
    return pairs


def _block_file(index: int) -> str:
    return f"readme_block_{index:02d}.py"


@pytest.fixture(scope="module")
def mypy_errors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """File name -> mypy's error lines about it."""
    work = tmp_path_factory.mktemp("typing")
    imports = [
        f"from {module} import {name} as _{index}"
        for index, (module, name) in enumerate(public_names())
    ]
    files = [work / "public_names.py"]
    files[0].write_text("\n".join(imports) + "\n")
    for index, code in enumerate(BLOCKS):
        files.append(work / _block_file(index))
        # Django REST framework ships no types: without its stubs its classes are Any, and a
        # strict project subclassing them allows that in that module (with the stubs, no need).
        allow = "# mypy: allow-subclassing-any\n" if "rest_framework" in code else ""
        files[-1].write_text(allow + code)
    command = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")]
    # The project's settings (strict), less two that depend on which stubs a user has: Django
    # ships none (with django-stubs, the Django block's ignores are needed; without, unused).
    command += ["--no-warn-unused-ignores", "--disable-error-code", "import-untyped"]
    command += ["--cache-dir", str(work / "cache"), "--no-error-summary", *map(str, files)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    errors: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        path, _, rest = line.partition(":")
        if " error: " in rest:
            errors.setdefault(Path(path).name, []).append(line)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert done.returncode == 0 or errors, done.stdout + done.stderr
    return errors


def test_every_public_name_is_visible_to_type_checkers(mypy_errors: dict[str, list[str]]) -> None:
    assert len(public_names()) > 1000
    assert "\n".join(mypy_errors.get("public_names.py", [])) == ""


def _excluded(code: str) -> bool:
    return any(line in code for line in FIXED_ELSEWHERE)


def test_each_exclusion_names_one_block() -> None:
    for line in FIXED_ELSEWHERE:
        assert sum(line in code for code in BLOCKS) == 1, line


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_type_checks(index: int, mypy_errors: dict[str, list[str]]) -> None:
    problems = "\n".join(mypy_errors.get(_block_file(index), []))
    if _excluded(BLOCKS[index]):
        assert problems, "this block passes now: remove it from FIXED_ELSEWHERE"
    else:
        assert problems == "", BLOCKS[index]
