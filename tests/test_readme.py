"""Every Python example in the README runs, unchanged, against the local Clerk emulator."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from clerk_async.emulator import ClerkEmulator

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)


def _example_id(code: str) -> str:
    first = next(
        line for line in code.splitlines() if line and not line.startswith(("import", "from"))
    )
    return re.sub(r"\W+", "-", first)[:40].strip("-")


def emulator_env(emulator: ClerkEmulator) -> dict[str, str]:
    """The environment of an example: the client's key and server are the emulator's."""
    env = {**os.environ, "CLERK_API_URL": emulator.url, "CLERK_SECRET_KEY": emulator.secret_key}
    env.pop("CLERK_JWT_KEY", None)
    return env


def run_example(
    code: str, emulator: ClerkEmulator, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """An example run as a script against ``emulator``."""
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=emulator_env(emulator),
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("code", EXAMPLES, ids=[_example_id(code) for code in EXAMPLES])
def test_readme_example_runs(code: str, clerk_emulator: ClerkEmulator, tmp_path: Path) -> None:
    if "def test_" in code:  # an example of a test: run it with pytest, as a user would
        example = tmp_path / "test_example.py"
        example.write_text(code)
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(example)]
        command += [
            "-o",
            "asyncio_mode=strict",
            "-o",
            "asyncio_default_fixture_loop_scope=function",
        ]
        command += ["--rootdir", str(tmp_path)]
    else:
        command = [sys.executable, "-X", "dev", "-c", code]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        env=emulator_env(clerk_emulator),
        cwd=tmp_path,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "Unclosed" not in result.stderr


def test_the_unset_example_prints_what_it_says(clerk_emulator: ClerkEmulator) -> None:
    (code,) = [example for example in EXAMPLES if "last_name=None" in example]
    result = run_example(code, clerk_emulator)
    assert result.stdout.strip() == "Lynn None", result.stderr


def test_the_migration_example_imports_both_users(
    clerk_emulator: ClerkEmulator, tmp_path: Path
) -> None:
    (code,) = [example for example in EXAMPLES if "await migrate(" in example]
    result = run_example(code, clerk_emulator, cwd=tmp_path)
    assert result.stdout.splitlines()[0] == "2 0", result.stdout + result.stderr
    assert (tmp_path / "migration.db").exists()
    assert len(clerk_emulator.state.users.users) == 2
